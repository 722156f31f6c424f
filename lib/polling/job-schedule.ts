import type { Connection } from '../config/connections.js';
import type { Job, Observation } from '../jobs/job.js';
import { DEFAULT_POLL_BOUNDS, nextPollDelay, type PollBounds, type ScheduleDecision } from './schedule.js';

/**
 * The poll bounds for one job: the connection's, narrowed (never widened) by the job's own — the
 * operator protects the vendor.
 *
 * @example pollBoundsFor(connection, job) // { minIntervalSeconds: 5, maxIntervalSeconds: 300 }
 */
export function pollBoundsFor(connection: Connection, job: Job): PollBounds {
  const max = connection.polling?.maxIntervalSeconds ?? DEFAULT_POLL_BOUNDS.maxIntervalSeconds;
  // An operator who only lowered the maximum below the default minimum means "at least this often".
  const min = connection.polling?.minIntervalSeconds ?? Math.min(DEFAULT_POLL_BOUNDS.minIntervalSeconds, max);
  const jobMin = Math.max(min, job.poll?.minIntervalSeconds ?? min);
  const jobMax = Math.min(max, job.poll?.maxIntervalSeconds ?? max);
  return { minIntervalSeconds: jobMin, maxIntervalSeconds: Math.max(jobMin, jobMax) };
}

/**
 * When to poll a stored job next: the schedule fed from the snapshot. The poll function uses it
 * to steer the state machine, the API to answer Retry-After.
 *
 * @example nextPollForJob(job, connection, new Date()).delaySeconds // 30
 */
export function nextPollForJob(
  job: Job,
  connection: Connection,
  now: Date,
  options: { hints?: Observation['hints'] | undefined; random?: (() => number) | undefined } = {},
): ScheduleDecision {
  return nextPollDelay({
    now,
    status: job.status,
    progress: job.progress,
    progressAnchor: job.progressAnchor,
    progressPrevious: job.progressPrevious,
    progressAt: job.observedAt ? new Date(job.observedAt) : undefined,
    lastChangeAt: new Date(job.updatedAt),
    troubleSince: job.watchIssue ? new Date(job.watchIssue.since) : undefined,
    hints: options.hints,
    deadline: job.deadline ? new Date(job.deadline) : undefined,
    bounds: pollBoundsFor(connection, job),
    random: options.random,
  });
}
