import { VendorProtocolError } from '../../jobs/errors.js';

/**
 * What AdmiralCloud does that a plain reading of HTTP and JSON would get wrong, one function per
 * quirk, each with the source that shows it: [DOC] the activity controller's documentation (the
 * seed), [CODE] AdmiralCloud's public client code (`ac-signature`, the official examples).
 */

/**
 * [CODE] The official examples poll jobResult until the body is no longer `{ ok: true }`: only
 * that object, exactly, means "not yet". A result may carry an `ok` of its own next to its data.
 *
 * @example isPendingBody({ ok: true }) // true
 * @example isPendingBody({ ok: true, updated: 12 }) // false
 */
export function isPendingBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  return keys.length === 1 && (body as { ok?: unknown }).ok === true;
}

/**
 * [DOC] jobResult "can only be fetched after activity's progress for this job is 100%": the
 * document does not say how an earlier call is refused, so an error whose message says "not
 * yet" reads as a job still running, not as a failure.
 *
 * @example saysNotReady('error_jobNotCompleted') // true
 */
export function saysNotReady(message: string | undefined): boolean {
  return /not_?(yet_?)?(ready|completed?|finished|done|available)|in_?progress|pending|still_?running/i.test(
    message ?? '',
  );
}

/**
 * [DOC] The same sentence: a server may answer "not found" until the job has a result. Such an
 * answer is believed only when the job's activity is not listed either.
 *
 * @example notFoundIsBelieved(0) // true: nothing says the job exists
 */
export function notFoundIsBelieved(listedParts: number): boolean {
  return listedParts === 0;
}

/**
 * [CODE] A batch job's follow-up jobs reuse its id as `jobId:1`, `jobId:2`…, and the update is
 * visible only when every `jobId:*` is done. `jobId:N`, N digits only: a string test, so no
 * pattern is ever built from vendor text.
 *
 * @example isFollowUpOf('b7:1', 'b7') // true
 * @example isFollowUpOf('b70', 'b7') // false
 */
export function isFollowUpOf(candidate: string, jobId: string): boolean {
  if (!candidate.startsWith(`${jobId}:`)) return false;
  return /^\d+$/.test(candidate.slice(jobId.length + 1));
}

/**
 * [CODE] The activities that belong to a job: its own, its follow-ups (see {@link isFollowUpOf}),
 * and the activity the caller named.
 *
 * @example partsOfJob([{ jobId: 'b7' }, { jobId: 'b7:1' }, { jobId: 'b70' }], 'b7').length // 2
 */
export function partsOfJob<Entry extends { id?: string | undefined; jobId: string }>(
  activities: readonly Entry[],
  jobId: string,
  activityId?: string,
): Entry[] {
  return activities.filter(
    (activity) =>
      activity.jobId === jobId ||
      isFollowUpOf(activity.jobId, jobId) ||
      (activityId !== undefined && activity.id === activityId),
  );
}

/**
 * [CODE] A batch's progress is its slowest part's: the update becomes visible only when every
 * part is done. Parts without a percent are left out; none → undefined.
 *
 * @example batchPercent([{ percent: 100 }, { percent: 40 }]) // 40
 */
export function batchPercent(parts: readonly { percent?: number | undefined }[]): number | undefined {
  const percents = parts.map((part) => part.percent).filter((percent) => percent !== undefined);
  if (percents.length === 0) return undefined;
  return Math.round(Math.min(...percents) * 10) / 10;
}

/**
 * [DOC] The find-activities reference names the activity types `upload` and `miscActivities`, so
 * a listing may group its `activities` under them: `{ activities: { upload: [...], ... } }`.
 *
 * @example groupedEntries({ upload: [{ jobId: 'j1' }], miscActivities: [] }).length // 1
 */
export function groupedEntries(activities: unknown[] | Record<string, unknown>): unknown[] {
  if (Array.isArray(activities)) return activities;
  return Object.values(activities).flatMap((group) => (Array.isArray(group) ? group : [group]));
}

/**
 * [DOC] The activity controller's find route is not published (the seed documents the action,
 * not its path): a 404 or 405 to the listing says the server has none at our path, which will
 * not change from poll to poll.
 */
export function isMissingListing(error: unknown): boolean {
  const status = error instanceof VendorProtocolError ? error.context.statusCode : undefined;
  return status === 404 || status === 405;
}

/** [DOC] …so a server without it is asked again only this often: progress is a bonus, jobResult the answer. */
export const LISTING_RECHECK_POLLS = 10;

/**
 * [CODE] Ids carry `:` (batch follow-ups `jobId:N`). A `:` may stand in a path segment as it is,
 * so it is sent unencoded: the path a server hashes for signature v2 is then the same whether it
 * reads the raw or the decoded path.
 *
 * @example encodeSegment('b7:1') // 'b7:1'
 */
export function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':');
}

/** A GET parameter an older server turns into a number: a canonical integer, no sign, no leading 0. */
const NUMERIC = /^(0|[1-9]\d{0,14})$/;

/**
 * [CODE] `ac-signature`'s server-side check turns GET parameters that are integers into numbers
 * before it hashes them ("GET request send parameters as string instead of integer"), and its
 * README signs `GET /v1/user/123` as `{"id":123}`; newer servers hash the strings as sent. The
 * connection's `signNumericParamsAsNumbers` says which this server does.
 *
 * @example signedParams({ jobId: '4711', b: '0815' }, true) // { jobId: 4711, b: '0815' }
 */
export function signedParams(
  params: Readonly<Record<string, string>>,
  numbersAsNumbers: boolean,
): Record<string, string | number> {
  const signed: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(params)) {
    signed[key] = numbersAsNumbers && NUMERIC.test(value) ? Number(value) : value;
  }
  return signed;
}
