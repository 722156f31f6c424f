import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../clock.js';
import type { SimRequest, SimResponse } from '../sim-server.js';
import type { AdmiralCloudJobs } from './state.js';
import {
  compact,
  errorAnswer,
  hashInput,
  hmacHex,
  listingAnswer,
  numericParams,
  sameHex,
} from './wire-format.js';

/**
 * AdmiralCloud's activity controller, route by route:
 *
 * - `GET /v5/activity/jobResult/{jobId}` — `{"ok":true}` until every part of the job is at 100%,
 *   then the job's result, or `{}` when it has none; 404 `error_notFound` for a job it does not know.
 * - `GET /v5/activity` — `{ activities, modelChanges, modelChangesES }`, batch follow-ups as `jobId:N`.
 * - `DELETE /v5/activity/{id}` — destroys the activity.
 *
 * Every request must carry AdmiralCloud's signature headers, checked as its API does: v1
 * controller/action or v2 path (`x-admiralcloud-version` picks one, else either is accepted),
 * over the route and query parameters.
 */

export interface AdmiralCloudSimQuirks {
  /** Answer `{"ok":true}` for a job id it does not know instead of 404 (a hypothesis to test). */
  unknownJobPending?: boolean;
  /** Check GET parameters with numeric strings turned into numbers, as older API servers did. */
  numericGetParams?: boolean;
  /** Seconds a finished activity stays listed. Default 30 (clock seconds). */
  completedActivityTtlSeconds?: number;
  /**
   * The signature versions the server checks, ignoring `x-admiralcloud-version` — as a server
   * that knows only one scheme would. Default: the header picks, else either.
   */
  signatureVersions?: (1 | 2)[];
  /** No activity listing and no destroy: those routes answer 404 `error_routeNotFound`. */
  noActivityListing?: boolean;
  /** jobResult answers this error until the job is done, instead of `{"ok":true}`. */
  jobResultBeforeDone?: { status: number; message: string };
  /** The listing groups activities by type: `{ activities: { upload: [...], miscActivities: [...] } }`. */
  groupedActivities?: boolean;
}

/** How the server checks signatures. */
export interface AdmiralCloudAuth {
  accessKey: string;
  accessSecret: string;
  /** The prefix of signature errors (`acsignature`). */
  errorPrefix: string;
  /** How far rts may be off, real seconds. */
  rtsToleranceSeconds: number;
  /** Which clock rts is checked against: the real one, or the simulator's (see the simulator). */
  rtsClock: 'real' | 'simulated';
  /** The server's own clock error in seconds. */
  serverClockSkewSeconds: number;
}

/** What the routes need of the simulator. */
export interface AdmiralCloudRouteContext {
  jobs: AdmiralCloudJobs;
  clock: Clock;
  auth: AdmiralCloudAuth;
  quirks: AdmiralCloudSimQuirks;
  /** Records a refused signature, so tests can see why. */
  refuse(message: string): void;
}

interface Route {
  /** The activity controller's action, for signature v1. */
  action: string;
  /** The route parameters, signed with the query. */
  params: Record<string, string>;
  answer: () => SimResponse;
}

const JOB_RESULT = /^\/v5\/activity\/jobResult\/([^/]+)$/;
const ACTIVITY = /^\/v5\/activity\/([^/]+)$/;

function routeOf(context: AdmiralCloudRouteContext, request: SimRequest): Route | undefined {
  const path = request.url.pathname;
  const jobResult = JOB_RESULT.exec(path)?.[1];
  const activity = ACTIVITY.exec(path)?.[1];
  if (request.method === 'GET' && jobResult) {
    const jobId = decodeURIComponent(jobResult);
    return { action: 'jobResult', params: { jobId }, answer: () => jobResultAnswer(context, jobId) };
  }
  if (context.quirks.noActivityListing) return undefined;
  if (request.method === 'GET' && path === '/v5/activity') {
    return { action: 'find', params: {}, answer: () => listing(context) };
  }
  if (request.method === 'DELETE' && activity) {
    const id = decodeURIComponent(activity);
    return { action: 'destroy', params: { id }, answer: () => destroy(context, id) };
  }
  return undefined;
}

