import { json, type SimRequest, type SimResponse } from '../sim-server.js';
import { type CtmsState, isFinalLifecycle, type SimCommand } from './state.js';
import {
  authEntry,
  COMMANDS_PATH,
  commandResource,
  errorBody,
  type LinkSpelling,
  ROPC_PATH,
  TOKEN_PATH,
  tokenAnswer,
} from './wire-format.js';

/**
 * How the simulated CTMS wants to be authenticated: an app's client credentials, a user login
 * through the app (`password`, the ROPC grant behind `auth:ropc-default`), a fixed token, or not.
 */
export type AvidSimAuth = 'client-credentials' | 'password' | 'static-token' | 'none';

/** What the routes need of the simulator. */
export interface CtmsRoutes {
  state: CtmsState;
  auth: AvidSimAuth;
  credentials: Record<string, string>;
  tokenLifetimeSeconds: number;
  /** What an expired or unknown command answers. */
  expiredStatus: 404 | 410;
  links(): LinkSpelling;
  now(): number;
}

type Grant = 'client_credentials' | 'password';

/**
 * Answers one request: `GET /auth`, the two token endpoints (each serving one grant), and the
 * commands under `/apis/mam/commands/` — read, cancel, and a start with a caller-chosen id.
 */
export function routeCtmsRequest(request: SimRequest, routes: CtmsRoutes): SimResponse {
  const path = request.url.pathname;
  if (path === '/auth' && request.method === 'GET') return json(200, authEntry(routes.links().origin));
  const grant = grantServedAt(path);
  if (grant && request.method === 'POST') return issueToken(request, grant, routes);
  if (!path.startsWith(COMMANDS_PATH.slice(0, -1)))
    return ctmsError(404, 'avid.ctms/NOT_FOUND', 'No such resource');
  if (!authorized(request, routes)) {
    return ctmsError(401, 'avid.ctms/UNAUTHORIZED', 'Missing, invalid or expired access token');
  }
  return commandRoute(request, routes);
}

function grantServedAt(path: string): Grant | undefined {
  if (path === TOKEN_PATH) return 'client_credentials';
  if (path === ROPC_PATH) return 'password';
  return undefined;
}

function commandRoute(request: SimRequest, routes: CtmsRoutes): SimResponse {
  const path = request.url.pathname;
  if ((path === COMMANDS_PATH || path === COMMANDS_PATH.slice(0, -1)) && request.method === 'POST') {
    return startCommand(request, routes);
  }
  const [id, action] = path
    .slice(COMMANDS_PATH.length)
    .split('/')
    .map((part) => decodeURIComponent(part));
  if (!id) return ctmsError(404, 'avid.ctms/NOT_FOUND', 'No such resource');
  const command = routes.state.visible(id);
  if (!command)
    return ctmsError(routes.expiredStatus, 'avid.ctms/COMMAND_NOT_FOUND', `Command ${id} not found`);
  if (action === undefined && request.method === 'GET') return resourceOf(command, routes);
  if (action === 'cancel' && request.method === 'DELETE') return cancel(command, routes);
  return ctmsError(405, 'avid.ctms/METHOD_NOT_ALLOWED', `${request.method} not allowed here`);
}

/** `POST /apis/mam/commands?commandid=<uuid>`: a generic start with a caller-chosen id. */
function startCommand(request: SimRequest, routes: CtmsRoutes): SimResponse {
  const id = request.url.searchParams.get('commandid') ?? undefined;
  const type = request.url.searchParams.get('type') ?? undefined;
  const command = routes.state.create({ ...(id ? { id } : {}), ...(type ? { type } : {}) });
  return resourceOf(command, routes);
}

function cancel(command: SimCommand, routes: CtmsRoutes): SimResponse {
  const lifecycle = routes.state.current(command).lifecycle;
  if (isFinalLifecycle(lifecycle)) {
    // CTMS's answer to cancelling an ended command is not documented; a conflict is plausible.
    return ctmsError(
      409,
      'avid.ctms/COMMAND_ALREADY_FINISHED',
      `Command ${command.id} already ended (${lifecycle})`,
    );
  }
  // Cancelled by the caller: lifecycle error, cause canceled [DOC].
  routes.state.fail(command.id, {
    cause: 'canceled',
    code: 'CTMS/COMMAND_CANCELED',
    text: 'Command was canceled by the caller',
  });
  return resourceOf(command, routes);
}

function resourceOf(command: SimCommand, routes: CtmsRoutes): SimResponse {
  return json(200, commandResource(command, routes.now(), routes.links()));
}

/** The app authenticates with `Authorization: Basic <id:secret>`; the grant goes in the form. */
function issueToken(request: SimRequest, servedGrant: Grant, routes: CtmsRoutes): SimResponse {
  const form = new URLSearchParams(request.body);
  if (form.get('grant_type') !== servedGrant) return json(400, { error: 'unsupported_grant_type' });
  const wantedAuth: AvidSimAuth = servedGrant === 'password' ? 'password' : 'client-credentials';
  const { clientId, clientSecret, username, password } = routes.credentials;
  if (routes.auth !== wantedAuth || basicCredentials(request) !== `${clientId}:${clientSecret}`) {
    return json(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="avid"' });
  }
  if (
    servedGrant === 'password' &&
    (form.get('username') !== username || form.get('password') !== password)
  ) {
    return json(400, { error: 'invalid_grant' });
  }
  const token = routes.state.issueToken(routes.tokenLifetimeSeconds);
  return json(200, tokenAnswer(token, routes.tokenLifetimeSeconds));
}

function basicCredentials(request: SimRequest): string | undefined {
  const [scheme, value] = (request.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !value) return undefined;
  return Buffer.from(value, 'base64').toString('utf8');
}

/** A bearer token in `Authorization`, or the `avidAccessToken` cookie [DOC]. */
function presentedToken(request: SimRequest): string | undefined {
  const [scheme, value] = (request.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() === 'bearer' && value) return value;
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const [name, cookie] = pair.trim().split('=');
    if (name === 'avidAccessToken' && cookie) return cookie;
  }
  return undefined;
}

function authorized(request: SimRequest, routes: CtmsRoutes): boolean {
  if (routes.auth === 'none') return true;
  const token = presentedToken(request);
  if (!token) return false;
  if (routes.auth === 'static-token') return token === routes.credentials.token;
  return routes.state.tokenValid(token);
}

function ctmsError(status: number, code: string, text: string): SimResponse {
  return json(status, errorBody(status, code, text));
}
