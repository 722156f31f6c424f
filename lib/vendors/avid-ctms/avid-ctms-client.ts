import type { Credentials } from '../../config/credentials.js';
import { describeUrl } from '../../http/redact.js';
import type { VendorRequest, VendorResponse } from '../../http/vendor-http-client.js';
import { InvalidInputError, VendorAuthError, VendorProtocolError } from '../../jobs/errors.js';
import { canonicalGuid } from '../shared/guid.js';
import type { AdapterContext, WatchedJob } from '../vendor-adapter.js';
import type { AvidCtmsState, CommandUrlSource } from './avid-ctms-observation.js';
import { type AvidCtmsOptions, COMMAND_ID_PLACEHOLDER } from './avid-ctms-options.js';
import { type AvidCtmsReference, fetchableHref } from './avid-ctms-reference.js';
import { type CommandResource, parseCommandResource, TokenResponseSchema } from './avid-ctms-schema.js';

/** An OAuth2 access token and when to stop using it. */
interface IssuedToken {
  accessToken: string;
  /** Clock ms after which the token is renewed rather than sent (the refresh margin applied). */
  refreshAt: number;
}

/**
 * What the adapter keeps of one connection between calls in one process: the token every job of
 * the connection is polled with. Never in the job's state: that is stored. A change of the
 * connection's credentials or address starts a fresh memory, so a rotated secret never meets a
 * token issued for the old one.
 */
export interface AvidCtmsMemory {
  token: IssuedToken | undefined;
  /** A token request under way: polls of several jobs of the connection share it. */
  pending: Promise<IssuedToken> | undefined;
}

export function createAvidCtmsMemory(): AvidCtmsMemory {
  return { token: undefined, pending: undefined };
}

export type AvidCtmsContext = AdapterContext<AvidCtmsOptions, AvidCtmsState, AvidCtmsMemory>;
type Watched = WatchedJob<AvidCtmsReference>;

/** CTMS answers HAL; plain JSON is what some gateways put in front of it. */
const HAL_ACCEPT = 'application/hal+json, application/json;q=0.9';

/** Renew a token this long before it expires, at most half its lifetime. */
const REFRESH_MARGIN_SECONDS = 60;
/**
 * Lifetime assumed when a token answer has no `expires_in` (RFC 6749 makes it optional). A wrong
 * guess costs one refused request: a refused token is renewed once (see {@link sendAuthorized}).
 */
const ASSUMED_LIFETIME_SECONDS = 300;

/** How a connection authenticates, decided by which credentials the operator stored. */
type AuthMode =
  | { kind: 'none' }
  | { kind: 'static-token'; token: string }
  | { kind: 'client-credentials'; clientId: string; clientSecret: string }
  | { kind: 'password'; clientId: string; clientSecret: string; username: string; password: string };

type OAuthMode = Extract<AuthMode, { clientId: string }>;

function authModeOf(credentials: Credentials): AuthMode {
  const { token, clientId, clientSecret, username, password } = credentials;
  if (clientId && clientSecret && username && password) {
    return { kind: 'password', clientId, clientSecret, username, password };
  }
  if (clientId && clientSecret) return { kind: 'client-credentials', clientId, clientSecret };
  if (token) return { kind: 'static-token', token };
  return { kind: 'none' };
}

/** What a GET on the command answered: its resource, or that CTMS no longer knows it. */
export type CommandAnswer =
  | { kind: 'command'; resource: CommandResource }
  | { kind: 'gone'; status: 404 | 410; url: URL; source: CommandUrlSource };

/**
 * Reads the watched command. A 404 or 410 is an answer (the command is gone), anything else that
 * is not a command resource of this command is a protocol error.
 *
 * @example const answer = await fetchCommand(context, job);
 */