/** Answers one request: the route, after the signature check. */
export function answer(context: AdmiralCloudRouteContext, request: SimRequest): SimResponse {
  const route = routeOf(context, request);
  if (!route) return errorAnswer(404, 'error_routeNotFound');
  const payload = { ...Object.fromEntries(request.url.searchParams), ...route.params };
  const refusal = checkSignature(context, request, route.action, payload);
  if (refusal) {
    context.refuse(refusal);
    return errorAnswer(401, refusal);
  }
  return route.answer();
}

function header(headers: IncomingMessage['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Whether rts is within the tolerance of the server's clock. NaN passes and fails the hash, as in the API. */
function rtsDeviates(context: AdmiralCloudRouteContext, rts: number): boolean {
  const { auth, clock } = context;
  const simulated = auth.rtsClock === 'simulated';
  const serverNow = (simulated ? clock.now() : Date.now()) / 1000 + auth.serverClockSkewSeconds;
  // The tolerance is real time: on a compressed clock, 10 real seconds are many clock seconds
  // (otherwise a request signed 40 ms before it arrives would be refused at speed 250).
  const tolerance = simulated
    ? (auth.rtsToleranceSeconds * 1000) / clock.realMsPerSecond
    : auth.rtsToleranceSeconds;
  return rts < serverNow - tolerance || rts > serverNow + tolerance;
}

/** The bases the server accepts a hash over: v1 controller/action, v2 the path. */
function signatureBases(context: AdmiralCloudRouteContext, request: SimRequest, action: string): string[] {
  const version = header(request.headers, 'x-admiralcloud-version');
  const checked = context.quirks.signatureVersions;
  const bases: string[] = [];
  if (checked ? checked.includes(1) : version !== '2') bases.push(`activity\n${action.toLowerCase()}`);
  if (checked ? checked.includes(2) : version !== '1') bases.push(request.url.pathname.toLowerCase());
  return bases;
}

/** The API's signature check: hash present, key known, rts within tolerance, hash equal. */
function checkSignature(
  context: AdmiralCloudRouteContext,
  request: SimRequest,
  action: string,
  params: Record<string, unknown>,
): string | undefined {
  const { auth } = context;
  const hash = header(request.headers, 'x-admiralcloud-hash');
  if (!hash) return `${auth.errorPrefix}_hashMissing`;
  if (header(request.headers, 'x-admiralcloud-accesskey') !== auth.accessKey) return 'error_accessKeyInvalid';
  const rts = Number.parseInt(header(request.headers, 'x-admiralcloud-rts') ?? '', 10);
  if (rtsDeviates(context, rts)) return `${auth.errorPrefix}_rtsDeviation`;
  const numeric = context.quirks.numericGetParams && request.method === 'GET';
  const payload = numeric ? numericParams(params) : params;
  const accepted = signatureBases(context, request, action).some((base) =>
    sameHex(hmacHex(auth.accessSecret, hashInput(base, rts, payload)), hash),
  );
  return accepted ? undefined : `${auth.errorPrefix}_hashMismatch`;
}

function jobResultAnswer(context: AdmiralCloudRouteContext, jobId: string): SimResponse {
  const state = context.jobs.jobResult(jobId);
  switch (state.kind) {
    case 'unknown':
      return context.quirks.unknownJobPending
        ? compact(200, { ok: true })
        : errorAnswer(404, 'error_notFound');
    case 'error':
      return errorAnswer(state.status, state.message);
    case 'pending': {
      const notYet = context.quirks.jobResultBeforeDone;
      return notYet ? errorAnswer(notYet.status, notYet.message) : compact(200, { ok: true });
    }
    case 'stalled':
      return compact(200, { ok: true });
    case 'done':
      return compact(200, state.outcome.kind === 'result' ? state.outcome.result : {});
  }
}

function listing(context: AdmiralCloudRouteContext): SimResponse {
  const activities = context.jobs.listed(context.quirks.completedActivityTtlSeconds ?? 30);
  return listingAnswer(activities, context.clock.now(), context.quirks.groupedActivities === true);
}

function destroy(context: AdmiralCloudRouteContext, id: string): SimResponse {
  return context.jobs.destroyActivity(id)
    ? compact(200, { id: Number(id) })
    : errorAnswer(404, 'error_activityNotFound');
}
