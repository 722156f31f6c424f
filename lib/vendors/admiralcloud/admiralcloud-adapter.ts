import { describeError, JobwatchError } from '../../jobs/errors.js';
import type { Observation } from '../../jobs/job.js';
import type { AdapterContext, CancelOutcome, VendorAdapter, WatchedJob } from '../vendor-adapter.js';
import {
  destroyActivity,
  findActivities,
  getJobResult,
  isNotFound,
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
}

function readMemory(state: Record<string, unknown> | undefined): ActivityMemory {
  const ids = state?.activityIds;
  return {
    seen: state?.seen === true,
    lastPercent: typeof state?.lastPercent === 'number' ? state.lastPercent : undefined,
    missingPolls: typeof state?.missingPolls === 'number' ? state.missingPolls : 0,
    activityIds: Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [],
  };
}

function toState(memory: ActivityMemory): Record<string, unknown> {
  const state: Record<string, unknown> = {
    seen: memory.seen,
    missingPolls: memory.missingPolls,
    activityIds: memory.activityIds,
  };
  if (memory.lastPercent !== undefined) state.lastPercent = memory.lastPercent;
  return state;
}

type JobResultFinding = JobResultBody | { kind: 'not-found'; message: string | undefined; status: number };

/** jobResult, read: pending, done, a result, or gone. Any other error answer is a protocol error. */
async function readJobResult(context: Context, jobId: string): Promise<JobResultFinding> {
  const answer: SignedAnswer = await getJobResult(context, jobId);
  if (answer.ok) return classifyJobResult(answer.body);
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
  const { jobId, activityId } = job.reference;
  const memory = readMemory(job.latest.adapterState);
  let activities: ActivityEntry[];
  try {
    activities = await findActivities(context);
  } catch (error) {
    // The listing only adds progress: jobResult has already answered, so the poll stands.
    if (!(error instanceof JobwatchError)) throw error;
    return {
      status: mapAdmiralCloudStatus('pending'),
      rawStatus: 'pending',
      message: `AdmiralCloud job ${jobId} is still running (progress unavailable: the activity listing failed)`,
      details: { activityListError: describeError(error).message },
      adapterState: toState(memory),
    };
  }

  const parts = partsOfJob(activities, jobId, activityId);
  if (parts.length > 0) {
    const percent = batchPercent(parts, context.options.batchProgress);
    const next: ActivityMemory = {
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

async function poll(context: Context, job: Job): Promise<Observation> {
  const { jobId } = job.reference;
  const finding = await readJobResult(context, jobId);
  switch (finding.kind) {
    case 'not-found':
      return lostObservation(jobId, finding.message, finding.status);
    case 'pending':
      return pendingObservation(context, job);
    default:
      return finishedObservation(context, jobId, finding);
  }
}

/** The activities to destroy: the one named, else the job's parts as listed, else as remembered. */
async function activitiesToDestroy(context: Context, job: Job): Promise<string[]> {
  const { jobId, activityId } = job.reference;
  if (activityId !== undefined) return [activityId];
  try {
    const parts = partsOfJob(await findActivities(context), jobId);
    return parts.map((part) => part.id).filter((id) => id !== undefined);
  } catch (error) {
    const remembered = readMemory(job.latest.adapterState).activityIds;
    if (error instanceof JobwatchError && remembered.length > 0) return remembered;
    throw error;
  }
}

async function cancel(context: Context, job: Job): Promise<CancelOutcome> {
  const { jobId } = job.reference;
  const finding = await readJobResult(context, jobId);
  if (finding.kind === 'not-found') {
    return { cancelled: false, message: `AdmiralCloud no longer knows job ${jobId}: nothing to destroy` };
  }
  if (finding.kind !== 'pending') {
    return { cancelled: false, message: `AdmiralCloud job ${jobId} has already completed` };
  }
  const ids = await activitiesToDestroy(context, job);
  if (ids.length === 0) {
    return {
      cancelled: false,
      message: `No activity of AdmiralCloud job ${jobId} is listed for this API user: nothing to destroy`,
    };
  }
  const destroyed: string[] = [];
  for (const id of ids) {
    const answer = await destroyActivity(context, id);
    if (answer.ok) destroyed.push(id);
    else if (!isNotFound(answer)) throw unexpectedAnswer(context, answer, `destroying activity ${id}`);
  }
  if (destroyed.length === 0) {
    return { cancelled: false, message: `The activities of AdmiralCloud job ${jobId} were already gone` };
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
