import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../../clock.js';
import { SimServer } from '../sim-server.js';
import type { VendorSimulator } from '../vendor-simulator.js';
import { type AvidSimAuth, routeCtmsRequest } from './routes.js';
import { type CreateCommandOptions, type CtmsError, CtmsState, runToSuccess } from './state.js';
import { COMMANDS_PATH, commandHref } from './wire-format.js';

/** Documented ways one CTMS differs from another, switchable while the simulator runs. */
export interface AvidCtmsQuirks {
  /** The curie prefix of the command relations (`<prefix>:cancel`). Default `command`, as documented. */
  commandCuriePrefix?: string;
  /**
   * Origin written into `_links` instead of the simulator's own, to play a CTMS behind a proxy
   * that announces its internal host name. Default: the simulator's own origin.
   */
  linkOrigin?: string;
  /** What an expired or unknown command answers. Default 404. */
  expiredStatus?: 404 | 410;
}

export interface AvidCtmsSimulatorOptions extends AvidCtmsQuirks {
  clock?: Clock;
  /** Default `client-credentials`, as a MediaCentral system set up for an application. */
  auth?: AvidSimAuth;
  /** Lifetime of issued tokens, clock seconds. Default one hour. */
  tokenLifetimeSeconds?: number;
  /** How long a final command's status is kept, clock seconds. Default 4 hours ("a few hours"). */
  retentionSeconds?: number;
}

/** The job reference a jobwatch caller would pass for a simulated command. */
export interface AvidCommandReference extends Record<string, unknown> {
  commandId: string;
  href: string;
}

/**
 * A local Avid CTMS speaking the command:command HAL resource of the vendor documentation:
 * commands at `/apis/mam/commands/{id}` with absolute `self` and `command:cancel` links, OAuth2
 * client credentials (or a ROPC user login) at the endpoints `GET /auth` lists, bearer tokens
 * (header or `avidAccessToken` cookie) that expire on the simulator's clock, .NET-style
 * timestamps (seven fractional digits, +01:00), and commands that vanish (404/410) a few hours
 * after they end.
 *
 * @example
 * const simulator = new AvidCtmsSimulator({ clock: scaledClock(60) });
 * const baseUrl = await simulator.start();
 * const reference = simulator.createDemoJob(120); // { commandId, href }
 */
export class AvidCtmsSimulator implements VendorSimulator<AvidCtmsQuirks, AvidCommandReference> {
  readonly vendor = 'avid-ctms' as const;
  readonly server: SimServer;
  readonly credentials: Record<string, string>;
  private readonly clock: Clock;
  private readonly state: CtmsState;
  private quirks: AvidCtmsQuirks;

  constructor(options: AvidCtmsSimulatorOptions = {}) {
    const { clock, auth, tokenLifetimeSeconds, retentionSeconds, ...quirks } = options;
    this.clock = clock ?? systemClock;
    this.quirks = quirks;
    this.state = new CtmsState(this.clock, retentionSeconds ?? 4 * 3600);
    const mode = auth ?? 'client-credentials';
    this.credentials = credentialsFor(mode);
    this.server = new SimServer(
      (request) =>
        routeCtmsRequest(request, {
          state: this.state,
          auth: mode,
          credentials: this.credentials,
          tokenLifetimeSeconds: tokenLifetimeSeconds ?? 3600,
          expiredStatus: this.quirks.expiredStatus ?? 404,
          links: () => ({ origin: this.origin(), curiePrefix: this.quirks.commandCuriePrefix ?? 'command' }),
          now: () => this.clock.now(),
        }),
      { clock: this.clock },
    );
  }

  /** How many tokens the token endpoints issued: tests assert caching with it. */
  get tokensIssued(): number {
    return this.state.tokensIssued;
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

  /** Replaces the quirks in force (the constructor's included). */
  setQuirks(quirks: AvidCtmsQuirks): void {
    this.quirks = quirks;
  }

  /** Starts a command following `steps` (default: success after 30 clock seconds). */
  createCommand(options: CreateCommandOptions = {}): AvidCommandReference {
    const { id } = this.state.create(options);
    return { commandId: id, href: commandHref(this.origin(), id) };
  }

  /** A command that runs to success over `durationSeconds` clock seconds with visible progress. */
  createDemoJob(durationSeconds: number): AvidCommandReference {
    return this.createCommand({ steps: runToSuccess(durationSeconds) });
  }

  /** Suspends a running command now; it stays suspended until {@link resume}. */
  suspend(id: string): void {
    this.state.suspend(id);
  }

  /** Resumes a command and lets it finish after `remainingSeconds`. */
  resume(id: string, remainingSeconds: number): void {
    this.state.resume(id, remainingSeconds);
  }

  /** Ends a command now in lifecycle `error`. */
  fail(id: string, error: CtmsError): void {
    this.state.fail(id, error);
  }

  /** Makes CTMS forget a command now, as it does a few hours after the command ended. */
  expire(id: string): void {
    this.state.expire(id);
  }

  /** Invalidates every issued token (a CTMS restart, or an administrator revoking sessions). */
  revokeTokens(): void {
    this.state.revokeTokens();
  }

  /** The command's current lifecycle, for tests that check what a cancel did. */
  lifecycleOf(id: string): string {
    return this.state.current(this.state.command(id)).lifecycle;
  }

  private origin(): string {
    return this.quirks.linkOrigin ?? new URL(this.server.url || 'http://127.0.0.1/').origin;
  }
}

/** Fresh credentials per instance, of the kind the auth mode asks for. */
function credentialsFor(auth: AvidSimAuth): Record<string, string> {
  const secret = randomBytes(18).toString('hex');
  const app = { clientId: `jobwatch-sim-${randomBytes(4).toString('hex')}`, clientSecret: secret };
  switch (auth) {
    case 'client-credentials':
      return app;
    case 'password':
      return { ...app, username: 'sim-editor', password: `pw-${randomBytes(9).toString('hex')}` };
    case 'static-token':
      return { token: `static-${secret}` };
    case 'none':
      return {};
  }
}
