import { z } from 'zod';
import type { AdapterContext, AdapterObservation } from '../vendor-adapter.js';
import type { Listing } from './admiralcloud-client.js';
import type { AdmiralCloudOptions } from './admiralcloud-options.js';
import { batchPercent, notFoundIsBelieved, partsOfJob } from './admiralcloud-quirks.js';
import type { AdmiralCloudReference } from './admiralcloud-reference.js';
import type { ActivityEntry, JobResultBody } from './admiralcloud-schema.js';
import { mapAdmiralCloudStatus } from './map-admiralcloud-status.js';

/**
 * What the adapter remembers of a job between polls. A stored state of another shape is read as
 * none: the job then starts afresh, as if its activity had not been seen yet.
 */
export const AdmiralCloudStateSchema = z.object({
  /** The job's activity has been listed at least once (activities are per user: maybe never). */
  seen: z.boolean(),
  /** The batch percent last seen. */
  lastPercent: z.number().min(0).max(100).optional(),
  /** Polls in a row the activity has been missing since it was seen. */
  missingPolls: z.number().int().nonnegative(),
  /** The activity ids last seen, for a cancel when the listing is unavailable. */
  activityIds: z.array(z.string()),
  /** Polls since the server answered that it has no activity listing; absent while it has one. */
  listingMissingPolls: z.number().int().nonnegative().optional(),
});
export type AdmiralCloudState = z.infer<typeof AdmiralCloudStateSchema>;

type Context = AdapterContext<AdmiralCloudOptions, AdmiralCloudState>;
type Observed = AdapterObservation<AdmiralCloudState>;

/** How many parts `details` lists; a batch may have many follow-ups. */
const MAX_LISTED_PARTS = 20;

/** The state at a job's first poll, or after an unreadable one. */
export function initialState(): AdmiralCloudState {
  return { seen: false, missingPolls: 0, activityIds: [] };
}

/** The state with the listing's note set, or removed while the listing works. */
export function withListingNote(
  state: AdmiralCloudState,
  missingPolls: number | undefined,
): AdmiralCloudState {
  const { listingMissingPolls: _previous, ...rest } = state;
  return missingPolls === undefined ? rest : { ...rest, listingMissingPolls: missingPolls };
}

/**
 * The observation of a finished job. A result keeps only its outline (see
 * {@link summarizeJobResult}): it can be large and can hold credentials.
 */
export function finishedObservation(
  context: Context,
  jobId: string,
  finding: Exclude<JobResultBody, { kind: 'pending' }>,
): Observed {
  if (finding.kind === 'empty') {
    return {
      status: mapAdmiralCloudStatus('done'),
      rawStatus: 'done',
      progress: 100,
      message: `AdmiralCloud job ${jobId} completed without a result`,
    };
  }
  return {
    status: mapAdmiralCloudStatus('result'),
    rawStatus: 'result',
    progress: 100,
    message: `AdmiralCloud job ${jobId} completed`,
    details: { result: summarizeJobResult(finding.value, (text) => context.http.clean(text)) },
  };
}

function lostObservation(jobId: string, message: string | undefined, status: number): Observed {
  const said = message ? `"${message}"` : `HTTP ${status}`;
  return {
    status: mapAdmiralCloudStatus('not-found'),
    rawStatus: 'not-found',
    message: `AdmiralCloud no longer knows job ${jobId} (jobResult answered ${said}): it vanished before completing`,
    error: { message: message ?? `jobResult answered ${status}`, httpCode: status },
  };
}

/**
 * A short list of the parts for `details`.
 *
 * @example describeParts([{ id: '7', jobId: 'b7', percent: 40, type: 'batchUpdate' }])
 * // [{ jobId: 'b7', activityId: '7', percent: 40, type: 'batchUpdate' }]
 */
