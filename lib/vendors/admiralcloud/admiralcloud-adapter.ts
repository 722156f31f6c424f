import { describeError, JobwatchError, VendorProtocolError } from '../../jobs/errors.js';
import type { Observation } from '../../jobs/job.js';
import type { AdapterContext, CancelOutcome, VendorAdapter, WatchedJob } from '../vendor-adapter.js';
import {
  destroyActivity,
  findActivities,
  getJobResult,
  isNotFound,
  isNotReady,
  isUnknownRoute,
  type SignedAnswer,
  unexpectedAnswer,
} from './admiralcloud-client.js';
import {
  AdmiralCloudCredentialsSchema,
  type AdmiralCloudOptions,
  AdmiralCloudOptionsSchema,
} from './admiralcloud-options.js';
import { batchPercent, describeParts, partsOfJob } from './admiralcloud-progress.js';
import { type AdmiralCloudReference, AdmiralCloudReferenceSchema } from './admiralcloud-reference.js';
import { type ActivityEntry, classifyJobResult, type JobResultBody } from './admiralcloud-schema.js';
import { mapAdmiralCloudActivityStatus, mapAdmiralCloudStatus } from './map-admiralcloud-status.js';
import { summarizeJobResult } from './summarize-job-result.js';

type Context = AdapterContext<AdmiralCloudOptions>;
type Job = WatchedJob<AdmiralCloudReference>;

/** What the adapter remembers between polls, in `Observation.adapterState`. */
interface ActivityMemory {
  /** The job's activity has been listed at least once (activities are per user: maybe never). */
  seen: boolean;
  /** The batch percent last seen. */
  lastPercent?: number;
  /** Polls in a row the activity has been missing since it was seen. */
  missingPolls: number;
  /** The activity ids last seen, for a cancel when the listing is unavailable. */
  activityIds: string[];
  /**
   * Polls since the server answered that it has no activity listing (404/405): it is asked
   * again only every {@link LISTING_RECHECK_POLLS} polls. Absent while the listing works.
   */
  listingMissingPolls?: number;
}

/**
 * The route of "find activities" is not published [INF]. A server without it at our path is
 * asked again this often, not on every poll: progress is a bonus, jobResult is the answer.
 */
const LISTING_RECHECK_POLLS = 10;

function readMemory(state: Record<string, unknown> | undefined): ActivityMemory {
  const ids = state?.activityIds;
  return {
    seen: state?.seen === true,
    lastPercent: typeof state?.lastPercent === 'number' ? state.lastPercent : undefined,
    missingPolls: typeof state?.missingPolls === 'number' ? state.missingPolls : 0,
    activityIds: Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [],
    listingMissingPolls:
      typeof state?.listingMissingPolls === 'number' ? state.listingMissingPolls : undefined,
  };
}

function toState(memory: ActivityMemory): Record<string, unknown> {
  const state: Record<string, unknown> = {
    seen: memory.seen,
    missingPolls: memory.missingPolls,
    activityIds: memory.activityIds,
  };
  if (memory.lastPercent !== undefined) state.lastPercent = memory.lastPercent;
  if (memory.listingMissingPolls !== undefined) state.listingMissingPolls = memory.listingMissingPolls;
  return state;
}

/** What the activity listing gave this poll. */
type Listing =
  | { kind: 'listed'; activities: ActivityEntry[] }
  /** The listing failed this time (5xx, garbage, refused): no progress, nothing concluded. */
  | { kind: 'failed'; error: string }
  /** The server has no listing at our path: no progress, ever, unless it appears. */
  | { kind: 'missing'; error?: string };

/** A 404/405 to the listing: the route is not there, which will not change from poll to poll. */
function isMissingRoute(error: unknown): boolean {
  return (
    error instanceof VendorProtocolError &&
    (error.context.statusCode === 404 || error.context.statusCode === 405)
  );
}

