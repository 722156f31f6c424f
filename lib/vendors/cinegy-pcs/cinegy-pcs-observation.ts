import { z } from 'zod';
import type { JobErrorInfo } from '../../jobs/job.js';
import { isFinal, type JobStatus } from '../../jobs/job-status.js';
import type { AdapterObservation } from '../vendor-adapter.js';
import { parseCinegyDate, progressFor, timeSpanSeconds } from './cinegy-pcs-quirks.js';
import { type CinegyPcsReference, describeReference } from './cinegy-pcs-reference.js';
import type { CinegyTask } from './cinegy-pcs-schema.js';
import { mapCinegyTaskStatus } from './map-cinegy-pcs-status.js';

/**
 * What the adapter remembers of a job between polls: the id of the task it watches, found by
 * name or metadata on an earlier poll (or given), so later polls read `tasks/{id}` directly.
 */
export const CinegyPcsStateSchema = z.object({ taskId: z.string().min(1) });
export type CinegyPcsState = z.infer<typeof CinegyPcsStateSchema>;

export type CinegyObservation = AdapterObservation<CinegyPcsState>;

const MAX_TEXT = 500;

function bounded(text: string | null | undefined): string | undefined {
  if (text == null) return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return trimmed.length > MAX_TEXT ? `${trimmed.slice(0, MAX_TEXT)}…` : trimmed;
}

/**
 * The vendor's word for the status, kept whole: `0 (Task is in progress.)`, `inProgress`.
 *
 * @example rawStatusOf({ status: 4, statusDescription: 'Task is finished.' }) // '4 (Task is finished.)'
 */
export function rawStatusOf(task: Pick<CinegyTask, 'status' | 'statusDescription'>): string {
  const code = task.status == null ? 'no status' : String(task.status);
  const description = bounded(task.statusDescription);
  return description ? `${code} (${description})` : code;
}

/**
 * Progress 0–100 from the current and maximum TimeSpans, rounded to 0.01; `undefined` when the
 * maximum is missing or not positive (a task not started yet shows 00:00:00 of 00:00:00).
 *
 * @example progressPercent('00:06:32.8320000', '00:11:40') // 56.12
 */
export function progressPercent(current: unknown, maximum: unknown): number | undefined {
  const max = timeSpanSeconds(maximum);
  const done = timeSpanSeconds(current);
  if (max === undefined || done === undefined || !(max > 0)) return undefined;
  const percent = Math.min(100, Math.max(0, (done / max) * 100));
  return Math.round(percent * 100) / 100;
}

/** Which dates a task carried but could not be read: worth a detail, never worth a failure. */
function unreadableDates(task: CinegyTask, zone: string): string[] {
  const dates: [string, unknown][] = [
    ['creationTime', task.creationTime],
    ['modificationTime', task.modificationTime],
    ['progress.generationTime', task.progress?.generationTime],
    ['result.generationTime', task.result?.generationTime],
  ];
  return dates
    .filter(([, value]) => value != null && value !== '' && parseCinegyDate(value, zone) === undefined)
    .map(([field]) => field);
}

function errorOf(task: CinegyTask, status: JobStatus): JobErrorInfo | undefined {
  if (status !== 'FAILED' && status !== 'CANCELLED') return undefined;
  const type = task.result?.type;
  return {
    message:
      bounded(task.result?.details) ??
      bounded(task.statusDescription) ??
      `Cinegy PCS reports the task ${status === 'FAILED' ? 'failed' : 'aborted'}`,
    ...(type != null ? { code: `result.type ${String(type)}` } : {}),
    ...(status === 'CANCELLED' ? { cause: 'aborted' } : {}),
  };
}

function messageOf(task: CinegyTask, status: JobStatus): string | undefined {
  const globalMessage = bounded(task.progress?.globalMessage);
  const description = bounded(task.statusDescription);
  if (isFinal(status)) return bounded(task.result?.details) ?? globalMessage ?? description;
  return globalMessage ?? description;
}

function unmappedReason(task: CinegyTask): string {
  return task.result == null && (task.status === 4 || /finish/i.test(String(task.status)))
    ? 'finished without a result yet'
    : 'status not published by Cinegy and its description is not recognized';
}

