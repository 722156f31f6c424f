import type { JobStatus } from '../jobs/job-status.js';
import { POLL_INTERVAL_TIERS, type PollIntervalTier } from '../workflow/poll-contract.js';

export interface PollBounds {
  minIntervalSeconds: number;
  maxIntervalSeconds: number;
}

export const DEFAULT_POLL_BOUNDS: PollBounds = { minIntervalSeconds: 5, maxIntervalSeconds: 300 };

export interface ScheduleInput {
  now: Date;
  status: JobStatus;
  /** Latest progress 0–100, if the vendor reports it. */
  progress?: number;
  /** First progress seen while running, and when: the anchor of the rate estimate. */
  progressAnchor?: { at: string; progress: number };
  /** The progress point before the latest one, and when the latest was seen. */
  progressPrevious?: { at: string; progress: number };
  progressAt?: Date;
  /** When the snapshot last changed (status, progress, message...). */
  lastChangeAt: Date;
  /** When the current watch trouble (vendor down, auth refused) began, if any. */
  troubleSince?: Date;
  /** The vendor's or adapter's own hints. */
  hints?: { retryAfterSeconds?: number; etaSeconds?: number };
  deadline?: Date;
  bounds: PollBounds;
  /** 0 ≤ random() < 1; injectable so tests are deterministic. */
  random?: () => number;
}

export interface ScheduleDecision {
  /** The delay the state machine will wait: one of the poll interval tiers. */
  delaySeconds: PollIntervalTier;
  /** The delay wanted before rounding down to a tier. */
  desiredSeconds: number;
  /** Seconds to the predicted end, when there is a prediction. */
  etaSeconds?: number;
  reason: 'eta' | 'idle-backoff' | 'trouble-backoff' | 'hint' | 'deadline' | 'default';
}

/**
 * Fraction of the predicted remaining time to sleep. Shrinking the gap geometrically reaches the
 * end in O(log) polls; a third rather than a half keeps the last gaps short when progress is
 * uneven (measured with `npm run bench`: bursty jobs' p95 detection delay).
 */
const ETA_FRACTION = 0.35;
/** Running jobs without a rate are re-checked after a quarter of the time they have been unchanged. */
const IDLE_FRACTION = 0.25;
/** Jobs not started yet can only start; a late "it started" costs nothing, so back off faster. */
const QUEUED_IDLE_FRACTION = 0.5;
const JITTER = 0.1;

/**
 * Chooses when to poll a job next. Pure: everything it needs comes in.
 *
 * - With a progress rate, it predicts the end (ETA) and sleeps a third of the remaining time: sparse
 *   early, close to the predicted end, then at the minimum interval until the job ends.
 * - Without one, it backs off while nothing changes (a quarter of the unchanged time; half
 *   while the job is only queued).
 * - While the vendor cannot be read, it backs off from the start of the trouble.
 * - The vendor's Retry-After is honoured, the deadline is never slept past, bounds always hold,
 *   and ±10 % jitter keeps a fleet of jobs from polling a vendor in lockstep.
 * The result is rounded *down* to a tier, so jobwatch is never later than it meant to be.
 *
 * @example
 * nextPollDelay({ now, status: 'RUNNING', progress: 50, progressAnchor: { at: tenMinutesAgo, progress: 0 },
 *   lastChangeAt: now, bounds: DEFAULT_POLL_BOUNDS }).delaySeconds // 180: ETA 600 s, a third of it is 210, rounded down to a tier
 */
export function nextPollDelay(input: ScheduleInput): ScheduleDecision {
  const { bounds, now } = input;
  const random = input.random ?? Math.random;
  const min = Math.max(POLL_INTERVAL_TIERS[0], bounds.minIntervalSeconds);
  const max = Math.max(min, bounds.maxIntervalSeconds);

  let desired: number;
  let reason: ScheduleDecision['reason'];
  const eta = input.hints?.etaSeconds ?? estimateEta(input);
  if (input.troubleSince) {
    const troubled = secondsBetween(input.troubleSince, now);
    desired = Math.max(min, troubled * 0.5);
    reason = 'trouble-backoff';
  } else if (eta !== undefined && input.status === 'RUNNING') {
    desired = eta * ETA_FRACTION;
    reason = 'eta';
  } else {
    const idle = secondsBetween(input.lastChangeAt, now);
    desired = idle * (input.status === 'QUEUED' ? QUEUED_IDLE_FRACTION : IDLE_FRACTION);
    reason = idle > 0 ? 'idle-backoff' : 'default';
  }

  desired *= 1 + (random() * 2 - 1) * JITTER;
  desired = clamp(desired, min, max);

  const retryAfter = input.hints?.retryAfterSeconds;
  // The vendor asked us to stay away this long: that beats our own maximum.
  if (retryAfter !== undefined && retryAfter > desired) {
    desired = retryAfter;
    reason = 'hint';
  }
  if (input.deadline) {
    const untilDeadline = secondsBetween(now, input.deadline);
    if (untilDeadline < desired) {
      desired = Math.max(min, untilDeadline);
      reason = 'deadline';
    }
  }
  return { delaySeconds: roundDownToTier(desired), desiredSeconds: desired, etaSeconds: eta, reason };
}

/**
 * Remaining seconds predicted from the progress made since the anchor, or undefined. Where the
 * last two progress points show a faster recent rate (a job that resumed after a stall), the
 * nearer prediction wins: polling early costs a poll, polling late costs detection delay.
 */
export function estimateEta(
  input: Pick<ScheduleInput, 'now' | 'progress' | 'progressAnchor' | 'progressPrevious' | 'progressAt'>,
): number | undefined {
  const { progress, progressAnchor, now } = input;
  if (progress === undefined || !progressAnchor) return undefined;
  const elapsed = secondsBetween(new Date(progressAnchor.at), now);
  const gained = progress - progressAnchor.progress;
  if (elapsed <= 0 || gained <= 0) return undefined;
  const overall = ((100 - progress) * elapsed) / gained;
  const { progressPrevious, progressAt } = input;
  if (!progressPrevious || !progressAt) return overall;
  const recentSeconds = secondsBetween(new Date(progressPrevious.at), progressAt);
  const recentGain = progress - progressPrevious.progress;
  if (recentSeconds <= 0 || recentGain <= 0) return overall;
  const recent = ((100 - progress) * recentSeconds) / recentGain - secondsBetween(progressAt, now);
  return Math.min(overall, Math.max(0, recent));
}

/** The largest tier not above `seconds` (the smallest tier when below all). */
export function roundDownToTier(seconds: number): PollIntervalTier {
  let chosen: PollIntervalTier = POLL_INTERVAL_TIERS[0];
  for (const tier of POLL_INTERVAL_TIERS) if (tier <= seconds) chosen = tier;
  return chosen;
}

function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, (to.getTime() - from.getTime()) / 1000);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
