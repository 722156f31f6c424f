import { createHash } from 'node:crypto';
import type { VendorRequest, VendorResponse } from '../../http/vendor-http-client.js';
import {
  ConfigurationError,
  VendorAuthError,
  type VendorCallContext,
  VendorProtocolError,
} from '../../jobs/errors.js';
import type { AdapterContext, AdapterState } from '../vendor-adapter.js';
import type { DigestPart, VdgSenseOptions } from './vdg-sense-options.js';
import {
  describeErrorCode,
  formatLoginTimestamp,
  INVALID_EXPORT_ID,
  type LoginAnswer,
  parseVdgSenseResult,
  readLoginAnswer,
  type VdgSenseResult,
} from './vdg-sense-schema.js';

/** [DOC] The two files of VDG's HTTP interface this adapter uses, under the server's address. */
const COMMAND_FILE = 'command';
const LOGIN_FILE = 'webservice';

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
 * What the adapter keeps of one connection between calls: the session of its last login. A
 * pending login is shared, so the polls of one round log in once. The connection's session
 * starts a fresh memory when the base URL, the options or the credentials change.
 */
export interface VdgSenseMemory {
  session: Promise<VdgSenseSession> | undefined;
}

export function createVdgSenseMemory(): VdgSenseMemory {
  return { session: undefined };
}

/** What the client reads of an adapter context: everything but the job's state. */
export type VdgSenseContext = Omit<AdapterContext<VdgSenseOptions, AdapterState, VdgSenseMemory>, 'state'>;

/**
 * VDG Sense answered with a negative `errorcode` we cannot turn into a job state (for example
 * -18, "general error"). Retryable like every protocol error and never a job failure: the
 * export may be fine while the manager has trouble answering about it.
 */
export class VdgSenseErrorCodeError extends VendorProtocolError {
  override name = 'VdgSenseErrorCodeError';
  readonly errorCode: number;
  constructor(message: string, errorCode: number, context: VendorCallContext = {}) {
    super(message, context);
    this.errorCode = errorCode;
  }
}

// --- login ---------------------------------------------------------------------------------------

/**
 * True when the connection has a username and password. Without them jobwatch sends no login
 * at all: a manager that needs none answers, and one that does refuses with 401/403, which
 * names the missing secret.
 */
function hasCredentials(context: VdgSenseContext): boolean {
  return Boolean(context.credentials.username && context.credentials.password);
}

/**
 * The `<digest>` of an AuthenticateUserDigest login: hex SHA-1 ([DOC] the documented digest has
 * 40 hex digits) of the configured parts, concatenated.
 *
 * @example
 * computeDigest(['nonce', 'timestamp', 'password'], { username: 'u', password: 'p', nonce: 'n', timestamp: '2013-09-04 08:38:43' })
 * // sha1('n2013-09-04 08:38:43p') as hex
 */
export function computeDigest(
  parts: readonly DigestPart[],
  inputs: Record<Exclude<DigestPart, 'passwordSha1'>, string>,
): string {
  const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');
  const values = parts.map((part) => (part === 'passwordSha1' ? sha1(inputs.password) : inputs[part]));
  return sha1(values.join(''));
}

/**
 * The memory's session, or a fresh login when there is none: the pending login itself, so the
 * polls of one round share it and a refusal can forget exactly the session that was refused.
 */
function sessionOf(context: VdgSenseContext): Promise<VdgSenseSession> {
  const memory = context.memory;
  if (memory.session) return memory.session;
  const login = logIn(context);
  memory.session = login;
  // A failed login is no session: the next call logs in again. (The caller sees the failure.)
  login.catch(() => forget(context, login));
  return login;
}

/** Forgets a session the manager refused, unless another poll already replaced it. */
function forget(context: VdgSenseContext, refused: Promise<VdgSenseSession> | undefined): void {
  if (context.memory.session === refused) context.memory.session = undefined;
}

