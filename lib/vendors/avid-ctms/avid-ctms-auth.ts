import { createHash } from 'node:crypto';
import { VendorAuthError } from '../../jobs/errors.js';
import type { AdapterContext, Credentials } from '../vendor-adapter.js';
import { type AvidCtmsOptions, TokenResponseSchema } from './avid-ctms-schema.js';
import { type TokenGrant, tokenEndpointCandidates } from './avid-ctms-token-endpoints.js';

/** How a connection authenticates, decided by which credentials the operator stored. */
export type AvidAuthMode =
  | { kind: 'none' }
  | { kind: 'static-token'; token: string }
  | { kind: 'client-credentials'; clientId: string; clientSecret: string }
  | { kind: 'password'; clientId: string; clientSecret: string; username: string; password: string };

type OAuthMode = Extract<AvidAuthMode, { clientId: string }>;

/**
 * @example authModeOf({ clientId: 'app', clientSecret: 's3cret' }).kind // 'client-credentials'
 * @example authModeOf({ clientId: 'app', clientSecret: 's', username: 'u', password: 'p' }).kind // 'password'
 */
export function authModeOf(credentials: Credentials): AvidAuthMode {
  const { token, clientId, clientSecret, username, password } = credentials;
  if (clientId && clientSecret && username && password) {
    return { kind: 'password', clientId, clientSecret, username, password };
  }
  if (clientId && clientSecret) return { kind: 'client-credentials', clientId, clientSecret };
  if (token) return { kind: 'static-token', token };
  return { kind: 'none' };
}

/** True when a refused token can be replaced by asking the token endpoint for another. */
export function canRenewToken(credentials: Credentials): boolean {
  const kind = authModeOf(credentials).kind;
  return kind === 'client-credentials' || kind === 'password';
}

interface CachedToken {
  accessToken: string;
  /** Clock milliseconds after which the token is not used any more (refresh margin applied). */
  refreshAt: number;
}

/*
 * Tokens live at module level, keyed by connection name and a hash of what the token was issued
 * for: a warm Lambda reuses them across polls of every job on the connection, and rotated
 * credentials get a new entry instead of a stale token. Never in adapterState: that is stored.
 */
const tokens = new Map<string, CachedToken>();
const tokenUrls = new Map<string, string>();
const inFlight = new Map<string, Promise<CachedToken>>();

/** Forgets every cached token and discovered token endpoint (tests, credential rotation). */
export function clearAvidTokenCache(): void {
  tokens.clear();
  tokenUrls.clear();
  inFlight.clear();
}

/**
 * The headers that authorize the next CTMS request, fetching or refreshing an OAuth2 token when
 * the connection uses client credentials or a user login. `forceRefresh` drops the cached token
 * first (the vendor just refused it). CTMS takes the token as `Authorization: Bearer` or as the
 * `avidAccessToken` cookie [DOC]; the cookie is sent too when the `sendTokenCookie` option says so.
 *
 * @example const headers = await authorizationHeaders(context, { forceRefresh: false });
 */
export async function authorizationHeaders(
  context: AdapterContext<AvidCtmsOptions>,
  { forceRefresh }: { forceRefresh: boolean },
): Promise<Record<string, string>> {
  const mode = authModeOf(context.credentials);
  if (mode.kind === 'none') return {};
  const token =
    mode.kind === 'static-token' ? mode.token : (await oauthToken(context, mode, forceRefresh)).accessToken;
  // A cached token may come from before this process knew it (another connection name, cleared registry).
  context.http.secrets.add(token);
  return {
    authorization: `Bearer ${token}`,
    ...(context.options.sendTokenCookie ? { cookie: `avidAccessToken=${token}` } : {}),
  };
}

async function oauthToken(
  context: AdapterContext<AvidCtmsOptions>,
  mode: OAuthMode,
  forceRefresh: boolean,
): Promise<CachedToken> {
  const key = cacheKey(context, mode);
  const cached = tokens.get(key);
  if (forceRefresh) tokens.delete(key);
  else if (cached && context.now().getTime() < cached.refreshAt) return cached;

  // Polls of several jobs on one connection share one token request.
  const running = inFlight.get(key);
  if (running) return running;
  const request = fetchToken(context, mode, key).finally(() => inFlight.delete(key));
  inFlight.set(key, request);
  const token = await request;
  tokens.set(key, token);
  return token;
}

