import { apiPathFor, type CinegyPcsOptions, DEFAULT_API_PATH } from './cinegy-pcs-options.js';

/*
 * Where the REST root is. The seed names it `http://<host>:8666/pcs/v1/` but also writes
 * `…/pcs/v/…` ("v is the REST API version"), so operators configure the host root, the REST root
 * or something in between, and a server (or a stand-in for one) may serve `tasks/…` straight
 * under the host. Unless `apiPath` is set, jobwatch tries the likely root first and the other one
 * when the first answers 404, and the job's adapter state keeps the one that answered.
 */

/**
 * The REST roots (relative to the base URL) worth trying, most likely first. An explicit
 * `apiPath` is the only one; a base URL ending in a version segment (`/pcs/v1/`) is the root.
 *
 * @example candidateApiPaths(CinegyPcsOptionsSchema.parse({}), new URL('http://pcs:8666/')) // ['pcs/v1/', '']
 * @example candidateApiPaths(CinegyPcsOptionsSchema.parse({}), new URL('http://pcs:8666/pcs/v1/')) // ['']
 */
export function candidateApiPaths(options: Pick<CinegyPcsOptions, 'apiPath'>, baseUrl: URL): string[] {
  const first = apiPathFor(options, baseUrl);
  if (options.apiPath !== undefined || /\/v\d*\/$/i.test(baseUrl.pathname)) return [first];
  // `http://host:8666/pcs/`: the version segment left off.
  if (/\/pcs\/$/i.test(baseUrl.pathname)) return ['v1/', ''];
  return first === '' ? ['', DEFAULT_API_PATH] : [first, ''];
}

/**
 * The roots to try for one request: the one a previous poll found (when it is still a candidate
 * of this connection's configuration), else every candidate.
 *
 * @example apiPathsToTry(CinegyPcsOptionsSchema.parse({}), new URL('http://pcs:8666/'), '') // ['']
 */
export function apiPathsToTry(
  options: Pick<CinegyPcsOptions, 'apiPath'>,
  baseUrl: URL,
  remembered: unknown,
): string[] {
  const candidates = candidateApiPaths(options, baseUrl);
  return typeof remembered === 'string' && candidates.includes(remembered) ? [remembered] : candidates;
}
