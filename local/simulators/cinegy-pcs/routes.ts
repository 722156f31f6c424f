import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { SimRequest, SimResponse } from '../sim-server.js';
import type { CinegyTaskStore, SimTask } from './state.js';
import { type CinegyPcsSimQuirks, jsonAnswer, notFoundAnswer, taskJson } from './wire-format.js';

/*
 * Which request gets which answer. PCS REST itself wants no authentication [DOC]; the simulated
 * proxy in front of it may want HTTP basic, an API-key header or a key in the query string, the
 * schemes an operator can configure for the connection.
 */

/** What the simulated proxy wants, and the flat credentials map a connection would carry. */
export type ProxyAuth =
  | { scheme: 'none' }
  | { scheme: 'basic'; username: string; password: string }
  | { scheme: 'header'; headerName: string; headerValue: string }
  | { scheme: 'query'; paramName: string; paramValue: string };
export type ProxyAuthScheme = ProxyAuth['scheme'];

/**
 * Fresh credentials of a scheme.
 *
 * @example generateProxyAuth('header') // { scheme: 'header', headerName: 'X-Api-Key', headerValue: 'sim-…' }
 */
export function generateProxyAuth(scheme: ProxyAuthScheme): ProxyAuth {
  const secret = `sim-${randomBytes(16).toString('hex')}`;
  switch (scheme) {
    case 'basic':
      return { scheme, username: `jobwatch-${randomBytes(3).toString('hex')}`, password: secret };
    case 'header':
      return { scheme, headerName: 'X-Api-Key', headerValue: secret };
    case 'query':
      return { scheme, paramName: 'apikey', paramValue: secret };
    case 'none':
      return { scheme };
  }
}

/** The credentials map an operator stores for this auth (`{}` for none). */
export function credentialsOf(auth: ProxyAuth): Record<string, string> {
  const { scheme, ...fields } = auth;
  return scheme === 'none' ? {} : { scheme, ...fields };
}

function sameText(actual: string | undefined, expected: string): boolean {
  if (actual === undefined) return false;
  const left = Buffer.from(actual, 'utf8');
  const right = Buffer.from(expected, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function firstHeader(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Whether a request carries what the proxy wants. */
export function satisfiesProxyAuth(auth: ProxyAuth, request: SimRequest): boolean {
  switch (auth.scheme) {
    case 'basic': {
      const token = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
      return sameText(firstHeader(request, 'authorization'), `Basic ${token}`);
    }
    case 'header':
      return sameText(firstHeader(request, auth.headerName), auth.headerValue);
    case 'query':
      return sameText(request.url.searchParams.get(auth.paramName) ?? undefined, auth.paramValue);
    case 'none':
      return true;
  }
}

/** What the routes read of the simulator. */
export interface CinegyRouteState {
  store: CinegyTaskStore;
  now(): number;
  quirks(): CinegyPcsSimQuirks;
  /** Where the REST root is served: `/pcs/v1/` or `/`. */
  apiPath: string;
  auth: ProxyAuth;
}

function refused(auth: ProxyAuth): SimResponse {
  return {
    status: 401,
    body: '',
    contentType: 'text/plain',
    headers: auth.scheme === 'basic' ? { 'www-authenticate': 'Basic realm="Cinegy PCS"' } : {},
  };
}

function matchesStatus(task: SimTask, now: number, wanted: string): boolean {
  const state = task.timeline.at(now).step.state;
  return String(state.status) === wanted || state.statusName.toLowerCase() === wanted;
}

function orderKey(order: string | undefined): (task: SimTask) => number | string {
  if (order === 'name') return (task) => task.name;
  if (order === 'priority') return (task) => task.priority;
  return (task) => task.registeredAt;
}

/**
 * `GET tasks/list?start&count&status&order&orderDirection` [DOC]: `{ items, totalCount, start,
 * limit }`, `limit` capped as the seed's `limit: 20` suggests. The values of `order` are not
 * published: creation order ascending here, `name` and `priority` also understood.
 */
export function listAnswer(state: CinegyRouteState, query: URLSearchParams): SimResponse {
  const now = state.now();
  const quirks = state.quirks();
  const start = Math.max(0, Number(query.get('start') ?? 0) || 0);
  const asked = Number(query.get('count') ?? 20) || 20;
  const limit = Math.max(0, Math.min(asked, quirks.maxListLimit ?? 100));
  const status = query.get('status')?.toLowerCase();
  const visible = state.store.listed(now).filter((task) => !status || matchesStatus(task, now, status));
  const key = orderKey(query.get('order')?.toLowerCase());
  visible.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (/^desc/i.test(query.get('orderDirection') ?? '')) visible.reverse();
  const items = visible.slice(start, start + limit).map((task) => taskJson(task, now, true, quirks));
  return jsonAnswer(200, { items, totalCount: visible.length, start, limit }, quirks);
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function taskAnswer(state: CinegyRouteState, encodedId: string): SimResponse {
  const now = state.now();
  const id = decoded(encodedId);
  const task = id === undefined ? undefined : state.store.visible(id, now);
  if (!task) return notFoundAnswer(state.quirks());
  return jsonAnswer(200, taskJson(task, now, false, state.quirks()), state.quirks());
}

/**
 * Answers one request: the proxy's auth first, then the read-only REST API under its root.
 *
 * @example route(state, request) // { status: 200, body: '{ "id": … }', … }
 */
export function route(state: CinegyRouteState, request: SimRequest): SimResponse {
  const path = request.url.pathname;
  if (!path.startsWith(state.apiPath)) return notFoundAnswer(state.quirks());
  if (!satisfiesProxyAuth(state.auth, request)) return refused(state.auth);
  if (request.method !== 'GET') {
    return jsonAnswer(405, { title: 'Method Not Allowed', status: 405 }, state.quirks());
  }
  const rest = path.slice(state.apiPath.length);
  if (rest === 'tasks/list') return listAnswer(state, request.url.searchParams);
  const match = /^tasks\/([^/]+)$/.exec(rest);
  return match?.[1] ? taskAnswer(state, match[1]) : notFoundAnswer(state.quirks());
}
