import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type Clock, systemClock } from '../../clock.js';
import { type SimRequest, type SimResponse, SimServer } from '../sim-server.js';
import { Timeline, type TimelineStep } from '../timeline.js';

/**
 * AdmiralCloud's activity controller over loopback HTTP:
 *
 * - `GET /v5/activity/jobResult/{jobId}` — `{"ok":true}` until every part of the job is at 100%,
 *   then the job's result, or `{}` when it has none; `{"message":"error_…"}` with HTTP ≥ 400 on
 *   errors (404 `error_notFound` for a job it does not know).
 * - `GET /v5/activity` — `{ activities, modelChanges, modelChangesES }`; each activity is
 *   `{ id, jobId, percent, type, createdAt, updatedAt }`, batch follow-ups as `jobId:N` [INF].
 * - `DELETE /v5/activity/{id}` — destroys the activity [INF].
 *
 * Every request must carry AdmiralCloud's signature headers, checked like its API does (v1
 * controller/action or v2 path; `x-admiralcloud-version` picks one, else either is accepted).
 * Quirks make it behave like other readings of the same documents: a server that checks only
 * one version, signs no route parameters, has no activity listing, answers an error instead of
 * `{"ok":true}` before the result, or groups the listing by activity type.
 * Job progress runs on the given clock; the signature's rts is checked against *real* time,
 * because the protocol's timestamp is wall-clock seconds whatever the simulated clock does.
 */

/** What jobResult gives once every part is done. */
export type AdmiralCloudSimOutcome = { kind: 'result'; result: unknown } | { kind: 'empty' };

/** How a job leaves the normal path, at a scripted moment or when a test says so. */
export type AdmiralCloudSimPhase =
  | { kind: 'active' }
  /** The activity was destroyed: it leaves the listing; jobResult never gets a result [INF]. */
  | { kind: 'destroyed' }
  /** The job is gone: unlisted, and jobResult answers 404 `error_notFound` [INF]. */
  | { kind: 'vanished' }
  /** jobResult answers this error from now on. */
  | { kind: 'error'; status: number; message: string };

export interface AdmiralCloudSimPartSpec {
  /** Clock seconds the part takes from 0 to 100%. */
  durationSeconds: number;
  /** Clock seconds after the job's start before the part is created (and listed). Default 0. */
  startAfterSeconds?: number;
  type?: string;
}

export interface AdmiralCloudSimJobSpec {
  jobId?: string;
  /** The job itself first, then its follow-ups `jobId:1`, `jobId:2`… Default: one part of 60 s. */
  parts?: AdmiralCloudSimPartSpec[];
  /** Default `{ kind: 'empty' }`. */
  outcome?: AdmiralCloudSimOutcome;
  /** Phase changes, in clock seconds after the start. */
  phases?: TimelineStep<AdmiralCloudSimPhase>[];
  /** False: the activities belong to another user and are never listed for ours. */
  listed?: boolean;
}

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
  /** False: the hash covers only the query parameters, not the route's (`jobId`, `id`). */
  signRouteParams?: boolean;
  /** No activity listing and no destroy: those routes answer 404 `error_routeNotFound`. */
  noActivityListing?: boolean;
  /** jobResult answers this error until the job is done, instead of `{"ok":true}`. */
  jobResultBeforeDone?: { status: number; message: string };
  /** The listing groups activities by type: `{ activities: { upload: [...], miscActivities: [...] } }`. */
  groupedActivities?: boolean;
}

export interface AdmiralCloudSimulatorOptions {
  clock?: Clock;
  accessKey?: string;
  accessSecret?: string;
  clientId?: string;
  /** The prefix of signature errors. Default `acsignature`. */
  errorPrefix?: string;
  /** How far rts may be off the real clock, seconds. Default 10, as the API. */
  rtsToleranceSeconds?: number;
  /**
   * Which clock rts is checked against: `real` (default, the protocol's wall-clock seconds) or
   * `simulated` — the simulator's clock, for callers that run entirely on the same compressed
   * clock (the local stack's bundled functions, whose Date follows the stack's clock).
   */
  rtsClock?: 'real' | 'simulated';
  /** The server's own clock error in seconds: makes it refuse correct timestamps as deviating. */
  serverClockSkewSeconds?: number;
  quirks?: AdmiralCloudSimQuirks;
}

type PartState = 'waiting' | 'running' | 'done';

interface SimPart {
  jobId: string;
  activityId: number;
  type: string;
  timeline: Timeline<PartState>;
  createdAt: number;
  /** Destroyed on its own by `DELETE /v5/activity/{id}`: the batch can no longer complete. */
  destroyed: boolean;
}