export function describeParts(parts: readonly ActivityEntry[]): Record<string, unknown>[] {
  return parts.slice(0, MAX_LISTED_PARTS).map((part) => {
    const described: Record<string, unknown> = { jobId: part.jobId };
    if (part.id !== undefined) described.activityId = part.id;
    if (part.percent !== undefined) described.percent = part.percent;
    if (part.type !== undefined) described.type = part.type.slice(0, 60);
    return described;
  });
}

function pending(fields: Omit<Observed, 'status' | 'rawStatus'>): Observed {
  return { status: mapAdmiralCloudStatus('pending'), rawStatus: 'pending', ...fields };
}

/** The job's parts are listed: progress from them. */
function listedObservation(jobId: string, parts: ActivityEntry[], state: AdmiralCloudState): Observed {
  const percent = batchPercent(parts);
  const { lastPercent: _previous, ...rest } = state;
  const next: AdmiralCloudState = {
    ...rest,
    seen: true,
    ...(percent !== undefined ? { lastPercent: percent } : {}),
    missingPolls: 0,
    activityIds: parts.map((part) => part.id).filter((id) => id !== undefined),
  };
  const done = parts.filter((part) => part.percent === 100).length;
  return pending({
    ...(percent !== undefined ? { progress: percent } : {}),
    message:
      parts.length > 1
        ? `AdmiralCloud job ${jobId} is running: ${done} of ${parts.length} parts at 100%`
        : `AdmiralCloud job ${jobId} is running`,
    details: { partCount: parts.length, parts: describeParts(parts) },
    adapterState: next,
  });
}

function progressOf(state: AdmiralCloudState): { progress?: number } {
  return state.lastPercent === undefined ? {} : { progress: state.lastPercent };
}

/**
 * The job's parts are not listed. Until they have been seen that means nothing (activities are
 * per user [DOC]); after 100% the result is merely late; otherwise, missing for long enough,
 * the activity was destroyed or killed [DOC].
 */
function unlistedObservation(context: Context, jobId: string, state: AdmiralCloudState): Observed {
  if (!state.seen) {
    return pending({
      message: `AdmiralCloud job ${jobId} is still running (no activity of it is listed for this API user)`,
      adapterState: state,
    });
  }
  if (state.lastPercent !== undefined && state.lastPercent >= 100) {
    return pending({
      progress: 100,
      message: `AdmiralCloud job ${jobId} reached 100%; waiting for its result`,
      adapterState: { ...state, missingPolls: 0 },
    });
  }
  const missingPolls = state.missingPolls + 1;
  if (missingPolls < context.options.missingPollsBeforeVanished) {
    return pending({
      ...progressOf(state),
      message: `AdmiralCloud job ${jobId}: its activity is missing from the listing (${missingPolls}×); looking again`,
      adapterState: { ...state, missingPolls },
    });
  }
  const at = state.lastPercent === undefined ? '' : ` at ${state.lastPercent}%`;
  return {
    status: context.options.vanishedActivityStatus,
    rawStatus: 'activity-vanished',
    ...progressOf(state),
    message: `AdmiralCloud job ${jobId}: its activity disappeared${at} before completing and jobResult has no result — destroyed (e.g. an upload cancelled by its user) or killed by AdmiralCloud after 90 s without updates`,
    error: { message: 'activity disappeared before completing' },
    adapterState: { ...state, missingPolls },
  };
}

/**
 * The poll while jobResult says "not yet": progress from the listing, or why there is none.
 *
 * @example pendingObservation(context, reference, { kind: 'listed', activities }, state).progress // 40
 */
export function pendingObservation(
  context: Context,
  reference: AdmiralCloudReference,
  listing: Listing,
  state: AdmiralCloudState,
): Observed {
  const { jobId, activityId } = reference;
  if (listing.kind === 'failed') {
    return pending({
      message: `AdmiralCloud job ${jobId} is still running (progress unavailable: the activity listing failed)`,
      details: { activityListError: listing.error },
      adapterState: state,
    });
  }
  if (listing.kind === 'missing') {
    // Said once, when the server first answers so: repeating it every poll would be noise.
    return pending({
      ...progressOf(state),
      message: `AdmiralCloud job ${jobId} is still running (this server offers no activity listing at ${context.options.activitiesPath}: no progress)`,
      ...(listing.error ? { details: { activityListError: listing.error } } : {}),
      adapterState: state,
    });
  }
  const parts = partsOfJob(listing.activities, jobId, activityId);
  return parts.length > 0
    ? listedObservation(jobId, parts, state)
    : unlistedObservation(context, jobId, state);
}

