import type { Connection } from '../config/connections.js';
import type { Job } from '../jobs/job.js';
import {
  type DurationModelStore,
  type DurationSketch,
  jobKindOf,
  recordEnding,
  sketchFor,
} from './duration-model.js';
import { learnedDurationOf } from './job-schedule.js';

/** Whether a connection learns its jobs' durations: unless its operator set `learnDurations: false`. */
function learns(store: DurationModelStore | undefined, connection: Connection): store is DurationModelStore {
  return store !== undefined && connection.polling?.learnDurations !== false;
}

/**
 * The sketch to schedule this job by (its kind's, else its connection's), or undefined where
 * nothing is learned. A store that cannot be read leaves the job on today's schedule: learning is
 * an optimisation, never a reason for a poll to fail.
 *
 * @example nextPollForJob(job, connection, now, { durations: await durationsForJob(store, connection, job) })
 */
export async function durationsForJob(
  store: DurationModelStore | undefined,
  connection: Connection,
  job: Job,
): Promise<DurationSketch | undefined> {
  if (!learns(store, connection)) return undefined;
  return sketchFor(store, connection.name, jobKindOf(job.details)).catch(() => undefined);
}

/**
 * Teaches the connection's model how long a job that just ended took. Resolves false when the
 * store refused (the caller logs it); the ending itself is already stored.
 */
export async function learnFromEnding(
  store: DurationModelStore | undefined,
  connection: Connection,
  job: Job,
): Promise<boolean> {
  const seconds = learnedDurationOf(job);
  if (!learns(store, connection) || seconds === undefined) return true;
  return recordEnding(store, connection.name, jobKindOf(job.details), seconds).then(
    () => true,
    () => false,
  );
}