interface SimJob {
  jobId: string;
  parts: SimPart[];
  outcome: AdmiralCloudSimOutcome;
  phases: Timeline<AdmiralCloudSimPhase>;
  listed: boolean;
}

const JOB_RESULT = /^\/v5\/activity\/jobResult\/([^/]+)$/;
const ACTIVITY = /^\/v5\/activity\/([^/]+)$/;

export class AdmiralCloudSimulator {
  readonly server: SimServer;
  readonly credentials: Record<string, string>;
  private readonly clock: Clock;
  private readonly rtsClock: 'real' | 'simulated';
  private readonly accessSecret: string;
  private readonly errorPrefix: string;
  private readonly rtsToleranceSeconds: number;
  private serverClockSkewSeconds: number;
  private quirks: AdmiralCloudSimQuirks;
  private readonly jobs = new Map<string, SimJob>();
  private nextActivityId = 1001;
  /** Signature checks that failed, by message, so tests can see why. */
  readonly refusals: string[] = [];

  constructor(options: AdmiralCloudSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.rtsClock = options.rtsClock ?? 'real';
    this.accessSecret = options.accessSecret ?? 'ac-secret-5f1d7e2a-sim';
    this.credentials = {
      accessKey: options.accessKey ?? 'AKACSIM4711',
      accessSecret: this.accessSecret,
      ...(options.clientId ? { clientId: options.clientId } : {}),
    };
    this.errorPrefix = options.errorPrefix ?? 'acsignature';
    this.rtsToleranceSeconds = options.rtsToleranceSeconds ?? 10;
    this.serverClockSkewSeconds = options.serverClockSkewSeconds ?? 0;
    this.quirks = { ...options.quirks };
    this.server = new SimServer((request) => this.handle(request), { clock: this.clock });
  }