/**
 * jobResult does not know the job. A job whose activity is still listed exists, whatever
 * jobResult said [DOC: see `notFoundIsBelieved`]; otherwise it is LOST.
 */
export function notFoundObservation(
  context: Context,
  reference: AdmiralCloudReference,
  finding: { message: string | undefined; status: number },
  listing: Listing,
  state: AdmiralCloudState,
): Observed {
  const { jobId, activityId } = reference;
  const listed = listing.kind === 'listed' ? partsOfJob(listing.activities, jobId, activityId) : [];
  if (notFoundIsBelieved(listed.length)) return lostObservation(jobId, finding.message, finding.status);
  const observation = pendingObservation(context, reference, listing, state);
  const said = finding.message ? `"${finding.message}"` : `HTTP ${finding.status}`;
  return {
    ...observation,
    message: `${observation.message} (jobResult answered ${said}, but the job's activity is listed)`,
  };
}

const MAX_KEYS = 20;
const MAX_VALUE_LENGTH = 120;
const SECRET_LOOKING = /secret|token|password|passwd|credential|key|signature|auth|session|cookie/i;

function byteLength(value: unknown): number | undefined {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return undefined;
  }
}

/** Short top-level scalars whose key does not look secret, and the lengths of top-level arrays. */
function outlineOf(
  result: Record<string, unknown>,
  keys: readonly string[],
  clean: (text: string) => string,
): { arrayLengths: Record<string, number>; values: Record<string, unknown> } {
  const arrayLengths: Record<string, number> = {};
  const values: Record<string, unknown> = {};
  for (const key of keys) {
    const value = result[key];
    if (Array.isArray(value)) arrayLengths[key] = value.length;
    else if (SECRET_LOOKING.test(key)) continue;
    else if (typeof value === 'number' || typeof value === 'boolean') values[key] = value;
    else if (typeof value === 'string' && value.length <= MAX_VALUE_LENGTH) values[key] = clean(value);
  }
  return { arrayLengths, values };
}

/**
 * The outline of a jobResult. A result can be large (a batch's processed list) and can hold
 * secrets (createUpload's result carries temporary S3 credentials [CODE]): a snapshot keeps only
 * top-level keys, array lengths, and short top-level values whose key does not look secret.
 * Nothing nested is ever copied.
 *
 * @example
 * summarizeJobResult({ processed: [{ id: 1 }], region: 'eu-central-1' }, (text) => text)
 * // { type: 'object', bytes: 48, keyCount: 2, keys: ['processed', 'region'], arrayLengths: { processed: 1 }, values: { region: 'eu-central-1' } }
 */
export function summarizeJobResult(
  result: unknown,
  clean: (text: string) => string,
): Record<string, unknown> {
  const bytes = byteLength(result);
  if (Array.isArray(result)) return { type: 'array', bytes, length: result.length };
  if (typeof result !== 'object' || result === null) {
    const value = typeof result === 'string' ? clean(result.slice(0, MAX_VALUE_LENGTH)) : result;
    return { type: typeof result, bytes, value };
  }
  const record = result as Record<string, unknown>;
  const keys = Object.keys(record);
  const listed = keys.slice(0, MAX_KEYS);
  const { arrayLengths, values } = outlineOf(record, listed, clean);
  const summary: Record<string, unknown> = {
    type: 'object',
    bytes,
    keyCount: keys.length,
    keys: listed.map((key) => key.slice(0, 60)),
  };
  if (Object.keys(arrayLengths).length > 0) summary.arrayLengths = arrayLengths;
  if (Object.keys(values).length > 0) summary.values = values;
  return summary;
}
