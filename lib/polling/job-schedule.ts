import type { Connection } from '../config/connections.js';
import type { Job, Observation } from '../jobs/job.js';
import { type DurationSketch, nextLearnedDelay } from './duration-model.js';
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
  options: {
    hints?: Observation['hints'] | undefined;
    random?: (() => number) | undefined;
    /** What the connection learned of its jobs' durations (undefined: nothing, or opted out). */
    durations?: DurationSketch | undefined;
  } = {},
): ScheduleDecision {
  const bounds = pollBoundsFor(connection, job);
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
    bounds,
    learnedDelaySeconds: learnedDelayFor(job, connection, now, bounds, options.durations),
    random: options.random,
  });
}

/**
 * The delay bound learned durations aim at: a job that reports progress must be seen within the
 * classic poller's 30 s (the model only guides its polls before a rate is known), one that does
 * not within 90 s — three classic intervals, the most it can save at the same p95.
 */
export const LEARNED_DELAY_BOUNDS = { progress: 30, noProgress: 90 } as const;

function learnedDelayFor(
  job: Job,
  connection: Connection,
  now: Date,
  bounds: PollBounds,
  sketch: DurationSketch | undefined,
): number | undefined {
  if (!sketch || connection.polling?.learnDurations === false) return undefined;
  const ageSeconds = (now.getTime() - Date.parse(job.createdAt)) / 1000;
  return nextLearnedDelay(sketch, ageSeconds, {
    // A queued job may yet report progress once it runs, and a job that did has a tighter bound:
    // the model only guides its polls until its rate is known (a flat start, a stall).
    boundSeconds:
      job.status === 'RUNNING' && job.progress === undefined
        ? LEARNED_DELAY_BOUNDS.noProgress
        : LEARNED_DELAY_BOUNDS.progress,
    minSeconds: bounds.minIntervalSeconds,
    maxSeconds: bounds.maxIntervalSeconds,
  });
}

/**
 * The seconds a job that just ended took, as its connection's model learns them: from the start
 * of its watch to its end as seen. Undefined for a job that did not end at its vendor (jobwatch's
 * own verdicts: timed out, lost) — those say nothing of how long the vendor takes.
 */
export function learnedDurationOf(job: Job): number | undefined {
  if (!job.finishedAt || job.status === 'TIMED_OUT' || job.status === 'LOST') return undefined;
  const seconds = (Date.parse(job.finishedAt) - Date.parse(job.createdAt)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}