  start(): Promise<string> {
    return this.server.start('/');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The connection options the adapter needs for this simulator. */
  connectionOptions(): Record<string, unknown> {
    return this.quirks.numericGetParams ? { signNumericParamsAsNumbers: true } : {};
  }

  setQuirks(quirks: AdmiralCloudSimQuirks): void {
    this.quirks = { ...this.quirks, ...quirks };
  }

  /** Moves the server's clock (for rts checks) this many seconds away from real time. */
  setServerClockSkew(seconds: number): void {
    this.serverClockSkewSeconds = seconds;
  }

  // --- scripting ---------------------------------------------------------------------------

  /** Creates a job as a batch update or createUpload would, and returns its jobId. */
  createJob(spec: AdmiralCloudSimJobSpec = {}): string {
    const jobId = spec.jobId ?? randomUUID();
    const now = this.clock.now();
    const partSpecs = spec.parts && spec.parts.length > 0 ? spec.parts : [{ durationSeconds: 60 }];
    const parts = partSpecs.map((part, index) => {
      const start = part.startAfterSeconds ?? 0;
      const steps: TimelineStep<PartState>[] = [
        { at: start, state: 'running', progress: 0 },
        { at: start + part.durationSeconds, state: 'done', progress: 100 },
      ];
      if (start > 0) steps.unshift({ at: 0, state: 'waiting', progress: 0 });
      const activityId = this.nextActivityId;
      this.nextActivityId += 1;
      return {
        jobId: index === 0 ? jobId : `${jobId}:${index}`,
        activityId,
        type: part.type ?? (partSpecs.length > 1 ? 'batchUpdate' : 'upload'),
        timeline: new Timeline(steps, now),
        createdAt: now + start * 1000,
        destroyed: false,
      };
    });
    this.jobs.set(jobId, {
      jobId,
      parts,
      outcome: spec.outcome ?? { kind: 'empty' },
      phases: new Timeline([{ at: 0, state: { kind: 'active' } }, ...(spec.phases ?? [])], now),
      listed: spec.listed ?? true,
    });
    return jobId;
  }

  /**
   * A batch update (the job and one follow-up `jobId:1`) that completes over `durationSeconds`
   * clock seconds with a small result. Returns the job reference a caller passes to jobwatch.
   */
  createDemoJob(durationSeconds: number): { jobId: string } {
    const jobId = this.createJob({
      parts: [
        { durationSeconds, type: 'batchUpdate' },
        { durationSeconds: durationSeconds * 0.6, type: 'batchUpdate' },
      ],
      outcome: {
        kind: 'result',
        result: {
          processed: [
            { id: 4711, type: 'video' },
            { id: 4712, type: 'image' },
          ],
          failed: [],
        },
      },
    });
    return { jobId };
  }

  /** Finishes every part now; jobResult answers the outcome from now on. */
  complete(jobId: string, outcome?: AdmiralCloudSimOutcome): void {
    const job = this.job(jobId);
    const now = this.clock.now();
    if (outcome) job.outcome = outcome;
    for (const part of job.parts) part.timeline.interrupt(now, [{ at: 0, state: 'done', progress: 100 }]);
  }

  /** Destroys the job's activity now, as `DELETE /v5/activity/{id}` does. */
  destroy(jobId: string): void {
    this.setPhase(jobId, { kind: 'destroyed' });
  }

  /** Makes the job vanish now: unlisted, and jobResult answers 404. */
  vanish(jobId: string): void {
    this.setPhase(jobId, { kind: 'vanished' });
  }

  /** jobResult answers `{"message": message}` with `status` from now on. */
  failWith(jobId: string, status: number, message: string): void {
    this.setPhase(jobId, { kind: 'error', status, message });
  }

  /** The percent jobResult's activity shows now, for assertions. */
  percentOf(jobId: string): number | undefined {
    const job = this.jobs.get(jobId);
    const now = this.clock.now();
    const percents = job?.parts.map((part) => part.timeline.at(now).progress ?? 0) ?? [];
    return percents.length > 0 ? Math.min(...percents) : undefined;
  }

  private job(jobId: string): SimJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`No simulated AdmiralCloud job ${jobId}`);
    return job;
  }

  private setPhase(jobId: string, phase: AdmiralCloudSimPhase): void {
    this.job(jobId).phases.interrupt(this.clock.now(), [{ at: 0, state: phase }]);
  }

  // --- wire ----------------------------------------------------------------------------------

  private handle(request: SimRequest): SimResponse {
    const path = request.url.pathname;
    const jobResult = JOB_RESULT.exec(path);
    const activity = ACTIVITY.exec(path);
    let route: { action: string; params: Record<string, string>; answer: () => SimResponse };
    if (request.method === 'GET' && jobResult?.[1]) {
      const jobId = decodeURIComponent(jobResult[1]);
      route = { action: 'jobResult', params: { jobId }, answer: () => this.jobResult(jobId) };
    } else if (this.quirks.noActivityListing && (path === '/v5/activity' || activity)) {
      return compact(404, { message: 'error_routeNotFound' });
    } else if (request.method === 'GET' && path === '/v5/activity') {
      route = { action: 'find', params: {}, answer: () => this.listing() };
    } else if (request.method === 'DELETE' && activity?.[1]) {
      const id = decodeURIComponent(activity[1]);
      route = { action: 'destroy', params: { id }, answer: () => this.destroyActivity(id) };
    } else {
      return compact(404, { message: 'error_routeNotFound' });
    }
    const payload: Record<string, unknown> = {
      ...Object.fromEntries(request.url.searchParams),
      ...(this.quirks.signRouteParams === false ? {} : route.params),
    };
    const refusal = this.checkSignature(request, route.action, payload);
    if (refusal) {
      this.refusals.push(refusal);
      return compact(401, { message: refusal });
    }
    return route.answer();
  }

  /** The API's signature check: hash present, rts within tolerance, hash equal. */
  private checkSignature(
    request: SimRequest,
    action: string,
    params: Record<string, unknown>,
  ): string | undefined {
    const hash = header(request.headers, 'x-admiralcloud-hash');
    if (!hash) return `${this.errorPrefix}_hashMissing`;
    if (header(request.headers, 'x-admiralcloud-accesskey') !== this.credentials.accessKey) {
      return 'error_accessKeyInvalid';
    }
    const rts = Number.parseInt(header(request.headers, 'x-admiralcloud-rts') ?? '', 10);
    const simulated = this.rtsClock === 'simulated';
    const wallClock = simulated ? this.clock.now() : Date.now();
    const serverNow = wallClock / 1000 + this.serverClockSkewSeconds;
    // The tolerance is real time: on a compressed clock, 10 real seconds are many clock seconds
    // (otherwise a request signed 40 ms before it arrives would be refused at speed 250).
    const tolerance = simulated
      ? (this.rtsToleranceSeconds * 1000) / this.clock.realMsPerSecond
      : this.rtsToleranceSeconds;
    // NaN passes this test and fails the hash below, as in the API.
    if (rts < serverNow - tolerance || rts > serverNow + tolerance) {
      return `${this.errorPrefix}_rtsDeviation`;
    }
    const payload: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(params)) {
      // `value == parseInt(value)` as older servers compared: "4711" becomes 4711, "7c1e…" stays.
      const numeric = typeof value === 'string' ? Number.parseInt(value, 10) : Number.NaN;
      const isNumeric = typeof value === 'string' && String(numeric) === value;
      payload[key] = this.quirks.numericGetParams && request.method === 'GET' && isNumeric ? numeric : value;
    }
    const version = header(request.headers, 'x-admiralcloud-version');
    const checked = this.quirks.signatureVersions;
    const bases: string[] = [];
    if (checked ? checked.includes(1) : version !== '2') bases.push(`activity\n${action.toLowerCase()}`);
    if (checked ? checked.includes(2) : version !== '1') bases.push(request.url.pathname.toLowerCase());
    const expected = bases.map((base) => hmacHex(this.accessSecret, hashInput(base, rts, payload)));
    return expected.some((candidate) => sameHex(candidate, hash))
      ? undefined
      : `${this.errorPrefix}_hashMismatch`;
  }

  private jobResult(jobId: string): SimResponse {
    const job = this.jobs.get(jobId);
    const now = this.clock.now();
    const phase = job?.phases.at(now).step.state;
    if (!job || phase?.kind === 'vanished') {
      return this.quirks.unknownJobPending
        ? compact(200, { ok: true })
        : compact(404, { message: 'error_notFound' });
    }
    if (phase?.kind === 'error') return compact(phase.status, { message: phase.message });
    if (phase?.kind === 'destroyed' || job.parts.some((part) => part.destroyed))
      return compact(200, { ok: true });
    const done = job.parts.every((part) => part.timeline.at(now).step.state === 'done');
    const notYet = this.quirks.jobResultBeforeDone;
    if (!done && notYet) return compact(notYet.status, { message: notYet.message });
    if (!done) return compact(200, { ok: true });
    return compact(200, job.outcome.kind === 'result' ? job.outcome.result : {});
  }

  private listing(): SimResponse {
    const now = this.clock.now();
    const ttlMs = (this.quirks.completedActivityTtlSeconds ?? 30) * 1000;
    const activities: Record<string, unknown>[] = [];
    for (const job of this.jobs.values()) {
      const phase = job.phases.at(now).step.state;
      if (!job.listed || phase.kind === 'destroyed' || phase.kind === 'vanished') continue;
      for (const part of job.parts) {
        const position = part.timeline.at(now);
        if (position.step.state === 'waiting' || part.destroyed) continue;
        const doneAt = part.timeline.startedAt + part.timeline.endsAt * 1000;
        if (position.step.state === 'done' && now - doneAt > ttlMs) continue;
        activities.push({
          id: part.activityId,
          jobId: part.jobId,
          type: part.type,
          percent: Math.round(position.progress ?? 0),
          createdAt: new Date(part.createdAt).toISOString(),
          updatedAt: new Date(now).toISOString(),
        });
      }
    }
    if (this.quirks.groupedActivities) {
      const upload = activities.filter((activity) => activity.type === 'upload');
      const miscActivities = activities.filter((activity) => activity.type !== 'upload');
      return compact(200, { activities: { upload, miscActivities }, modelChanges: [], modelChangesES: [] });
    }
    return compact(200, { activities, modelChanges: [], modelChangesES: [] });
  }

  private destroyActivity(id: string): SimResponse {
    for (const job of this.jobs.values()) {
      const phase = job.phases.at(this.clock.now()).step.state;
      if (phase.kind === 'destroyed' || phase.kind === 'vanished') continue;
      const part = job.parts.find((candidate) => String(candidate.activityId) === id && !candidate.destroyed);
      if (part) {
        part.destroyed = true;
        return compact(200, { id: part.activityId });
      }
    }
    return compact(404, { message: 'error_activityNotFound' });
  }
}

function header(headers: IncomingMessage['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Like the API: top-level keys sorted as strings, then `JSON.stringify` (integer keys first). */
function hashInput(base: string, rts: number, payload: Record<string, unknown>): string {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(payload).sort()) sorted[key] = payload[key];
  const body = Object.keys(sorted).length === 0 ? '' : `\n${JSON.stringify(sorted)}`;
  return `${base}\n${rts}${body}`;
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

function sameHex(expected: string, given: string): boolean {
  const left = Buffer.from(expected, 'utf8');
  const right = Buffer.from(given, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** JSON as the API's Node server sends it: compact, so `{"ok":true}` is byte for byte the same. */
function compact(status: number, value: unknown): SimResponse {
  return { status, body: JSON.stringify(value), contentType: 'application/json; charset=utf-8' };
}
