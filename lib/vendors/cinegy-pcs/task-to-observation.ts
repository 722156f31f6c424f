import type { Observation } from '../../jobs/job.js';
import { isFinal } from '../../jobs/job-status.js';
import { parseCinegyDate } from './cinegy-pcs-dates.js';
import type { CinegyTask } from './cinegy-pcs-schema.js';
import { progressPercent } from './cinegy-pcs-timespan.js';
import { mapCinegyTaskStatus } from './map-cinegy-pcs-status.js';

const MAX_TEXT = 500;

function bounded(text: string | null | undefined): string | undefined {
  if (text == null) return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return trimmed.length > MAX_TEXT ? `${trimmed.slice(0, MAX_TEXT)}…` : trimmed;
}

/**
 * The vendor's word for the status, kept whole: `0 (Task is in progress.)`, `inProgress`,
 * `7 (Task is whatever)`.
 *
 * @example rawStatusOf({ status: 4, statusDescription: 'Task is finished.' }) // '4 (Task is finished.)'
 */
export function rawStatusOf(task: Pick<CinegyTask, 'status' | 'statusDescription'>): string {
  const code = task.status == null ? 'no status' : String(task.status);
  const description = bounded(task.statusDescription);
  return description ? `${code} (${description})` : code;
}

/** Which dates a task carried but we could not read: worth a detail, never worth a failure. */
function unreadableDates(task: CinegyTask, zone: string): string[] {
  const candidates: [string, unknown][] = [
    ['creationTime', task.creationTime],
    ['modificationTime', task.modificationTime],
    ['progress.generationTime', task.progress?.generationTime],
    ['result.generationTime', task.result?.generationTime],
  ];
  return candidates
    .filter(([, value]) => value != null && value !== '' && parseCinegyDate(value, zone) === undefined)
    .map(([field]) => field);
}

export interface TaskToObservationOptions {
  /** Zone of dates written without an offset. */
  timeZone?: string;
  /** Extra details (how the task was found). */
  details?: Record<string, unknown>;
}

/**
 * Turns one PCS task into an observation: normalized status with the raw one kept, progress from
 * the TimeSpans (100 on success, whatever they say), the vendor's messages, the latest readable
 * date, and the task id as adapter state so later polls read `tasks/{id}` directly.
 *
 * @example taskToObservation({ id: 'a', status: 0, statusDescription: 'Task is in progress.' }).status // 'RUNNING'
 */
export function taskToObservation(task: CinegyTask, options: TaskToObservationOptions = {}): Observation {
  const zone = options.timeZone ?? 'UTC';
  const result = task.result ?? undefined;
  const progress = task.progress ?? undefined;
  const status = mapCinegyTaskStatus(task.status, task.statusDescription, result?.type, result?.details);
  const reported = progressPercent(progress?.globalCurrentProgress, progress?.globalMaxProgress);
  const resultDetails = bounded(result?.details);
  const globalMessage = bounded(progress?.globalMessage);
  const description = bounded(task.statusDescription);

  const observation: Observation = { status, rawStatus: rawStatusOf(task) };
  // A successful task may still show the last progress sample (56%): the verdict wins.
  const percent = status === 'SUCCEEDED' ? 100 : reported;
  if (percent !== undefined) observation.progress = percent;

  const message = isFinal(status)
    ? (resultDetails ?? globalMessage ?? description)
    : (globalMessage ?? description);
  if (message !== undefined) observation.message = message;
  if (status === 'FAILED' || status === 'CANCELLED') {
    observation.error = {
      message:
        resultDetails ??
        description ??
        `Cinegy PCS reports the task ${status === 'FAILED' ? 'failed' : 'aborted'}`,
      ...(result?.type != null ? { code: `result.type ${String(result.type)}` } : {}),
      ...(status === 'CANCELLED' ? { cause: 'aborted' } : {}),
    };
  }

  const vendorUpdatedAt =
    parseCinegyDate(task.modificationTime, zone) ??
    parseCinegyDate(result?.generationTime, zone) ??
    parseCinegyDate(progress?.generationTime, zone);
  if (vendorUpdatedAt !== undefined) observation.vendorUpdatedAt = vendorUpdatedAt;

  const details: Record<string, unknown> = { ...options.details };
  if (task.id != null) details.taskId = String(task.id);
  const name = bounded(task.name);
  if (name !== undefined) details.taskName = name;
  if (task.priority != null) details.priority = task.priority;
  const handlerHost = bounded(task.handlerHost);
  if (handlerHost !== undefined) details.handlerHost = handlerHost;
  if (result?.type != null) details.resultType = result.type;
  if (status === 'SUCCEEDED' && reported !== undefined && reported < 100)
    details.lastReportedProgress = reported;
  const localMessage = bounded(progress?.localMessage);
  if (localMessage !== undefined) details.localMessage = localMessage;
  const createdAt = parseCinegyDate(task.creationTime, zone);
  if (createdAt !== undefined) details.createdAt = createdAt;
  const unreadable = unreadableDates(task, zone);
  if (unreadable.length > 0) details.unreadableDates = unreadable;
  if (status === 'UNKNOWN') {
    details.unmappedStatus =
      result == null && task.status != null && /^4$|finish/i.test(String(task.status))
        ? 'finished without a result yet'
        : 'status not published by Cinegy and its description is not recognized';
  }
  if (Object.keys(details).length > 0) observation.details = details;
  if (task.id != null) observation.adapterState = { taskId: String(task.id) };
  return observation;
}