/** Reads the listing, unless the server is known to have none; updates the memory's note of it. */
async function readListing(
  context: Context,
  memory: ActivityMemory,
): Promise<{ listing: Listing; memory: ActivityMemory }> {
  const skipped = memory.listingMissingPolls;
  if (skipped !== undefined && skipped < LISTING_RECHECK_POLLS) {
    return { listing: { kind: 'missing' }, memory: { ...memory, listingMissingPolls: skipped + 1 } };
  }
  try {
    const activities = await findActivities(context);
    return { listing: { kind: 'listed', activities }, memory: { ...memory, listingMissingPolls: undefined } };
  } catch (error) {
    // The listing only adds progress: jobResult has already answered, so the poll stands.
    if (!(error instanceof JobwatchError)) throw error;
    const message = describeError(error).message;
    if (isMissingRoute(error)) {
      return { listing: { kind: 'missing', error: message }, memory: { ...memory, listingMissingPolls: 1 } };
    }
    return { listing: { kind: 'failed', error: message }, memory };
  }
}

type JobResultFinding =
  | JobResultBody
  | { kind: 'not-found'; message: string | undefined; status: number }
  | { kind: 'not-ready'; message: string | undefined; status: number };

/**
 * jobResult, read: pending, done, a result, not ready, or gone. A route the server does not
 * know and any other error answer are protocol errors: they say nothing about the job.
 */
async function readJobResult(context: Context, jobId: string): Promise<JobResultFinding> {
  const answer: SignedAnswer = await getJobResult(context, jobId);
  if (answer.ok) return classifyJobResult(answer.body);
  if (isNotReady(answer)) return { kind: 'not-ready', message: answer.message, status: answer.status };
  if (isUnknownRoute(answer)) {
    throw unexpectedAnswer(
      context,
      answer,
      `jobResult for job ${jobId} (check the base URL and jobResultPath)`,
    );
  }
  if (isNotFound(answer)) return { kind: 'not-found', message: answer.message, status: answer.status };
  throw unexpectedAnswer(context, answer, `jobResult for job ${jobId}`);
}

function finishedObservation(context: Context, jobId: string, finding: JobResultBody): Observation {
  if (finding.kind === 'empty') {
    return {
      status: mapAdmiralCloudStatus('done'),
      rawStatus: 'done',
      progress: 100,
      message: `AdmiralCloud job ${jobId} completed without a result`,
    };
  }
  if (finding.kind === 'result') {
    return {
      status: mapAdmiralCloudStatus('result'),
      rawStatus: 'result',
      progress: 100,
      message: `AdmiralCloud job ${jobId} completed`,
      details: { result: summarizeJobResult(finding.value, (text) => context.http.clean(text)) },
    };
  }
  throw new Error('a pending jobResult is not finished');
}

function lostObservation(jobId: string, message: string | undefined, status: number): Observation {
  const said = message ? `"${message}"` : `HTTP ${status}`;
  return {
    status: mapAdmiralCloudStatus('not-found'),
    rawStatus: 'not-found',
    message: `AdmiralCloud no longer knows job ${jobId} (jobResult answered ${said}): it vanished before completing`,
    error: { message: message ?? `jobResult answered ${status}`, httpCode: status },
  };
}

/** The vendor's own verdict, when a part's activity carries a status saying it ended badly. */
function activityVerdict(
  parts: readonly ActivityEntry[],
): { status: 'CANCELLED' | 'FAILED'; part: ActivityEntry } | undefined {
  for (const part of parts) {
    if (part.status === undefined) continue;
    const status = mapAdmiralCloudActivityStatus(part.status);
    if (status === 'CANCELLED' || status === 'FAILED') return { status, part };
  }
  return undefined;
}

/** The poll while jobResult says `{ ok: true }`: progress from the listing, or its absence. */
async function pendingObservation(context: Context, job: Job): Promise<Observation> {
  const read = await readListing(context, readMemory(job.latest.adapterState));
  return observePending(context, job, read.listing, read.memory);
}

