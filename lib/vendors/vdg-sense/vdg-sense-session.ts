import { createHash, randomBytes } from 'node:crypto';
import type { VendorResponse } from '../../http/vendor-http-client.js';
import { ConfigurationError, VendorAuthError, VendorProtocolError } from '../../jobs/errors.js';
import { parseXml, XML_ATTRIBUTE_PREFIX } from '../shared/xml.js';
import type { AdapterContext } from '../vendor-adapter.js';
import { computeDigest } from './vdg-sense-digest.js';
import type { VdgSenseDigestAuth, VdgSenseOptions } from './vdg-sense-options.js';
import { formatVdgTime } from './vdg-sense-time.js';

/** How a logged-in session is presented on later requests. */
export interface VdgSenseSession {
  /** A `name=value` pair for the Cookie header. */
  cookie?: string;
  /** A session id for the query string. */
  query?: { name: string; value: string };
}

/**
 * Sessions live at module level, keyed by connection name and a hash of what the session was
 * made from: warm Lambda invocations reuse them, and changed credentials never reuse an old one.
 * A pending login is shared, so parallel polls log in once.
 */
const sessions = new Map<string, Promise<VdgSenseSession>>();

/** Forgets every cached session (tests, and operators rotating credentials in-process). */
export function clearVdgSenseSessions(): void {
  sessions.clear();
}

export function sessionKey(context: AdapterContext<VdgSenseOptions>): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        context.http.baseUrl.href,
        context.credentials.username ?? '',
        context.credentials.password ?? '',
        context.options.auth,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
  return `${context.connection.name}:${hash}`;
}

/** The cached session, or a fresh login when there is none (or `renew` says the old one failed). */
export async function getSession(
  context: AdapterContext<VdgSenseOptions>,
  auth: VdgSenseDigestAuth,
  options: { renew?: boolean } = {},
): Promise<VdgSenseSession> {
  const key = sessionKey(context);
  const cached = sessions.get(key);
  if (cached && !options.renew) return cached;
  const login = logIn(context, auth);
  sessions.set(key, login);
  try {
    return await login;
  } catch (error) {
    if (sessions.get(key) === login) sessions.delete(key);
    throw error;
  }
}

/** Drops a session the vendor refused, unless another poll already replaced it. */
export function dropSession(context: AdapterContext<VdgSenseOptions>): void {
  sessions.delete(sessionKey(context));
}

function requireCredentials(context: AdapterContext<VdgSenseOptions>): {
  username: string;
  password: string;
} {
  const { username, password } = context.credentials;
  if (!username || !password) {
    throw new ConfigurationError(
      `Connection "${context.connection.name}" uses ${context.options.auth.scheme} authentication but has no username and password`,
    );
  }
  return { username, password };
}

/** `Authorization: Basic …` for the basic scheme. */
export function basicAuthorization(context: AdapterContext<VdgSenseOptions>): string {
  const { username, password } = requireCredentials(context);
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

async function logIn(
  context: AdapterContext<VdgSenseOptions>,
  auth: VdgSenseDigestAuth,
): Promise<VdgSenseSession> {
  const { username, password } = requireCredentials(context);
  // [INF] When VDG issued no client nonce, a random one per login.
  const nonce = auth.nonce ?? randomBytes(12).toString('base64url');
  const timestamp = formatVdgTime(context.now().getTime(), { milliseconds: false });
  const digest = computeDigest({ username, password, nonce, timestamp }, auth);
  const body =
    "<?xml version='1.0'?><AuthenticateUserDigest>" +
    `<username>${escapeXml(username)}</username><nonce>${escapeXml(nonce)}</nonce>` +
    `<timestamp>${timestamp}</timestamp><digest>${digest}</digest></AuthenticateUserDigest>`;
  // 401/403 become VendorAuthError inside the client.
  const response = await context.http.request({
    method: 'POST',
    url: auth.loginPath,
    headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml' },
    body,
  });
  if (response.status < 200 || response.status >= 300) {
    throw context.http.protocolError(response, `answered the login with HTTP ${response.status}`);
  }
  return sessionFrom(context, auth, response);
}

function sessionFrom(
  context: AdapterContext<VdgSenseOptions>,
  auth: VdgSenseDigestAuth,
  response: VendorResponse,
): VdgSenseSession {
  let root: Record<string, unknown> = {};
  if (response.text.trim() !== '') {
    try {
      const document = parseXml(response.text, { lowerCaseNames: true });
      const first = Object.values(document).find((value) => value !== null && typeof value === 'object');
      root = (first as Record<string, unknown> | undefined) ?? {};
    } catch (error) {
      if (!(error instanceof VendorProtocolError)) throw error;
      throw context.http.protocolError(
        response,
        `answered the login with unreadable XML: ${error.message}`,
        error,
      );
    }
  }
  const errorCode = Number(root[`${XML_ATTRIBUTE_PREFIX}errorcode`] ?? root.errorcode ?? 0);
  if (Number.isFinite(errorCode) && errorCode < 0) {
    throw new VendorAuthError(context.http.clean(`VDG Sense refused the login (errorcode ${errorCode})`), {
      vendor: 'vdg-sense',
      connection: context.connection.name,
      request: `POST ${auth.loginPath}`,
    });
  }
  const cookie = response.headers.getSetCookie()[0]?.split(';')[0]?.trim();
  if (cookie?.includes('=')) return { cookie };
  const id = ['sessionid', 'session', 'sessionkey', 'token']
    .map((name) => root[name])
    .find((value): value is string => typeof value === 'string' && value.trim() !== '');
  // [INF] No session in the answer: the manager may tie the session to the connection itself.
  if (!id) return {};
  return auth.sessionVia === 'query'
    ? { query: { name: auth.sessionName, value: id.trim() } }
    : { cookie: `${auth.sessionName}=${id.trim()}` };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
