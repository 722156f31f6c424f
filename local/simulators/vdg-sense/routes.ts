import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { SimRequest, SimResponse } from '../sim-server.js';
import type { ExportBook, SessionBook } from './state.js';
import {
  apiInfo,
  errorCodeAnswer,
  exportList,
  loginTimestampMs,
  readPostedXml,
  textOf,
  type VdgSimQuirks,
  xmlAnswer,
} from './wire-format.js';

/** How clients must authenticate: the documented digest login, or none at all. */
export type VdgSimAuth = 'digest' | 'none';

/** What the routes read and change of one manager. */
export interface VdgManager {
  readonly clock: Clock;
  readonly auth: VdgSimAuth;
  readonly credentials: Record<string, string>;
  /** The nonce this manager issued for the client type. */
  readonly clientNonce: string;
  readonly quirks: VdgSimQuirks;
  readonly exports: ExportBook;
  readonly sessions: SessionBook;
  /** An errorcode the next status request must answer, if one was scripted. */
  takeScriptedErrorCode(): number | undefined;
}

/** How far the manager's clock may drift from a login's timestamp (not documented). */
const TIMESTAMP_TOLERANCE_MS = 10 * 60 * 1000;

/**
 * The files of VDG's HTTP interface: `GET info`, `POST webservice` (the AuthenticateUserDigest
 * login), and `command?command=…` — or the command as the file, `POST exportVideo` — for
 * getExportVideoStatus and exportVideo. "All http requests and commands are case insensitive."
 */
export function routeVdg(request: SimRequest, manager: VdgManager): SimResponse {
  const path = withoutTrailingSlashes(request.url.pathname.toLowerCase());
  if (path === '/info') return apiInfo(manager.clock.now());
  if (path === '/webservice' && request.method === 'POST') return logIn(request, manager);
  const refusal = checkSession(request, manager);
  if (refusal) return refusal;
  const command = (
    path === '/command' ? (request.url.searchParams.get('command') ?? '') : path.slice(1)
  ).toLowerCase();
  if (command === 'getexportvideostatus' && request.method === 'GET') {
    return exportStatus(manager, request.url.searchParams.get('exportid') ?? undefined);
  }
  if (command === 'exportvideo' && request.method === 'POST') {
    return exportVideo(manager, request.body, request.url.searchParams);
  }
  return { status: 404, body: 'Not Found', contentType: 'text/plain' };
}

/**
 * Checks an AuthenticateUserDigest login: the user, the issued nonce, a timestamp near the
 * manager's clock, and the digest as hex SHA-1 of nonce + timestamp + password. A refused login
 * answers 401 with a negative errorcode; a good one, the session as a `<sessionid>` element.
 */
function logIn(request: SimRequest, manager: VdgManager): SimResponse {
  if (manager.auth !== 'digest') return errorCodeAnswer(-1, 404);
  const body = readPostedXml(request.body);
  if (!body) return errorCodeAnswer(-18, 400);
  const message = (body.authenticateuserdigest ?? {}) as Record<string, unknown>;
  const nonce = textOf(message.nonce);
  const timestamp = textOf(message.timestamp);
  const expected = createHash('sha1')
    .update(`${nonce}${timestamp}${manager.credentials.password ?? ''}`)
    .digest('hex');
  const valid =
    textOf(message.username) === manager.credentials.username &&
    nonce === manager.clientNonce &&
    Math.abs(loginTimestampMs(timestamp) - manager.clock.now()) <= TIMESTAMP_TOLERANCE_MS &&
    textOf(message.digest).toLowerCase() === expected;
  if (!valid) return errorCodeAnswer(-1, 401);
  const session = manager.sessions.issue();
  return xmlAnswer(
    200,
    `<?xml version="1.0"?><result errorcode="0"><sessionid>${session}</sessionid></result>`,
  );
}

/** A request without a live session (cookie or query `sessionid`) is refused with 401. */
function checkSession(request: SimRequest, manager: VdgManager): SimResponse | undefined {
  if (manager.auth === 'none' || manager.quirks.sessionOptional) return undefined;
  const cookie = /(?:^|;\s*)sessionid=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
  const session = cookie ?? request.url.searchParams.get('sessionid') ?? '';
  return manager.sessions.accepts(session) ? undefined : errorCodeAnswer(-1, 401);
}

function exportStatus(manager: VdgManager, exportId: string | undefined): SimResponse {
  const scripted = manager.takeScriptedErrorCode();
  if (scripted !== undefined) return errorCodeAnswer(scripted);
  if (exportId === undefined || manager.quirks.ignoreExportIdFilter) {
    return exportList(manager.exports.views(), manager.quirks);
  }
  if (manager.exports.has(exportId)) return exportList(manager.exports.views(exportId), manager.quirks);
  return manager.quirks.unknownIdAsEmptyList ? exportList([], manager.quirks) : errorCodeAnswer(-57);
}

/** exportVideo creates an export, or — with `action` remove — removes a pending one. */
function exportVideo(manager: VdgManager, body: string, query: URLSearchParams): SimResponse {
  const document = readPostedXml(body);
  if (!document) return errorCodeAnswer(-18);
  const posted = (document.export ?? {}) as Record<string, unknown>;
  const action = (textOf(posted.action) || (query.get('action') ?? '')).toLowerCase();
  if (action === 'remove')
    return removeExport(manager, textOf(posted.exportid) || (query.get('exportid') ?? ''));
  const devices = ((posted.devices ?? {}) as { device?: unknown }).device;
  const specs = (Array.isArray(devices) ? (devices as Record<string, unknown>[]) : []).map((device) => ({
    serverId: textOf(device.serverid),
    deviceId: textOf(device.deviceid),
    startTime: textOf(device.starttime),
    endTime: textOf(device.endtime),
  }));
  const complete = (spec: (typeof specs)[number]) =>
    spec.serverId !== '' && spec.deviceId !== '' && spec.startTime !== '' && spec.endTime !== '';
  if (specs.length === 0 || !specs.every(complete)) return errorCodeAnswer(-18);
  const id = manager.exports.create({
    path: textOf(posted.path),
    bandwidth: Number(textOf(posted.bandwidth)) || 0,
    devices: specs,
  });
  return xmlAnswer(200, `<?xml version="1.0"?><result errorcode="0"><exportid>${id}</exportid></result>`);
}

function removeExport(manager: VdgManager, exportId: string): SimResponse {
  if (!manager.exports.has(exportId)) return errorCodeAnswer(-57);
  // Only a pending export can be removed.
  if (manager.exports.status(exportId) === 'COMPLETED') return errorCodeAnswer(-18);
  manager.exports.remove(exportId);
  return errorCodeAnswer(0);
}

// A loop, not `/\/+$/`: that pattern is retried from every slash of a long run (quadratic).
function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charAt(end - 1) === '/') end -= 1;
  return text.slice(0, end);
}
