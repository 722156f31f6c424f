import { timingSafeEqual } from 'node:crypto';
import { json, type SimRequest, type SimResponse } from '../sim-server.js';
import { ACCEPTED_PARAMETERS, type OkastSimRequestParameters } from './state.js';

/** [DOC] Where the PHP pages of an Okast channels instance live, under its root. */
export const DEFAULT_PHP_PATH = 'synthesia/okast-channels/playlist/manager/php/';

/**
 * How the simulated instance (or the proxy in front of it) wants credentials. [DOC] "Credentials"
 * are required, but Okast does not publish the mechanism.
 */
export type OkastSimAuth =
  | { scheme: 'none' }
  | { scheme: 'basic'; username: string; password: string }
  | { scheme: 'header'; headerName: string; headerValue: string }
  | { scheme: 'query'; paramName: string; paramValue: string };

/** What the routes need of the instance. */
export interface OkastInstance {
  readonly statusPath: string;
  readonly addVideoLinkPath: string;
  readonly auth: OkastSimAuth;
  /** The status page's answer now. */
  statusPage(): SimResponse;
  /** Takes an ingest request; answers the request time as the instance writes it. */
  addVideoLink(parameters: OkastSimRequestParameters): string;
}

const NOT_FOUND: SimResponse = {
  status: 404,
  body: '<html><body><h1>404 Not Found</h1></body></html>',
  contentType: 'text/html',
};

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function authorized(request: SimRequest, auth: OkastSimAuth): boolean {
  switch (auth.scheme) {
    case 'none':
      return true;
    case 'basic': {
      const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      return sameText(String(request.headers.authorization ?? ''), expected);
    }
    case 'header':
      return sameText(String(request.headers[auth.headerName.toLowerCase()] ?? ''), auth.headerValue);
    case 'query':
      return sameText(request.url.searchParams.get(auth.paramName) ?? '', auth.paramValue);
  }
}

function unauthorized(auth: OkastSimAuth): SimResponse {
  const response: SimResponse = {
    status: 401,
    body: '<html><body><h1>401 Unauthorized</h1></body></html>',
    contentType: 'text/html',
  };
  if (auth.scheme === 'basic') response.headers = { 'www-authenticate': 'Basic realm="okast"' };
  return response;
}

/** Scalar fields of a JSON body, as text. */
function jsonFields(body: string): Record<string, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const fields: Record<string, string> = {};
  if (parsed && typeof parsed === 'object') {
    for (const [name, value] of Object.entries(parsed)) {
      if (value !== null && typeof value !== 'object') fields[name] = String(value);
    }
  }
  return fields;
}

/**
 * The parameters of an `_addVideoLink.php` call: [INF] the transport is not published, so the
 * query string, a form body and a JSON body are all read (a form body wins, then the query).
 */
function addVideoLinkParameters(request: SimRequest): OkastSimRequestParameters | undefined {
  const contentType = String(request.headers['content-type'] ?? '');
  const isPost = request.method === 'POST';
  const fromJson = isPost && contentType.includes('application/json') ? jsonFields(request.body) : {};
  if (fromJson === undefined) return undefined;
  const parameters: Record<string, string> = { ...fromJson };
  const sources = [request.url.searchParams];
  if (isPost && contentType.includes('application/x-www-form-urlencoded')) {
    sources.push(new URLSearchParams(request.body));
  }
  for (const source of sources) {
    for (const name of ACCEPTED_PARAMETERS) {
      const value = source.get(name);
      if (value !== null) parameters[name] = value;
    }
  }
  return parameters;
}

/**
 * Which request gets which answer: the two PHP pages under the instance's PHP path, behind its
 * auth scheme; anything else is Apache's 404 page.
 */
export function routeOkast(request: SimRequest, instance: OkastInstance): SimResponse {
  const path = request.url.pathname.replace(/^\/+/, '');
  if (path !== instance.statusPath && path !== instance.addVideoLinkPath) return NOT_FOUND;
  if (!authorized(request, instance.auth)) return unauthorized(instance.auth);
  if (path === instance.statusPath) {
    if (request.method !== 'GET')
      return { status: 405, body: 'Method Not Allowed', contentType: 'text/plain' };
    return instance.statusPage();
  }
  const parameters = addVideoLinkParameters(request);
  if (!parameters) return json(400, { result: 'KO', error: 'invalid JSON body' });
  // [INF] The answer of _addVideoLink.php is not published.
  return json(200, { result: 'OK', requestTime: instance.addVideoLink(parameters) });
}
