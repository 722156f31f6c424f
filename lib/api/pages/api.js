// The API, from the page: relative URLs, so the page works wherever it is served (the local
// API's root, or a deployed stage such as /v1/). A bearer token, when the API asks for one, is
// kept in sessionStorage: this tab only, gone when it closes.

const TOKEN_KEY = 'jobwatch.token';

export class AuthRequiredError extends Error {
  constructor() {
    super('The API asks for a bearer token');
    this.name = 'AuthRequiredError';
  }
}

export class ApiError extends Error {
  constructor(status, detail) {
    super(`${status} ${detail}`);
    this.name = 'ApiError';
    this.status = status;
  }
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** The server's clock minus ours, from the last answer that named it (ms). */
let serverOffsetMs = 0;

/** Now on the server's clock: relative times and ETAs are measured against it, not the laptop's. */
export function serverNow() {
  return Date.now() + serverOffsetMs;
}

export async function api(path, init = {}) {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.set('authorization', `Bearer ${token}`);
  const response = await fetch(path, { ...init, headers, cache: 'no-store' });
  const serverTime = Date.parse(response.headers.get('x-server-time') ?? '');
  if (Number.isFinite(serverTime)) serverOffsetMs = serverTime - Date.now();
  if (response.status === 401 || response.status === 403) throw new AuthRequiredError();
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(response.status, 'the answer is not JSON');
  }
  if (!response.ok) throw new ApiError(response.status, body?.detail ?? body?.title ?? response.statusText);
  return { status: response.status, body };
}

/** Every page of a listing, up to `maxItems` (the dashboard shows the newest; it says when it stops). */
export async function listAll(path, query, maxItems) {
  const items = [];
  let cursor;
  do {
    const params = new URLSearchParams({ ...query, limit: '100', ...(cursor ? { cursor } : {}) });
    const { body } = await api(`${path}?${params}`);
    items.push(...body.items);
    cursor = body.next;
  } while (cursor && items.length < maxItems);
  return { items: items.slice(0, maxItems), truncated: Boolean(cursor) || items.length > maxItems };
}

export const jobs = {
  list: (filters, maxItems) => listAll('jobs', filters, maxItems),
  get: (jobId) => api(`jobs/${encodeURIComponent(jobId)}`).then((answer) => answer.body),
  history: (jobId, maxItems) => listAll(`jobs/${encodeURIComponent(jobId)}/history`, {}, maxItems),
  cancel: (jobId) =>
    api(`jobs/${encodeURIComponent(jobId)}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'cancelled from the dashboard' }),
    }).then((answer) => answer.body),
  rewatch: (jobId) =>
    api(`jobs/${encodeURIComponent(jobId)}/rewatch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'rewatch from the dashboard' }),
    }).then((answer) => answer.body),
};

export const connections = () => api('connections').then((answer) => answer.body.items);
