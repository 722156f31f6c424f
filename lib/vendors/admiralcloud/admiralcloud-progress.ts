import type { ActivityEntry } from './admiralcloud-schema.js';

/** How many parts `details` lists; a batch may have many follow-ups. */
const MAX_LISTED_PARTS = 20;

/**
 * The activities that belong to a job: its own (`jobId`), its batch follow-ups (`jobId:1`,
 * `jobId:2`…), and the activity the caller named.
 *
 * @example partsOfJob([{ jobId: 'b7' }, { jobId: 'b7:1' }, { jobId: 'b70' }], 'b7').length // 2
 */
export function partsOfJob<Entry extends Pick<ActivityEntry, 'id' | 'jobId'>>(
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

/** `jobId:N`, N digits only; a string test, so no pattern is ever built from vendor text. */
function isFollowUpOf(candidate: string, jobId: string): boolean {
  if (!candidate.startsWith(`${jobId}:`)) return false;
  const suffix = candidate.slice(jobId.length + 1);
  return /^\d+$/.test(suffix);
}

/**
 * The batch's progress from its parts' percents: the smallest (`min`, when the update becomes
 * visible) or the average (`mean`). Parts without a percent are left out; none → undefined.
 *
 * @example batchPercent([{ percent: 100 }, { percent: 40 }], 'min') // 40
 */
export function batchPercent(
  parts: readonly Pick<ActivityEntry, 'percent'>[],
  mode: 'min' | 'mean',
): number | undefined {
  const percents = parts.map((part) => part.percent).filter((percent) => percent !== undefined);
  if (percents.length === 0) return undefined;
  const value =
    mode === 'min'
      ? Math.min(...percents)
      : percents.reduce((sum, percent) => sum + percent, 0) / percents.length;
  return Math.round(value * 10) / 10;
}

/**
 * A short list of the parts for `details`.
 *
 * @example describeParts([{ id: '7', jobId: 'b7', percent: 40, type: 'batch', status: undefined }])
 * // [{ jobId: 'b7', activityId: '7', percent: 40, type: 'batch' }]
 */
export function describeParts(parts: readonly ActivityEntry[]): Record<string, unknown>[] {
  return parts.slice(0, MAX_LISTED_PARTS).map((part) => {
    const described: Record<string, unknown> = { jobId: part.jobId };
    if (part.id !== undefined) described.activityId = part.id;
    if (part.percent !== undefined) described.percent = part.percent;
    if (part.type !== undefined) described.type = part.type.slice(0, 60);
    if (part.status !== undefined) described.status = part.status.slice(0, 60);
    return described;
  });
}