export async function fetchCommand(context: AvidCtmsContext, job: Watched): Promise<CommandAnswer> {
  const { url, source } = commandUrl(context, job);
  const response = await sendAuthorized(context, { url });
  if (response.status === 404 || response.status === 410) {
    return { kind: 'gone', status: response.status, url: response.url, source };
  }
  if (response.status < 200 || response.status >= 300) {
    throw context.http.protocolError(
      response,
      `answered ${response.status} where a command resource was expected`,
    );
  }
  const resource = parseCommandResource(context.http.parseJson(response));
  if (!resource) {
    throw context.http.protocolError(
      response,
      'answered JSON that is not a CTMS command resource (no "command" object)',
    );
  }
  const returnedId = resource.command.id;
  const { commandId } = job.reference;
  // A self link or template pointing at the wrong command must not feed another job's state.
  if (commandId !== undefined && typeof returnedId === 'string' && canonicalGuid(returnedId) !== commandId) {
    throw context.http.protocolError(response, `answered command ${returnedId} for command ${commandId}`);
  }
  return { kind: 'command', resource };
}

/** DELETE on the command's cancel link. */
export function deleteCommand(context: AvidCtmsContext, cancelHref: string): Promise<VendorResponse> {
  return sendAuthorized(context, { method: 'DELETE', url: cancelHref });
}

/** The URL to poll: the command's own self link if we learned one, else the caller's href, else the template. */
function commandUrl(context: AvidCtmsContext, job: Watched): { url: string; source: CommandUrlSource } {
  const baseUrl = context.http.baseUrl;
  const remembered = context.state?.selfHref;
  const self = remembered === undefined ? undefined : fetchableHref(baseUrl, remembered);
  if (self) return { url: self, source: 'self' };
  const { href, commandId } = job.reference;
  if (href !== undefined) {
    const fetchable = fetchableHref(baseUrl, href);
    if (!fetchable) {
      throw new VendorProtocolError(
        `The job reference's href points outside the connection's base URL ${describeUrl(baseUrl)}: not fetched`,
        { vendor: context.connection.vendor, connection: context.connection.name },
      );
    }
    return { url: fetchable, source: 'href' };
  }
  // The schema guarantees one of the two; this keeps the type checker and a future schema honest.
  if (commandId === undefined) throw new InvalidInputError('An avid-ctms reference needs commandId or href');
  const path = context.options.commandUrlTemplate.replaceAll(
    COMMAND_ID_PLACEHOLDER,
    encodeURIComponent(commandId),
  );
  return { url: path, source: 'template' };
}

/**
 * Sends one CTMS request with the connection's authorization. When the connection gets its tokens
 * from the token endpoint and CTMS refuses the token (401, or 403 — the only refusal the command
 * link relation documents [DOC]), a fresh token is fetched once and the request retried once; a
 * second refusal is a {@link VendorAuthError}, never a job state.
 */