function cacheKey(context: AdapterContext<AvidCtmsOptions>, mode: OAuthMode): string {
  const parts = [context.http.baseUrl.href, mode.kind, mode.clientId, mode.clientSecret];
  if (mode.kind === 'password') parts.push(mode.username, mode.password);
  const hash = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${context.connection.name}:${hash}`;
}

/**
 * Asks for a token at the endpoint that worked before, or else at each candidate in turn
 * (advertised by `/auth`, then the configured path): a 404, 405 or `unsupported_grant_type`
 * means "not here", anything else is the answer. The endpoint that issued a token is remembered.
 */
async function fetchToken(
  context: AdapterContext<AvidCtmsOptions>,
  mode: OAuthMode,
  key: string,
): Promise<CachedToken> {
  const grant: TokenGrant = mode.kind === 'password' ? 'password' : 'client_credentials';
  const known = tokenUrls.get(key);
  const candidates = known ? [known] : await tokenEndpointCandidates(context, grant);
  let notHere: { url: string; reason: string }[] = [];
  for (const url of candidates) {
    const outcome = await requestToken(context, mode, grant, url);
    if ('token' in outcome) {
      tokenUrls.set(key, url);
      return outcome.token;
    }
    notHere = [...notHere, { url, reason: outcome.notHere }];
  }
  tokenUrls.delete(key);
  throw new VendorAuthError(
    context.http.clean(
      `No token endpoint issued a ${grant} token: ${notHere.map((entry) => `${describe(new URL(entry.url))} ${entry.reason}`).join('; ')}. Set the ${grant === 'password' ? 'ropcPath' : 'tokenPath'} option to the token endpoint`,
    ),
    { vendor: context.connection.vendor, connection: context.connection.name },
  );
}

async function requestToken(
  context: AdapterContext<AvidCtmsOptions>,
  mode: OAuthMode,
  grant: TokenGrant,
  url: string,
): Promise<{ token: CachedToken } | { notHere: string }> {
  const basic = Buffer.from(`${mode.clientId}:${mode.clientSecret}`, 'utf8').toString('base64');
  context.http.secrets.add(basic);
  const form = new URLSearchParams({ grant_type: grant });
  if (mode.kind === 'password') {
    form.set('username', mode.username);
    form.set('password', mode.password);
  }
  const issuedAt = context.now().getTime();
  const response = await context.http.request({
    method: 'POST',
    url,
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: form.toString(),
  });
  if (response.status === 404 || response.status === 405) return { notHere: `answered ${response.status}` };
  const oauthError = oauthErrorCode(response.text);
  if (response.status === 400 && oauthError === 'unsupported_grant_type') {
    return { notHere: 'answered 400 unsupported_grant_type' };
  }
  if (response.status === 400) {
    // RFC 6749 §5.2: invalid_client / invalid_grant arrive as 400 on most servers.
    throw new VendorAuthError(
      context.http.clean(
        `Token request to ${describe(response.url)} was refused (400 ${oauthError ?? 'no OAuth error code'})`,
      ),
      { vendor: context.connection.vendor, connection: context.connection.name, statusCode: 400 },
    );
  }
  if (response.status < 200 || response.status >= 300) {
    throw context.http.protocolError(response, `answered ${response.status} to the ${grant} token request`);
  }
  const body = context.http.parseJson(response);
  // Secrets from the moment they exist: CTMS may echo a token in any later answer.
  registerIssuedTokens(context, body);
  const answer = TokenResponseSchema.safeParse(body);
  if (!answer.success || !answer.data.accessToken) {
    throw context.http.protocolError(response, 'answered a token response without access_token');
  }
  const lifetime = lifetimeSeconds(answer.data.expiresIn, context.options.defaultTokenLifetimeSeconds);
  // A short-lived token would otherwise be "about to expire" the moment it arrives.
  const margin = Math.min(context.options.tokenRefreshMarginSeconds, lifetime / 2);
  return {
    token: { accessToken: answer.data.accessToken, refreshAt: issuedAt + (lifetime - margin) * 1000 },
  };
}

/** Every token a token response carries is a secret, whether jobwatch uses it or not. */
function registerIssuedTokens(context: AdapterContext<AvidCtmsOptions>, body: unknown): void {
  if (body === null || typeof body !== 'object') return;
  const answer = body as Record<string, unknown>;
  for (const field of ISSUED_TOKEN_FIELDS) {
    const value = answer[field];
    if (typeof value === 'string') context.http.secrets.add(value);
  }
}

/** RFC 6749 §5.1 and OpenID Connect names, and the camel-case spelling some CTMS gateways use. */
const ISSUED_TOKEN_FIELDS = [
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'id_token',
  'idToken',
] as const;

function lifetimeSeconds(value: number | string | null | undefined, fallback: number): number {
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : fallback;
}

/** The OAuth2 `error` code of a refusal, never its description (it may echo what we sent). */
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

function describe(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