function detailsOf(
  task: CinegyTask,
  status: JobStatus,
  reported: number | undefined,
  zone: string,
): Record<string, unknown> {
  const entries: [string, unknown][] = [
    ['taskId', task.id ?? undefined],
    ['taskName', bounded(task.name)],
    ['priority', task.priority ?? undefined],
    ['handlerHost', bounded(task.handlerHost)],
    ['resultType', task.result?.type ?? undefined],
    [
      'lastReportedProgress',
      status === 'SUCCEEDED' && reported !== undefined && reported < 100 ? reported : undefined,
    ],
    ['localMessage', bounded(task.progress?.localMessage)],
    ['createdAt', parseCinegyDate(task.creationTime, zone)],
  ];
  const unreadable = unreadableDates(task, zone);
  if (unreadable.length > 0) entries.push(['unreadableDates', unreadable]);
  if (status === 'UNKNOWN') entries.push(['unmappedStatus', unmappedReason(task)]);
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/**
 * Turns one PCS task into an observation: normalized status with the raw one kept, progress from
 * the TimeSpans (100 on success), the vendor's messages, the latest readable date, and the task
 * id as state so later polls read `tasks/{id}` directly.
 *
 * @example taskToObservation({ id: 'a', status: 0, statusDescription: 'Task is in progress.' }).status // 'RUNNING'
 */
export function taskToObservation(
  task: CinegyTask,
  timeZone = 'UTC',
  extraDetails: Record<string, unknown> = {},
): CinegyObservation {
  const result = task.result ?? undefined;
  const status = mapCinegyTaskStatus({
    status: task.status,
    statusDescription: task.statusDescription,
    resultType: result?.type,
    resultDetails: result?.details,
  });
  const reported = progressPercent(task.progress?.globalCurrentProgress, task.progress?.globalMaxProgress);
  const progress = progressFor(status, reported);
  const message = messageOf(task, status);
  const error = errorOf(task, status);
  const vendorUpdatedAt =
    parseCinegyDate(task.modificationTime, timeZone) ??
    parseCinegyDate(result?.generationTime, timeZone) ??
    parseCinegyDate(task.progress?.generationTime, timeZone);
  const details = { ...extraDetails, ...detailsOf(task, status, reported, timeZone) };
  return {
    status,
    rawStatus: rawStatusOf(task),
    ...(progress !== undefined ? { progress } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(vendorUpdatedAt !== undefined ? { vendorUpdatedAt } : {}),
    ...(Object.keys(details).length > 0 ? { details } : {}),
    ...(task.id != null ? { adapterState: { taskId: task.id } } : {}),
  };
}

/**
 * `tasks/{id}` answered 404: PCS no longer knows the task (removed from its database, or never
 * there) [DOC: the id is the resource's address].
 */
export function lostObservation(
  taskId: string,
  httpStatus: number,
  foundByLookup: boolean,
): CinegyObservation {
  const how = foundByLookup ? ' (found earlier by name/metadata)' : '';
  return {
    status: 'LOST',
    rawStatus: `HTTP ${httpStatus}`,
    message: `Cinegy PCS no longer knows task ${taskId}${how} (HTTP ${httpStatus}): it was removed from the PCS database or never existed`,
    details: { taskId, httpStatus },
    adapterState: { taskId },
  };
}

/** What a lookup that found nothing saw. */
export interface MissedSearch {
  searchedTasks: number;
  totalCount?: number;
  /** The walk stopped at `maxPages` before the end of the list. */
  truncated: boolean;
  /** More list items lacked metadata than `metadataFetchLimit` allowed reading. */
  metadataReadsExhausted: boolean;
}

function searchedText(search: MissedSearch): string {
  const searched =
    search.totalCount === undefined
      ? `searched ${search.searchedTasks} tasks`
      : `searched ${search.searchedTasks} of ${search.totalCount} tasks`;
  const caveats = [
    search.truncated ? 'the search stopped at the page limit (options pageSize/maxPages)' : undefined,
    search.metadataReadsExhausted
      ? 'some listed tasks without metadata were not read (option metadataFetchLimit)'
      : undefined,
  ].filter((caveat) => caveat !== undefined);
  return caveats.length > 0 ? `${searched}; ${caveats.join('; ')}` : searched;
}

/**
 * No task matches a name/metadata reference yet. Tasks are registered elsewhere (Convert Monitor,
 * watch folders), possibly after the watch starts: QUEUED within the grace period, LOST after.
 */
export function notListedObservation(
  reference: CinegyPcsReference,
  search: MissedSearch,
  waitedSeconds: number,
  graceSeconds: number,
): CinegyObservation {
  const details = {
    searchedTasks: search.searchedTasks,
    ...(search.totalCount !== undefined ? { totalCount: search.totalCount } : {}),
    ...(search.truncated ? { searchTruncated: true } : {}),
  };
  const what = `No PCS task ${describeReference(reference)}`;
  if (waitedSeconds < graceSeconds) {
    return {
      status: 'QUEUED',
      rawStatus: 'not listed',
      message: `${what} is listed yet (${searchedText(search)}); it may not be registered yet — reported LOST if still missing ${graceSeconds} s after the watch started`,
      details,
    };
  }
  return {
    status: 'LOST',
    rawStatus: 'not listed',
    message: `${what} was listed within ${graceSeconds} s of the watch starting (${searchedText(search)})`,
    details,
  };
}
