import { createHash, randomBytes } from 'node:crypto';
import type { VendorResponse } from '../../http/vendor-http-client.js';
import { ConfigurationError, VendorAuthError, VendorProtocolError } from '../../jobs/errors.js';
import { parseXml, XML_ATTRIBUTE_PREFIX } from '../shared/xml.js';
import type { AdapterContext } from '../vendor-adapter.js';
import { computeDigest } from './vdg-sense-digest.js';
import type { VdgSenseDigestAuth, VdgSenseOptions } from './vdg-sense-options.js';
import { textOf } from './vdg-sense-schema.js';
import { formatVdgTime } from './vdg-sense-time.js';

/** How a logged-in session is presented on later requests. */
export interface VdgSenseSession {
  /** `name=value` pairs for the Cookie header. */
  cookie?: string;
  /** A session id for the query string. */
  query?: { name: string; value: string };
  /** Why no session is presented, for the auth error should the manager want one after all. */
  note?: string;
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

/**
 * True when the connection has a username and password. Without them jobwatch sends no login
 * and no Authorization header at all, whatever the scheme: a manager (or a test double) that
 * needs none answers, and one that does refuses with 401/403, which names the missing secret.
 */
export function hasCredentials(context: AdapterContext<VdgSenseOptions>): boolean {
  return Boolean(context.credentials.username && context.credentials.password);
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
  const token = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
  context.http.secrets.add(token);
  return `Basic ${token}`;
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
  // The digest proves the password for as long as the manager accepts its timestamp.
  context.http.secrets.add(digest);
  const body =
    "<?xml version='1.0'?><AuthenticateUserDigest>" +
    `<username>${escapeXml(username)}</username><nonce>${escapeXml(nonce)}</nonce>` +
    `<timestamp>${timestamp}</timestamp><digest>${digest}</digest></AuthenticateUserDigest>`;
  let response: VendorResponse;
  try {
    // 401/403 become VendorAuthError and 5xx a VendorTransportError inside the client: those are
    // the manager's word on the login and propagate.
    response = await context.http.request({
      method: 'POST',
      url: auth.loginPath,
      headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml' },
      body,
    });
  } catch (error) {
    // A redirect (to a web login page, say) is no AuthenticateUserDigest endpoint.
    if (error instanceof VendorProtocolError) return { note: `the login ${describeFailure(error)}` };
    throw error;
  }
  if (response.status < 200 || response.status >= 300) {
    // [INF] No login endpoint here (404, 405...): the manager may not want one. Carry on without
    // a session; if a command is then refused, the auth error says what the login answered.
    return { note: `the login at ${auth.loginPath} answered HTTP ${response.status}` };
  }
  return sessionFrom(context, auth, response);
}

function describeFailure(error: Error): string {
  return error.message.replace(/^\S+ \S+ /, '');
}

function sessionFrom(
  context: AdapterContext<VdgSenseOptions>,
  auth: VdgSenseDigestAuth,
  response: VendorResponse,
): VdgSenseSession {
  const { root, unreadable } = readLoginAnswer(response.text);
  const code = textOf(root[`${XML_ATTRIBUTE_PREFIX}errorcode`] ?? root.errorcode);
  const errorCode = code === undefined ? 0 : Number(code);
  if (Number.isFinite(errorCode) && errorCode < 0) {
    throw new VendorAuthError(context.http.clean(`VDG Sense refused the login (errorcode ${errorCode})`), {
      vendor: 'vdg-sense',
      connection: context.connection.name,
      request: `POST ${auth.loginPath}`,
    });
  }
  // Every cookie the login set goes back: which one is the session is the manager's business.
  const cookies = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0]?.trim() ?? '')
    .filter((pair) => /^[^=\s]+=/.test(pair));
  if (cookies.length > 0) {
    // The session is a credential from the moment it exists: the manager may echo it anywhere.
    for (const pair of cookies) context.http.secrets.add(pair.slice(pair.indexOf('=') + 1));
    return { cookie: cookies.join('; ') };
  }
  const id = SESSION_FIELDS.flatMap((name) => [root[name], root[`${XML_ATTRIBUTE_PREFIX}${name}`]])
    .map(textOf)
    .find((value): value is string => value !== undefined && value !== '');
  // [INF] No session in the answer: the manager may tie the session to the connection itself,
  // or want none. A 2xx without a refusal is not a refusal.
  if (!id) {
    return {
      note: unreadable
        ? `the login answer was not readable XML (${unreadable}), so no session was sent`
        : 'the login answer carried no session, so none was sent',
    };
  }
  context.http.secrets.add(id);
  return auth.sessionVia === 'query'
    ? { query: { name: auth.sessionName, value: id } }
    : { cookie: `${auth.sessionName}=${id}` };
}

/** [INF] Where a login answer may carry its session id: an element or an attribute of these names. */
const SESSION_FIELDS = ['sessionid', 'session', 'sessionkey', 'token'];

/**
 * The login answer's root element (or, for a bare `<sessionid>abc</sessionid>` document, the
 * document itself), and why it could not be read if it could not.
 */
function readLoginAnswer(text: string): { root: Record<string, unknown>; unreadable?: string } {
  if (text.trim() === '') return { root: {} };
  try {
    const document = parseXml(text.replace(/^[\uFEFF\s]+/, ''), { lowerCaseNames: true });
    const first = Object.entries(document).find(([name]) => !name.startsWith('?'));
    if (first && first[1] !== null && typeof first[1] === 'object') {
      return { root: first[1] as Record<string, unknown> };
    }
    return { root: document };
  } catch (error) {
    if (!(error instanceof VendorProtocolError)) throw error;
    return { root: {}, unreadable: error.message };
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