function observePending(context: Context, job: Job, listing: Listing, memory: ActivityMemory): Observation {
  const { jobId, activityId } = job.reference;
  if (listing.kind === 'failed') {
    return {
      status: mapAdmiralCloudStatus('pending'),
      rawStatus: 'pending',
      message: `AdmiralCloud job ${jobId} is still running (progress unavailable: the activity listing failed)`,
      details: { activityListError: listing.error },
      adapterState: toState(memory),
    };
  }
  if (listing.kind === 'missing') {
    // Said once, when the server first answers so: repeating it every poll would be noise.
    return {
      status: mapAdmiralCloudStatus('pending'),
      rawStatus: 'pending',
      progress: memory.lastPercent,
      message: `AdmiralCloud job ${jobId} is still running (this server offers no activity listing at ${context.options.activitiesPath}: no progress)`,
      ...(listing.error ? { details: { activityListError: listing.error } } : {}),
      adapterState: toState(memory),
    };
  }

  const parts = partsOfJob(listing.activities, jobId, activityId);
  if (parts.length > 0) {
    const percent = batchPercent(parts, context.options.batchProgress);
    const next: ActivityMemory = {
      ...memory,
      seen: true,
      lastPercent: percent,
      missingPolls: 0,
      activityIds: parts.map((part) => part.id).filter((id) => id !== undefined),
    };
    const details = {
      partCount: parts.length,
      parts: describeParts(parts),
      batchProgress: context.options.batchProgress,
    };
    const verdict = activityVerdict(parts);
    if (verdict) {
      return {
        status: verdict.status,
        rawStatus: `activity ${verdict.part.status ?? ''}`.trim(),
        progress: percent,
        message: `AdmiralCloud marks activity of job ${verdict.part.jobId} as "${verdict.part.status}"`,
        error: { message: `activity ${verdict.part.jobId} is "${verdict.part.status}"` },
        details,
        adapterState: toState(next),
      };
    }
    const done = parts.filter((part) => part.percent === 100).length;
    return {
      status: mapAdmiralCloudStatus('pending'),
      rawStatus: 'pending',
      progress: percent,
      message:
        parts.length > 1
          ? `AdmiralCloud job ${jobId} is running: ${done} of ${parts.length} parts at 100%`
          : `AdmiralCloud job ${jobId} is running`,
      details,
      adapterState: toState(next),
    };
  }

  if (!memory.seen) {
    return {
      status: mapAdmiralCloudStatus('pending'),
      rawStatus: 'pending',
      // Activities are per user: a job started by another user may never be listed for ours.
      message: `AdmiralCloud job ${jobId} is still running (no activity of it is listed for this API user)`,
      adapterState: toState(memory),
    };
  }
  if (memory.lastPercent !== undefined && memory.lastPercent >= 100) {
    return {
      status: mapAdmiralCloudStatus('pending'),
      rawStatus: 'pending',
      progress: 100,
      message: `AdmiralCloud job ${jobId} reached 100%; waiting for its result`,
      adapterState: toState({ ...memory, missingPolls: 0 }),
    };
  }
  const missingPolls = memory.missingPolls + 1;
  if (missingPolls < context.options.missingPollsBeforeVanished) {
    return {
      status: mapAdmiralCloudStatus('pending'),
      rawStatus: 'pending',
      progress: memory.lastPercent,
      message: `AdmiralCloud job ${jobId}: its activity is missing from the listing (${missingPolls}×); looking again`,
      adapterState: toState({ ...memory, missingPolls }),
    };
  }
  const at = memory.lastPercent === undefined ? '' : ` at ${memory.lastPercent}%`;
  const message = `AdmiralCloud job ${jobId}: its activity disappeared${at} before completing and jobResult has no result — destroyed (e.g. an upload cancelled by its user) or killed by AdmiralCloud after 90 s without updates`;
  return {
    status: context.options.vanishedActivityStatus,
    rawStatus: 'activity-vanished',
    progress: memory.lastPercent,
    message,
    error: { message: 'activity disappeared before completing' },
    adapterState: toState({ ...memory, missingPolls }),
  };
}

/**
 * jobResult does not know the job. Before calling it lost, the listing is asked: a job whose
 * activity is still listed exists, whatever jobResult said (a server may answer 404 until there
 * is a result [INF]).
 */