async function logIn(context: VdgSenseContext): Promise<VdgSenseSession> {
  const { username = '', password = '' } = context.credentials;
  const { nonce, digestParts } = context.options.auth;
  if (!nonce) {
    throw new ConfigurationError(
      `Connection "${context.connection.name}" has a VDG Sense username and password but no options.auth.nonce: the nonce VDG issued for this client type`,
    );
  }
  const timestamp = formatLoginTimestamp(context.now().getTime());
  const digest = computeDigest(digestParts, { username, password, nonce, timestamp });
  // The digest proves the password for as long as the manager accepts its timestamp.
  context.http.secrets.add(digest);
  const body =
    "<?xml version='1.0'?><AuthenticateUserDigest>" +
    `<username>${escapeXml(username)}</username><nonce>${escapeXml(nonce)}</nonce>` +
    `<timestamp>${timestamp}</timestamp><digest>${digest}</digest></AuthenticateUserDigest>`;
  // 401/403 (VendorAuthError), 5xx (VendorTransportError) and redirects (VendorProtocolError) are
  // thrown by the HTTP client: the manager's own word on the login.
  const response = await context.http.request({
    method: 'POST',
    url: LOGIN_FILE,
    headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml' },
    body,
  });
  if (response.status < 200 || response.status >= 300) {
    throw loginRefused(context, `the login at ${LOGIN_FILE} answered HTTP ${response.status}`);
  }
  return sessionFrom(context, response);
}

function loginRefused(context: VdgSenseContext, why: string): VendorAuthError {
  return new VendorAuthError(context.http.clean(`VDG Sense refused the login: ${why}`), {
    vendor: 'vdg-sense',
    connection: context.connection.name,
    request: `POST ${LOGIN_FILE}`,
  });
}

/** The session the login answer gave: its cookies, else its session id, else none. */
function sessionFrom(context: VdgSenseContext, response: VendorResponse): VdgSenseSession {
  const { sessionName, sessionVia } = context.options.auth;
  const answer = readLogin(context, response, sessionName);
  if (answer.errorCode < 0) throw loginRefused(context, `errorcode ${answer.errorCode}`);
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
  const id = answer.sessionId;
  // Nothing to send back: the manager keeps the login to itself, or wants none.
  if (!id) return { note: 'the login answer carried no session, so none was sent' };
  context.http.secrets.add(id);
  return sessionVia === 'query'
    ? { query: { name: sessionName, value: id } }
    : { cookie: `${sessionName}=${id}` };
}

function readLogin(context: VdgSenseContext, response: VendorResponse, sessionName: string): LoginAnswer {
  try {
    return readLoginAnswer(response.text, sessionName);
  } catch (error) {
    if (!(error instanceof VendorProtocolError)) throw error;
    throw context.http.protocolError(
      response,
      `answered the login with no readable XML: ${error.message}`,
      error,
    );
  }
}

// --- requests ------------------------------------------------------------------------------------

/**
 * Sends one request as the connection's credentials say: bare without them, else with the
 * session of a digest login. A refused session (HTTP 401/403) is renewed once; refused again,
 * it is a {@link VendorAuthError}.
 *
 * @example const response = await vdgSenseRequest(context, { url: 'command', query: { command: 'getExportVideoStatus' } });
 */
export async function vdgSenseRequest(
  context: VdgSenseContext,
  request: VendorRequest,
): Promise<VendorResponse> {
  if (!hasCredentials(context)) return withoutCredentials(context, request);
  const first = sessionOf(context);
  const answer = await sendWithSession(context, request, await first);
  if (answer !== 'refused') return answer;
  forget(context, first);
  const renewed = sessionOf(context);
  const session = await renewed;
  const retried = await sendWithSession(context, request, session);
  if (retried !== 'refused') return retried;
  forget(context, renewed);
  const why = session.note
    ? `VDG Sense refused the request without a session (${session.note})`
    : 'VDG Sense refused a session right after a successful login';
  throw new VendorAuthError(context.http.clean(why), {
    vendor: 'vdg-sense',
    connection: context.connection.name,
  });
}

