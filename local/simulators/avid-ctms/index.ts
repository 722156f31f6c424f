import { randomBytes, randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../clock.js';
import { json, type SimRequest, type SimResponse, SimServer } from '../sim-server.js';
import { Timeline } from '../timeline.js';
import {
  type CommandStep,
  type CommandStepState,
  type CtmsError,
  isFinalLifecycle,
  runToSuccess,
} from './command-scripts.js';

export * from './command-scripts.js';

/**
 * How the simulated CTMS wants to be authenticated: an app's client credentials, a user login
 * through the app (`password`, the ROPC grant behind `auth:ropc-default`), a fixed token, or not.
 */
export type AvidSimAuth = 'client-credentials' | 'password' | 'static-token' | 'none';

/**
 * How `_links` hrefs are written: `absolute` as in the documentation, `root-relative`
 * (`/apis/mam/commands/{id}`), or `relative` to the command document itself (`{id}`, `{id}/cancel`).
 */
export type AvidSimLinkStyle = 'absolute' | 'root-relative' | 'relative';

export interface AvidCtmsSimulatorOptions {
  clock?: Clock;
  /** Default `client-credentials`, as a MediaCentral system set up for an application. */
  auth?: AvidSimAuth;
  /** Lifetime of issued tokens, clock seconds. Default one hour. */
  tokenLifetimeSeconds?: number;
  /** Whether the token links are advertised at all. Default true. */
  advertiseTokenLink?: boolean;
  /**
   * Where the token links are advertised: on `GET /auth` itself, or, as MediaCentral does for
   * its `auth:ropc-<provider>` links, on the identity providers `/auth` links to. Default `auth`.
   */
  tokenLinksAt?: 'auth' | 'identity-providers';
  /** Default `absolute`. */
  linkStyle?: AvidSimLinkStyle;
  /** The curie prefix of the command relations (`<prefix>:cancel`). Default `command`, as documented. */
  commandCuriePrefix?: string;
  /**
   * Origin written into `_links` instead of the simulator's own, to play a CTMS behind a proxy
   * that announces its internal host name. Default: the simulator's own origin.
   */
  linkOrigin?: string;
  /** How long a final command's status is kept, clock seconds. Default 4 hours ("a few hours"). */
  retentionSeconds?: number;
  /** What an expired or unknown command answers. Default 404. */
  expiredStatus?: 404 | 410;
}

export interface CreateCommandOptions {
  /** Caller-chosen id (CTMS `?commandid=`); default a fresh UUID. */
  id?: string;
  type?: string;
  steps?: CommandStep[];
  /** `payload.command-parameters`. */
  parameters?: Record<string, unknown>;
}

/** The job reference a jobwatch caller would pass for a simulated command. */
export interface AvidCommandReference extends Record<string, unknown> {
  commandId: string;
  href: string;
}

interface SimCommand {
  id: string;
  type: string;
  timeline: Timeline<CommandStepState>;
  parameters?: Record<string, unknown>;
  /** Clock ms; set by `expire()`: the command answers `expiredStatus` from then on. */
  expiredAt?: number;
}

const COMMANDS_PATH = '/apis/mam/commands/';
const TOKEN_PATH = '/auth/sso/login/oauth2/client-credentials/default';
const ROPC_PATH = '/auth/sso/login/oauth2/ropc/default';
const IDENTITY_PROVIDERS_PATH = '/auth/identity-providers';
const SERVICE = {
  serviceName: 'MAMAssetsCTC_1',
  serviceInstance: 'MAMAssetsCTC_1',
  serviceVersion: '7.5.0.91',
};

/**
 * A local Avid CTMS speaking the command:command HAL resource of the vendor documentation:
 * commands at `/apis/mam/commands/{id}` with absolute `self` and `command:cancel` links, OAuth2
 * client credentials (or a ROPC user login) discovered from `GET /auth`, bearer tokens (header or
 * `avidAccessToken` cookie) that expire on the simulator's
 * clock, .NET-style timestamps (seven fractional digits, +01:00), and commands that vanish
 * (404/410) a few hours after they end.
 *
 * @example
 * const simulator = new AvidCtmsSimulator({ clock: scaledClock(60) });
 * const baseUrl = await simulator.start();
 * const reference = simulator.createDemoJob(120); // { commandId, href }
 */
export class AvidCtmsSimulator {
  readonly server: SimServer;
  readonly credentials: Record<string, string>;
  private readonly clock: Clock;
  private readonly options: Required<Omit<AvidCtmsSimulatorOptions, 'clock' | 'linkOrigin'>> & {
    linkOrigin?: string;
  };
  private readonly commands = new Map<string, SimCommand>();
  /** Issued access tokens and the clock ms at which each expires. */
  private readonly tokens = new Map<string, number>();
  /** How many tokens the token endpoint issued: tests assert caching with it. */
  tokensIssued = 0;

  constructor(options: AvidCtmsSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.options = {
      auth: options.auth ?? 'client-credentials',
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
      advertiseTokenLink: options.advertiseTokenLink ?? true,
      tokenLinksAt: options.tokenLinksAt ?? 'auth',
      linkStyle: options.linkStyle ?? 'absolute',
      commandCuriePrefix: options.commandCuriePrefix ?? 'command',
      retentionSeconds: options.retentionSeconds ?? 4 * 3600,
      expiredStatus: options.expiredStatus ?? 404,
      ...(options.linkOrigin ? { linkOrigin: options.linkOrigin } : {}),
    };
    const secret = randomBytes(18).toString('hex');
    const app = { clientId: `jobwatch-sim-${randomBytes(4).toString('hex')}`, clientSecret: secret };
    this.credentials =
      this.options.auth === 'client-credentials'
        ? app
        : this.options.auth === 'password'
          ? { ...app, username: 'sim-editor', password: `pw-${randomBytes(9).toString('hex')}` }
          : this.options.auth === 'static-token'
            ? { token: `static-${secret}` }
            : {};
    this.server = new SimServer((request) => this.handle(request), { clock: this.clock });
  }

  /** Starts on a loopback port; the returned base URL is the host root, where `/auth` lives. */
  start(): Promise<string> {
    return this.server.start('/');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The connection options the adapter needs to find commands by id on this simulator. */
  connectionOptions(): Record<string, unknown> {
    return { commandUrlTemplate: `${COMMANDS_PATH.slice(1)}{commandId}` };
  }

  /** Starts a command following `steps` (default: success after 30 clock seconds). */
  createCommand(options: CreateCommandOptions = {}): AvidCommandReference {
    const id = options.id ?? randomUUID();
    const existing = this.commands.get(id);
    if (!existing) {
      this.commands.set(id, {
        id,
        type: options.type ?? 'aa:set-thumb-command',
        timeline: new Timeline(options.steps ?? runToSuccess(30), this.clock.now()),
        ...(options.parameters ? { parameters: options.parameters } : {}),
      });
    }
    return { commandId: id, href: this.commandHref(id) };
  }

  /** A command that runs to success over `durationSeconds` clock seconds with visible progress. */
  createDemoJob(durationSeconds: number): AvidCommandReference {
    return this.createCommand({ steps: runToSuccess(durationSeconds) });
  }

  /** Suspends a running command now; it stays suspended until {@link resume}. */
  suspend(id: string): void {
    const progress = this.command(id).timeline.at(this.clock.now()).progress;
    this.interrupt(id, [
      {
        at: 0,
        progress,
        state: { lifecycle: 'suspended', state: { text: 'Suspended', code: 'CTMS/SUSPENDED' } },
      },
    ]);
  }

  /** Resumes a command and lets it finish after `remainingSeconds`. */
  resume(id: string, remainingSeconds: number): void {
    const command = this.command(id);
    const progress = command.timeline.at(this.clock.now()).progress ?? 0;
    this.interrupt(id, [
      {
        at: 0,
        progress,
        state: { lifecycle: 'running', state: { text: 'Processing', code: 'CTMS/RUNNING' } },
      },
      {
        at: remainingSeconds,
        progress: 100,
        state: { lifecycle: 'finished', state: { text: 'Done', code: 'CTMS/FINISHED' } },
      },
    ]);
  }

  /** Ends a command now in lifecycle `error`. */
  fail(id: string, error: CtmsError): void {
    this.interrupt(id, [{ at: 0, state: { lifecycle: 'error', error } }]);
  }

  /** Makes CTMS forget a command now, as it does a few hours after the command ended. */
  expire(id: string): void {
    this.command(id).expiredAt = this.clock.now();
  }

  /** Invalidates every issued token (a CTMS restart, or an administrator revoking sessions). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** The command's current lifecycle, for tests that check what a cancel did. */
  lifecycleOf(id: string): string {
    return this.command(id).timeline.at(this.clock.now()).step.state.lifecycle;
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async handle(request: SimRequest): Promise<SimResponse> {
    const path = request.url.pathname;
    if (path === '/auth' && request.method === 'GET') return this.authEntry();
    if (path === IDENTITY_PROVIDERS_PATH && request.method === 'GET') return this.identityProviders();
    if ((path === TOKEN_PATH || path === ROPC_PATH) && request.method === 'POST') {
      return this.issueToken(request, path === ROPC_PATH ? 'password' : 'client_credentials');
    }
    if (!path.startsWith(COMMANDS_PATH.slice(0, -1)))
      return ctmsError(404, 'avid.ctms/NOT_FOUND', 'No such resource');
    if (!this.authorized(request)) {
      return ctmsError(401, 'avid.ctms/UNAUTHORIZED', 'Missing, invalid or expired access token');
    }
    const rest = path.slice(COMMANDS_PATH.length);
    if ((path === COMMANDS_PATH || path === COMMANDS_PATH.slice(0, -1)) && request.method === 'POST') {
      return this.startCommand(request);
    }
    const [id, action] = rest.split('/').map((part) => decodeURIComponent(part));
    if (!id) return ctmsError(404, 'avid.ctms/NOT_FOUND', 'No such resource');
    const command = this.commands.get(id);
    if (!command || this.isExpired(command)) {
      return ctmsError(this.options.expiredStatus, 'avid.ctms/COMMAND_NOT_FOUND', `Command ${id} not found`);
    }
    if (action === undefined && request.method === 'GET') return json(200, this.resource(command));
    if (action === 'cancel' && request.method === 'DELETE') return this.cancel(command);
    return ctmsError(405, 'avid.ctms/METHOD_NOT_ALLOWED', `${request.method} not allowed here`);
  }

  /** `POST /apis/mam/commands?commandid=<uuid>`: a generic start with a caller-chosen id. */
  private startCommand(request: SimRequest): SimResponse {
    const id = request.url.searchParams.get('commandid') ?? undefined;
    const type = request.url.searchParams.get('type') ?? undefined;
    const reference = this.createCommand({ ...(id ? { id } : {}), ...(type ? { type } : {}) });
    return json(200, this.resource(this.command(reference.commandId)));
  }

  private cancel(command: SimCommand): SimResponse {
    const lifecycle = command.timeline.at(this.clock.now()).step.state.lifecycle;
    if (isFinalLifecycle(lifecycle)) {
      // [INF] CTMS's answer to cancelling an ended command is undocumented; a conflict is plausible.
      return ctmsError(
        409,
        'avid.ctms/COMMAND_ALREADY_FINISHED',
        `Command ${command.id} already ended (${lifecycle})`,
      );
    }
    this.fail(command.id, {
      cause: 'canceled',
      code: 'CTMS/COMMAND_CANCELED',
      text: 'Command was canceled by the caller',
    });
    return json(200, this.resource(command));
  }

  private authEntry(): SimResponse {
    const origin = this.origin();
    const links: Record<string, unknown> = {
      curies: [{ href: `${origin}/auth/def/rels/{rel}`, name: 'auth', templated: true }],
      self: { href: `${origin}/auth` },
      'auth:identity-providers': [{ href: `${origin}${IDENTITY_PROVIDERS_PATH}` }],
      // Describes the current token; issues none. An adapter must not POST grants here.
      'auth:token': [{ href: `${origin}/auth/tokens/current`, name: 'current' }],
    };
    if (this.options.tokenLinksAt === 'auth') Object.assign(links, this.tokenLinks());
    return json(200, { _links: links });
  }

  /** The identity providers resource: one embedded provider holding the login links. */
  private identityProviders(): SimResponse {
    const origin = this.origin();
    const provider = {
      name: 'default',
      kind: 'local',
      _links: this.options.tokenLinksAt === 'identity-providers' ? this.tokenLinks() : {},
    };
    return json(200, {
      _links: { self: { href: `${origin}${IDENTITY_PROVIDERS_PATH}` } },
      _embedded: { 'auth:identity-provider': [provider] },
    });
  }

  private tokenLinks(): Record<string, unknown> {
    if (!this.options.advertiseTokenLink) return {};
    const origin = this.origin();
    return {
      'auth:client-credentials': [{ href: `${origin}${TOKEN_PATH}`, name: 'default' }],
      'auth:ropc-default': [{ href: `${origin}${ROPC_PATH}`, name: 'default' }],
    };
  }

  private issueToken(request: SimRequest, servedGrant: 'client_credentials' | 'password'): SimResponse {
    const form = new URLSearchParams(request.body);
    if (form.get('grant_type') !== servedGrant) {
      return json(400, { error: 'unsupported_grant_type' });
    }
    const basic = /^Basic\s+(\S.*)$/i.exec(request.headers.authorization ?? '')?.[1];
    const expected = `${this.credentials.clientId}:${this.credentials.clientSecret}`;
    const wantedAuth = servedGrant === 'password' ? 'password' : 'client-credentials';
    if (
      this.options.auth !== wantedAuth ||
      !basic ||
      Buffer.from(basic, 'base64').toString('utf8') !== expected
    ) {
      return json(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="avid"' });
    }
    if (
      servedGrant === 'password' &&
      (form.get('username') !== this.credentials.username ||
        form.get('password') !== this.credentials.password)
    ) {
      return json(400, { error: 'invalid_grant' });
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, this.clock.now() + this.options.tokenLifetimeSeconds * 1000);
    this.tokensIssued += 1;
    return json(200, {
      access_token: token,
      token_type: 'bearer',
      expires_in: this.options.tokenLifetimeSeconds,
    });
  }

  private authorized(request: SimRequest): boolean {
    if (this.options.auth === 'none') return true;
    const bearer = /^Bearer\s+(\S.*)$/i.exec(request.headers.authorization ?? '')?.[1];
    // CTMS also takes the token from the avidAccessToken cookie (browser sessions).
    const cookie = /(?:^|;\s*)avidAccessToken=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
    const token = bearer ?? cookie;
    if (!token) return false;
    if (this.options.auth === 'static-token') return token === this.credentials.token;
    const expiresAt = this.tokens.get(token);
    return expiresAt !== undefined && this.clock.now() < expiresAt;
  }

  // ---- Wire format ---------------------------------------------------------------------------

  private resource(command: SimCommand): Record<string, unknown> {
    const now = this.clock.now();
    const position = command.timeline.at(now);
    const { state: step } = position.step;
    const stepStartedAt = command.timeline.startedAt + position.step.at * 1000;
    const final = isFinalLifecycle(step.lifecycle);
    const moving = step.lifecycle === 'running' && position.progress !== undefined;
    const modified = moving ? now : stepStartedAt;
    const prefix = this.options.commandCuriePrefix;
    const links: Record<string, unknown> = {
      curies: [{ href: 'http://services.avid.com/apis/command/{rel}', name: prefix, templated: true }],
      self: { href: this.linkHref(command.id) },
    };
    // Only a command that can still be stopped offers command:cancel [INF].
    if (!final) links[`${prefix}:cancel`] = { href: this.linkHref(command.id, '/cancel') };
    const payload: Record<string, unknown> = {};
    if (command.parameters) payload['command-parameters'] = command.parameters;
    if (step.result) payload.result = step.result;
    return {
      command: {
        type: command.type,
        id: command.id,
        lifecycle: step.lifecycle,
        ...(step.state ? { state: step.state } : {}),
        ...(step.error ? { error: step.error } : {}),
        ...(position.progress !== undefined ? { progress: Math.round(position.progress) } : {}),
        ...SERVICE,
        host: 'ctms-sim',
        created: formatCtmsDate(command.timeline.startedAt),
        modified: formatCtmsDate(modified),
        ...(final ? { finished: formatCtmsDate(stepStartedAt) } : {}),
      },
      version: '1.0',
      ...(Object.keys(payload).length > 0 ? { payload } : {}),
      _links: links,
    };
  }

  private isExpired(command: SimCommand): boolean {
    const now = this.clock.now();
    if (command.expiredAt !== undefined && now >= command.expiredAt) return true;
    const position = command.timeline.at(now);
    if (!isFinalLifecycle(position.step.state.lifecycle)) return false;
    const endedAt = command.timeline.startedAt + position.step.at * 1000;
    return now - endedAt > this.options.retentionSeconds * 1000;
  }

  private interrupt(id: string, steps: CommandStep[]): void {
    this.command(id).timeline.interrupt(this.clock.now(), steps);
  }

  private command(id: string): SimCommand {
    const command = this.commands.get(id);
    if (!command) throw new Error(`The simulator has no command ${id}`);
    return command;
  }

  private origin(): string {
    return this.options.linkOrigin ?? new URL(this.server.url || 'http://127.0.0.1/').origin;
  }

  private commandHref(id: string): string {
    return `${this.origin()}${COMMANDS_PATH}${encodeURIComponent(id)}`;
  }

  /** A command link in the configured {@link AvidSimLinkStyle}. */
  private linkHref(id: string, suffix = ''): string {
    const encoded = encodeURIComponent(id);
    if (this.options.linkStyle === 'root-relative') return `${COMMANDS_PATH}${encoded}${suffix}`;
    // Relative to the command document `/apis/mam/commands/{id}`: its last segment is replaced.
    if (this.options.linkStyle === 'relative') return `${encoded}${suffix}`;
    return `${this.commandHref(id)}${suffix}`;
  }
}

/** CTMS's error body [INF: the shape of CTMS REST errors, trimmed]. */
function ctmsError(status: number, code: string, text: string): SimResponse {
  return json(status, { error: { code, text, httpCode: status } });
}

/**
 * A timestamp the way CTMS's .NET services write it: local time at +01:00 with seven
 * fractional digits, e.g. `2020-01-27T13:21:53.9130000+01:00`.
 */
export function formatCtmsDate(epochMs: number): string {
  const shifted = new Date(epochMs + 3600 * 1000).toISOString(); // 2020-01-27T13:21:53.913Z
  return `${shifted.slice(0, -1)}0000+01:00`;
}
