import type { VendorRequest, VendorResponse } from '../../http/vendor-http-client.js';
import { VendorAuthError, VendorProtocolError } from '../../jobs/errors.js';
import type { AdapterContext } from '../vendor-adapter.js';
import type { VdgSenseOptions } from './vdg-sense-options.js';
import { errorCodeOfResultTag, parseVdgSenseResult, type VdgSenseResult } from './vdg-sense-schema.js';
import {
  basicAuthorization,
  dropSession,
  getSession,
  hasCredentials,
  type VdgSenseSession,
} from './vdg-sense-session.js';

type Context = AdapterContext<VdgSenseOptions>;

/**
 * Sends one request with the connection's authentication. With the digest scheme a refused
 * session (HTTP 401/403, or a configured "not logged in" errorcode) is renewed once; refused
 * again, it is a {@link VendorAuthError}.
 *
 * @example const response = await vdgSenseRequest(context, { url: 'command', query: { command: 'getExportVideoStatus' } });
 */
export async function vdgSenseRequest(context: Context, request: VendorRequest): Promise<VendorResponse> {
  const auth = context.options.auth;
  if (auth.scheme === 'none') return context.http.request(request);
  if (!hasCredentials(context)) return withoutCredentials(context, request);
  if (auth.scheme === 'basic') {
    return context.http.request({
      ...request,
      headers: { ...request.headers, authorization: basicAuthorization(context) },
    });
  }
  const first = await getSession(context, auth);
  const answer = await sendWithSession(context, request, first, auth.sessionErrorCodes);
  if (answer !== 'refused') return answer;
  dropSession(context);
  const renewed = await getSession(context, auth, { renew: true });
  const retried = await sendWithSession(context, request, renewed, auth.sessionErrorCodes);
  if (retried !== 'refused') return retried;
  dropSession(context);
  const why = renewed.note
    ? `VDG Sense refused the request without a session (${renewed.note})`
    : 'VDG Sense refused a session right after a successful login';
  throw new VendorAuthError(context.http.clean(why), {
    vendor: 'vdg-sense',
    connection: context.connection.name,
  });
}

/** No username and password: the request goes out bare, and a refusal says what is missing. */
async function withoutCredentials(context: Context, request: VendorRequest): Promise<VendorResponse> {
  try {
    return await context.http.request(request);
  } catch (error) {
    if (!(error instanceof VendorAuthError)) throw error;
    throw new VendorAuthError(
      `${error.message}; connection "${context.connection.name}" has no username and password, so jobwatch sent no ${context.options.auth.scheme === 'digest' ? 'AuthenticateUserDigest login' : 'credentials'}`,
      error.context,
      { cause: error },
    );
  }
}

async function sendWithSession(
  context: Context,
  request: VendorRequest,
  session: VdgSenseSession,
  sessionErrorCodes: readonly number[],
): Promise<VendorResponse | 'refused'> {
  const headers = { ...request.headers, ...(session.cookie ? { cookie: session.cookie } : {}) };
  const query = { ...request.query, ...(session.query ? { [session.query.name]: session.query.value } : {}) };
  // A session cached from before this registry knew it still must never leave.
  context.http.secrets.add(session.query?.value);
  try {
    const response = await context.http.request({ ...request, headers, query });
    if (sessionErrorCodes.length > 0 && sessionErrorCodes.includes(leadingErrorCode(response.text) ?? 0)) {
      return 'refused';
    }
    return response;
  } catch (error) {
    if (error instanceof VendorAuthError) return 'refused';
    throw error;
  }
}

/** The errorcode of the first `<result>` tag that carries one within the body's first 2,000 characters. */
function leadingErrorCode(text: string): number | undefined {
  const head = text.slice(0, 2000);
  for (const tag of head.matchAll(/<result/gi)) {
    const code = errorCodeOfResultTag(head, tag.index, { requireEndTag: false });
    if (code !== undefined) return code;
  }
  return undefined;
}

/**
 * A command's answer, read as a `<result errorcode>` document. HTTP other than 2xx is a protocol
 * error, unless its body is a `<result>` with a negative errorcode: a manager may well send
 * "-57 invalid exportid" with a 404, and the errorcode is the more precise of the two.
 */
export async function vdgSenseCommand(
  context: Context,
  request: VendorRequest,
): Promise<{ result: VdgSenseResult; response: VendorResponse }> {
  const response = await vdgSenseRequest(context, request);
  if (response.status < 200 || response.status >= 300) {
    const code = leadingErrorCode(response.text);
    if (code !== undefined && code < 0)
      return { result: { errorCode: code, exports: [], repairs: [] }, response };
    throw context.http.protocolError(response, `answered HTTP ${response.status}`);
  }
  try {
    return { result: parseVdgSenseResult(response.text), response };
  } catch (error) {
    if (error instanceof VendorProtocolError)
      throw context.http.protocolError(response, error.message, error);
    throw error;
  }
}

/**
 * The command file's URL. `GET {baseUrl}command?…` is the documented form; an operator who gave
 * the command file itself as the base URL (`http://server/command`) means the same file, not
 * `command/command`, so a base URL ending in the command path is used as it is.
 *
 * @example commandUrl(context) // 'command', or new URL('http://server/command') for that base URL
 */
export function commandUrl(context: Context): string | URL {
  const base = context.http.baseUrl;
  const commandPath = withoutTrailingSlashes(withoutLeadingSlashes(context.options.commandPath));
  const lastSegment = withoutTrailingSlashes(base.pathname).split('/').pop() ?? '';
  if (
    commandPath !== '' &&
    !commandPath.includes('/') &&
    lastSegment.toLowerCase() === commandPath.toLowerCase()
  ) {
    const url = new URL(base.href);
    url.pathname = withoutTrailingSlashes(base.pathname);
    return url;
  }
  return context.options.commandPath;
}

/** `GET command?command=getExportVideoStatus&exportid=…` (the client URL-encodes the value). */
export function getExportVideoStatus(context: Context, exportId: string) {
  return vdgSenseCommand(context, {
    url: commandUrl(context),
    query: { command: 'getExportVideoStatus', exportid: exportId },
    headers: { accept: 'text/xml' },
  });
}

/**
 * [INF] Removes a pending export: the docs say exportVideo also removes one but do not show how.
 * This posts `<export><exportid/><action>remove</action></export>` to the configured command and
 * repeats `exportid` and `action=remove` in the query, so a manager reading either finds them.
 */
export function removeExport(context: Context, exportId: string) {
  const body = `<?xml version="1.0"?><export><exportid>${escapeText(exportId)}</exportid><action>remove</action></export>`;
  return vdgSenseCommand(context, {
    method: 'POST',
    url: commandUrl(context),
    query: { command: context.options.cancelCommand, exportid: exportId, action: 'remove' },
    headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml' },
    body,
  });
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Loops rather than `/\/+$/`: a regex anchored at the end retries from every slash (quadratic).
function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charAt(end - 1) === '/') end -= 1;
  return text.slice(0, end);
}

function withoutLeadingSlashes(text: string): string {
  let start = 0;
  while (start < text.length && text.charAt(start) === '/') start += 1;
  return text.slice(start);
}