async function notFoundObservation(
  context: Context,
  job: Job,
  finding: { message: string | undefined; status: number },
): Promise<Observation> {
  const { jobId, activityId } = job.reference;
  const read = await readListing(context, readMemory(job.latest.adapterState));
  if (read.listing.kind === 'listed' && partsOfJob(read.listing.activities, jobId, activityId).length > 0) {
    const observation = observePending(context, job, read.listing, read.memory);
    const said = finding.message ? `"${finding.message}"` : `HTTP ${finding.status}`;
    return {
      ...observation,
      message: `${observation.message} (jobResult answered ${said}, but the job's activity is listed)`,
    };
  }
  return lostObservation(jobId, finding.message, finding.status);
}

async function poll(context: Context, job: Job): Promise<Observation> {
  const { jobId } = job.reference;
  const finding = await readJobResult(context, jobId);
  switch (finding.kind) {
    case 'not-found':
      return notFoundObservation(context, job, finding);
    case 'pending':
    case 'not-ready':
      return pendingObservation(context, job);
    default:
      return finishedObservation(context, jobId, finding);
  }
}

/**
 * The activities to destroy: the one named, else the job's parts as listed, else as remembered.
 * `none` says why there are none.
 */
async function activitiesToDestroy(context: Context, job: Job): Promise<{ ids: string[]; none?: string }> {
  const { jobId, activityId } = job.reference;
  if (activityId !== undefined) return { ids: [activityId] };
  const remembered = readMemory(job.latest.adapterState).activityIds;
  try {
    const parts = partsOfJob(await findActivities(context), jobId);
    const ids = parts.map((part) => part.id).filter((id) => id !== undefined);
    return {
      ids,
      none: `No activity of AdmiralCloud job ${jobId} is listed for this API user: nothing to destroy`,
    };
  } catch (error) {
    if (error instanceof JobwatchError && remembered.length > 0) return { ids: remembered };
    if (isMissingRoute(error)) {
      return {
        ids: [],
        none: `This AdmiralCloud server offers no activity listing at ${context.options.activitiesPath}, so the activity of job ${jobId} cannot be found: give its activityId in the reference to destroy it`,
      };
    }
    throw error;
  }
}

async function cancel(context: Context, job: Job): Promise<CancelOutcome> {
  const { jobId } = job.reference;
  const finding = await readJobResult(context, jobId);
  if (finding.kind === 'empty' || finding.kind === 'result') {
    return { cancelled: false, message: `AdmiralCloud job ${jobId} has already completed` };
  }
  const gone = `AdmiralCloud no longer knows job ${jobId}: nothing to destroy`;
  const { ids, none } = await activitiesToDestroy(context, job);
  if (ids.length === 0) {
    return { cancelled: false, message: finding.kind === 'not-found' ? gone : (none ?? gone) };
  }
  const destroyed: string[] = [];
  for (const id of ids) {
    const answer = await destroyActivity(context, id);
    if (answer.ok) destroyed.push(id);
    else if (!isNotFound(answer)) throw unexpectedAnswer(context, answer, `destroying activity ${id}`);
  }
  if (destroyed.length === 0) {
    return {
      cancelled: false,
      message:
        finding.kind === 'not-found' ? gone : `The activities of AdmiralCloud job ${jobId} were already gone`,
    };
  }
  return {
    cancelled: true,
    message: `AdmiralCloud destroyed activit${destroyed.length === 1 ? 'y' : 'ies'} ${destroyed.join(', ')} of job ${jobId}`,
  };
}

/**
 * The AdmiralCloud adapter: polls `jobResult` for the job (`{ ok: true }` = still running),
 * reads progress from the user's activity listing (batch follow-ups `jobId:N` included), and
 * cancels by destroying the job's activity. Requests are signed with AdmiralCloud's HMAC scheme.
 *
 * @example
 * const observation = await admiralcloudAdapter.poll(context, { jobId, reference: { jobId: 'a1b2' }, submittedAt, latest });
 */
export const admiralcloudAdapter: VendorAdapter<AdmiralCloudReference, AdmiralCloudOptions> = {
  vendor: 'admiralcloud',
  referenceSchema: AdmiralCloudReferenceSchema,
  optionsSchema: AdmiralCloudOptionsSchema,
  credentialsSchema: AdmiralCloudCredentialsSchema,
  poll,
  cancel,
};
