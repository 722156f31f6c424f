import { createHash } from 'node:crypto';
import { VendorAuthError, VendorProtocolError } from '../../jobs/errors.js';
import type { AdapterContext, Credentials } from '../vendor-adapter.js';
import { isSafeUnder, linksOf } from './avid-ctms-links.js';
import { AuthEntrySchema, type AvidCtmsOptions, TokenResponseSchema } from './avid-ctms-schema.js';

/** How a connection authenticates, decided by which credentials the operator stored. */
export type AvidAuthMode =
  | { kind: 'none' }
  | { kind: 'static-token'; token: string }
  | { kind: 'client-credentials'; clientId: string; clientSecret: string };

/**
 * @example authModeOf({ clientId: 'app', clientSecret: 's3cret' }).kind // 'client-credentials'
 */
export function authModeOf(credentials: Credentials): AvidAuthMode {
  const { token, clientId, clientSecret } = credentials;
  if (clientId && clientSecret) return { kind: 'client-credentials', clientId, clientSecret };
  if (token) return { kind: 'static-token', token };
  return { kind: 'none' };
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
 * The `Authorization` header for the next CTMS request, fetching or refreshing an OAuth2 token
 * when the connection uses client credentials. `forceRefresh` drops the cached token first (the
 * vendor just refused it).
 *
 * @example const headers = await authorizationHeaders(context, { forceRefresh: false });
 */
export async function authorizationHeaders(
  context: AdapterContext<AvidCtmsOptions>,
  { forceRefresh }: { forceRefresh: boolean },
): Promise<Record<string, string>> {
  const mode = authModeOf(context.credentials);
  if (mode.kind === 'none') return {};
  if (mode.kind === 'static-token') return { authorization: `Bearer ${mode.token}` };
  const token = await clientCredentialsToken(context, mode, forceRefresh);
  return { authorization: `Bearer ${token.accessToken}` };
}

async function clientCredentialsToken(
  context: AdapterContext<AvidCtmsOptions>,
  mode: Extract<AvidAuthMode, { kind: 'client-credentials' }>,
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

function cacheKey(
  context: AdapterContext<AvidCtmsOptions>,
  mode: { clientId: string; clientSecret: string },
): string {
  const hash = createHash('sha256')
    .update([context.http.baseUrl.href, mode.clientId, mode.clientSecret].join('\u0000'))
    .digest('hex');
  return `${context.connection.name}:${hash}`;
}

async function fetchToken(
  context: AdapterContext<AvidCtmsOptions>,
  mode: Extract<AvidAuthMode, { kind: 'client-credentials' }>,
  key: string,
): Promise<CachedToken> {
  let tokenUrl = tokenUrls.get(key);
  if (!tokenUrl) {
    tokenUrl = await discoverTokenUrl(context);
    tokenUrls.set(key, tokenUrl);
  }
  const basic = Buffer.from(`${mode.clientId}:${mode.clientSecret}`, 'utf8').toString('base64');
  const issuedAt = context.now().getTime();
  const response = await context.http.request({
    method: 'POST',
    url: tokenUrl,
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  if (response.status === 400) {
    // RFC 6749 §5.2: invalid_client / unauthorized_client arrive as 400 on some servers.
    throw new VendorAuthError(
      context.http.clean(
        `Token request to ${describe(response.url)} was refused (400 ${oauthErrorCode(response.text)})`,
      ),
      { vendor: context.connection.vendor, connection: context.connection.name, statusCode: 400 },
    );
  }
  if (response.status === 404) tokenUrls.delete(key);
  if (response.status < 200 || response.status >= 300) {
    throw context.http.protocolError(
      response,
      `answered ${response.status} to the client-credentials token request`,
    );
  }
  const answer = TokenResponseSchema.safeParse(context.http.parseJson(response));
  if (!answer.success) {
    throw context.http.protocolError(response, 'answered a token response without access_token');
  }
  const lifetime = lifetimeSeconds(answer.data.expires_in, context.options.defaultTokenLifetimeSeconds);
  // A short-lived token would otherwise be "about to expire" the moment it arrives.
  const margin = Math.min(context.options.tokenRefreshMarginSeconds, lifetime / 2);
  return { accessToken: answer.data.access_token, refreshAt: issuedAt + (lifetime - margin) * 1000 };
}

/**
 * Finds the client-credentials token endpoint among the `/auth` HAL links: a relation or link
 * name mentioning client credentials wins, then any other token relation except
 * `auth:token` → `.../tokens/current` (that one describes the current token; it issues none).
 * Falls back to the `tokenPath` option when `/auth` is missing, unreadable or silent [INF].
 */
async function discoverTokenUrl(context: AdapterContext<AvidCtmsOptions>): Promise<string> {
  const fallback = context.options.tokenPath;
  let links: Record<string, unknown> | null | undefined;
  try {
    const { status, body } = await context.http.requestJson({ url: context.options.authPath });
    if (status < 200 || status >= 300) return fallback;
    links = AuthEntrySchema.safeParse(body).data?._links;
  } catch (error) {
    if (error instanceof VendorProtocolError) return fallback;
    throw error;
  }
  let best: { href: string; score: number } | undefined;
  for (const rel of Object.keys(links ?? {})) {
    for (const link of linksOf(links, rel)) {
      const score = scoreTokenLink(rel, link);
      if (score > 0 && (!best || score > best.score) && isSafeUnder(context.http.baseUrl, link.href)) {
        best = { href: link.href, score };
      }
    }
  }
  return best?.href ?? fallback;
}

function scoreTokenLink(rel: string, link: { href: string; name?: string }): number {
  const text = `${rel} ${link.name ?? ''} ${link.href}`.toLowerCase();
  if (/client[-_]?credentials/.test(text)) return 2;
  const describesCurrent = link.name === 'current' || /\/current\/?$/.test(link.href);
  if (rel.toLowerCase().includes('token') && !describesCurrent) return 1;
  return 0;
}

function lifetimeSeconds(value: number | string | null | undefined, fallback: number): number {
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : fallback;
}

/** The OAuth2 `error` code of a refusal, never its description (it may echo what we sent). */
function oauthErrorCode(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'error' in parsed && typeof parsed.error === 'string') {
      return parsed.error.slice(0, 60);
    }
  } catch {
    // Not JSON: say nothing more than the status.
  }
  return 'no OAuth error code';
}

function describe(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