async function sendAuthorized(context: AvidCtmsContext, request: VendorRequest): Promise<VendorResponse> {
  const headers = { accept: HAL_ACCEPT, ...request.headers };
  const mode = authModeOf(context.credentials);
  try {
    return await context.http.request({
      ...request,
      headers: { ...headers, ...(await authorization(context, mode, false)) },
    });
  } catch (error) {
    const refused = error instanceof VendorAuthError && [401, 403].includes(error.context.statusCode ?? 0);
    if (!refused || (mode.kind !== 'client-credentials' && mode.kind !== 'password')) throw error;
  }
  try {
    return await context.http.request({
      ...request,
      headers: { ...headers, ...(await authorization(context, mode, true)) },
    });
  } catch (error) {
    if (error instanceof VendorAuthError) {
      throw new VendorAuthError(`${error.message} (also with a freshly issued token)`, error.context, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * The headers that authorize the next request: the bearer token in `Authorization`, and in the
 * `avidAccessToken` cookie too when the connection says so — CTMS takes either [DOC].
 */
async function authorization(
  context: AvidCtmsContext,
  mode: AuthMode,
  renew: boolean,
): Promise<Record<string, string>> {
  if (mode.kind === 'none') return {};
  const token =
    mode.kind === 'static-token' ? mode.token : (await oauthToken(context, mode, renew)).accessToken;
  context.http.secrets.add(token);
  return {
    authorization: `Bearer ${token}`,
    ...(context.options.sendTokenCookie ? { cookie: `avidAccessToken=${token}` } : {}),
  };
}

async function oauthToken(context: AvidCtmsContext, mode: OAuthMode, renew: boolean): Promise<IssuedToken> {
  const memory = context.memory;
  const held = memory.token;
  if (renew) memory.token = undefined;
  else if (held && context.now().getTime() < held.refreshAt) return held;
  if (memory.pending) return memory.pending;
  const pending = requestToken(context, mode).finally(() => {
    memory.pending = undefined;
  });
  memory.pending = pending;
  memory.token = await pending;
  return memory.token;
}

/**
 * Asks the configured token endpoint for a token [DOC: OAuth2, the app's id and secret as Basic
 * client authentication]. An endpoint that is not there, or does not serve the grant, is a
 * configuration problem named with the option that fixes it.
 */
async function requestToken(context: AvidCtmsContext, mode: OAuthMode): Promise<IssuedToken> {
  const grant = mode.kind === 'password' ? 'password' : 'client_credentials';
  const form = new URLSearchParams({ grant_type: grant });
  if (mode.kind === 'password') {
    form.set('username', mode.username);
    form.set('password', mode.password);
  }
  const issuedAt = context.now().getTime();
  const response = await context.http.request({
    method: 'POST',
    url: mode.kind === 'password' ? context.options.ropcPath : context.options.tokenPath,
    headers: {
      authorization: `Basic ${Buffer.from(`${mode.clientId}:${mode.clientSecret}`, 'utf8').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: form.toString(),
  });
  if (response.status < 200 || response.status >= 300) throw tokenRefusal(context, mode, response);
  const body = context.http.parseJson(response);
  // Secrets from the moment they exist: CTMS may echo a token in any later answer.
  registerIssuedTokens(context, body);
  const answer = TokenResponseSchema.safeParse(body).data;
  if (!answer?.access_token) {
    throw context.http.protocolError(response, 'answered a token response without access_token');
  }
  const lifetime = answer.expires_in && answer.expires_in > 0 ? answer.expires_in : ASSUMED_LIFETIME_SECONDS;
  // A short-lived token would otherwise be "about to expire" the moment it arrives.
  const margin = Math.min(REFRESH_MARGIN_SECONDS, lifetime / 2);
  return { accessToken: answer.access_token, refreshAt: issuedAt + (lifetime - margin) * 1000 };
}

function tokenRefusal(context: AvidCtmsContext, mode: OAuthMode, response: VendorResponse): Error {
  const option = mode.kind === 'password' ? 'ropcPath' : 'tokenPath';
  const grant = mode.kind === 'password' ? 'password' : 'client_credentials';
  const where = describeUrl(response.url);
  const oauthError = response.status === 400 ? oauthErrorCode(response.text) : undefined;
  const elsewhere =
    response.status === 404 || response.status === 405 || oauthError === 'unsupported_grant_type';
  if (response.status !== 400 && !elsewhere) {
    return context.http.protocolError(response, `answered ${response.status} to the ${grant} token request`);
  }
  // RFC 6749 §5.2: invalid_client / invalid_grant arrive as 400; only the code is named, never
  // its description (it may echo what we sent).
  const refusal = `Token request to ${where} was refused (${response.status}${oauthError ? ` ${oauthError}` : response.status === 400 ? ' no OAuth error code' : ''})`;
  const hint = elsewhere
    ? `: no ${grant} token is issued there. Set the ${option} option to this CTMS's token endpoint`
    : '';
  return new VendorAuthError(context.http.clean(`${refusal}${hint}`), {
    vendor: context.connection.vendor,
    connection: context.connection.name,
    statusCode: response.status,
  });
}

/** RFC 6749 §5.1 and OpenID Connect names, and camel-case spellings: every token is a secret, used or not. */
const ISSUED_TOKEN_FIELDS = [
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'id_token',
  'idToken',
];

function registerIssuedTokens(context: AvidCtmsContext, body: unknown): void {
  if (body === null || typeof body !== 'object') return;
  for (const field of ISSUED_TOKEN_FIELDS) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string') context.http.secrets.add(value);
  }
}

/** The OAuth2 `error` code of a refusal, bounded. */
function oauthErrorCode(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'error' in parsed && typeof parsed.error === 'string') {
      return parsed.error.slice(0, 60);
    }
  } catch {
    // Not JSON: say nothing more than the status.
  }
  return undefined;
}