/** No username and password: the request goes out bare, and a refusal says what is missing. */
async function withoutCredentials(context: VdgSenseContext, request: VendorRequest): Promise<VendorResponse> {
  try {
    return await context.http.request(request);
  } catch (error) {
    if (!(error instanceof VendorAuthError)) throw error;
    throw new VendorAuthError(
      `${error.message}; connection "${context.connection.name}" has no username and password, so jobwatch sent no AuthenticateUserDigest login`,
      error.context,
      { cause: error },
    );
  }
}

async function sendWithSession(
  context: VdgSenseContext,
  request: VendorRequest,
  session: VdgSenseSession,
): Promise<VendorResponse | 'refused'> {
  const headers = { ...request.headers, ...(session.cookie ? { cookie: session.cookie } : {}) };
  const query = { ...request.query, ...(session.query ? { [session.query.name]: session.query.value } : {}) };
  try {
    return await context.http.request({ ...request, headers, query });
  } catch (error) {
    if (error instanceof VendorAuthError) return 'refused';
    throw error;
  }
}

/**
 * A command's answer, read as a `<result errorcode>` document; an HTTP status other than 2xx,
 * or a body that is not one, is a protocol error.
 */
async function vdgSenseCommand(context: VdgSenseContext, request: VendorRequest): Promise<VdgSenseResult> {
  const response = await vdgSenseRequest(context, request);
  if (response.status < 200 || response.status >= 300) {
    throw context.http.protocolError(response, `answered HTTP ${response.status}`);
  }
  try {
    return parseVdgSenseResult(response.text);
  } catch (error) {
    if (error instanceof VendorProtocolError)
      throw context.http.protocolError(response, error.message, error);
    throw error;
  }
}

/**
 * `GET command?command=getExportVideoStatus&exportid=…` (the HTTP client URL-encodes the value,
 * [DOC] "URL Encode the complete value"). Its -57 is an answer about the export and is returned;
 * any other negative errorcode is a {@link VdgSenseErrorCodeError}.
 */
export async function readExportStatus(context: VdgSenseContext, exportId: string): Promise<VdgSenseResult> {
  const result = await vdgSenseCommand(context, {
    url: COMMAND_FILE,
    query: { command: 'getExportVideoStatus', exportid: exportId },
    headers: { accept: 'text/xml' },
  });
  if (result.errorCode >= 0 || result.errorCode === INVALID_EXPORT_ID) return result;
  throw new VdgSenseErrorCodeError(
    context.http.clean(
      `VDG Sense answered getExportVideoStatus for export ${exportId} with ${describeErrorCode(result.errorCode)}`,
    ),
    result.errorCode,
    { vendor: 'vdg-sense', connection: context.connection.name, request: 'GET getExportVideoStatus' },
  );
}

/** How the manager answered a removal. */
export type RemovalAnswer =
  | { kind: 'removed' }
  | { kind: 'refused'; errorCode: number }
  /** Not a readable `<result>`: whether it worked is for the export's status to say. */
  | { kind: 'unreadable'; error: VendorProtocolError };

/**
 * Removes a pending export. [DOC] "The exportVideo API function can be used in two ways: to
 * create a video export, to remove a pending videoexport" (CA-20240119-MF-20); the removal's
 * request and answer are not shown, so this posts `<export><exportid/><action>remove</action>
 * </export>` to `command?command=exportVideo` with the id and action in the query too.
 */
export async function removeExport(context: VdgSenseContext, exportId: string): Promise<RemovalAnswer> {
  const body = `<?xml version="1.0"?><export><exportid>${escapeXml(exportId)}</exportid><action>remove</action></export>`;
  try {
    const result = await vdgSenseCommand(context, {
      method: 'POST',
      url: COMMAND_FILE,
      query: { command: 'exportVideo', exportid: exportId, action: 'remove' },
      headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml' },
      body,
    });
    return result.errorCode >= 0 ? { kind: 'removed' } : { kind: 'refused', errorCode: result.errorCode };
  } catch (error) {
    if (error instanceof VendorProtocolError) return { kind: 'unreadable', error };
    throw error;
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
