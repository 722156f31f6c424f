import type { JobStatus } from '../jobs/job-status.js';
import { POLL_INTERVAL_TIERS, type PollIntervalTier } from '../workflow/poll-contract.js';

export interface PollBounds {
  minIntervalSeconds: number;
  maxIntervalSeconds: number;
}

/**
 * Without the connection's own bounds: a job that ends is seen at most 15 s late (half the classic
 * poller's 30 s), and a job's first minute does not cost a poll every 5 s. An operator who wants
 * faster detection sets `minIntervalSeconds` down to 5.
 */
export const DEFAULT_POLL_BOUNDS: PollBounds = { minIntervalSeconds: 15, maxIntervalSeconds: 300 };

export interface ScheduleInput {
  now: Date;
  status: JobStatus;
  /** Latest progress 0–100, if the vendor reports it. */
  progress?: number | undefined;
  /** First progress seen while running, and when: the anchor of the rate estimate. */
  progressAnchor?: { at: string; progress: number } | undefined;
  /** The progress point before the latest one, and when the latest was seen. */
  progressPrevious?: { at: string; progress: number } | undefined;
  progressAt?: Date | undefined;
  /** When the snapshot last changed (status, progress, message...). */
  lastChangeAt: Date;
  /** When the current watch trouble (vendor down, auth refused) began, if any. */
  troubleSince?: Date | undefined;
  /** The vendor's or adapter's own hints. */
  hints?: { retryAfterSeconds?: number | undefined; etaSeconds?: number | undefined } | undefined;
  deadline?: Date | undefined;
  /**
   * The delay the connection's learned durations ask for (duration-model.ts), when they know
   * enough: used while the job shows no rate of progress, instead of the blind back-off.
   */
  learnedDelaySeconds?: number | undefined;
  bounds: PollBounds;
  /** 0 ≤ random() < 1; injectable so tests are deterministic. */
  random?: (() => number) | undefined;
}

export interface ScheduleDecision {
  /** The delay the state machine will wait: one of the poll interval tiers. */
  delaySeconds: PollIntervalTier;
  /** The delay wanted before rounding down to a tier. */
  desiredSeconds: number;
  /** Seconds to the predicted end, when there is a prediction. */
  etaSeconds?: number | undefined;
  reason: 'eta' | 'learned' | 'idle-backoff' | 'trouble-backoff' | 'hint' | 'deadline' | 'default';
}

/**
 * Fraction of the predicted remaining time to sleep. Shrinking the gap geometrically reaches the
 * end in O(log) polls; a third rather than a half keeps the last gaps short when progress is
 * uneven (measured with `npm run bench`: bursty jobs' p95 detection delay).
 */
const ETA_FRACTION = 0.35;
/**
 * While the last two stretches of progress ran at about the same rate (within 0.8–1.25×), the
 * ETA is trusted with most of the remaining time: steady jobs need fewer polls for the same
 * detection delay (measured with `npm run bench`).
 */
const STEADY_ETA_FRACTION = 0.6;
const STEADY_RATE_RATIO = 0.8;
/** Queued jobs are polled no more often than every two minimum intervals (30 s by default). */
const QUEUED_FLOOR_INTERVALS = 2;
/** From this progress on, a job that stops moving is polled every 30 s (the classic cadence). */
const NEAR_END_PROGRESS = 75;
const NEAR_END_STUCK_SECONDS = 30;
/** Running jobs without a rate are re-checked after a quarter of the time they have been unchanged. */
const IDLE_FRACTION = 0.25;
/** Jobs not started yet can only start; a late "it started" costs nothing, so back off faster. */
const QUEUED_IDLE_FRACTION = 0.5;
const JITTER = 0.1;

/**
 * Chooses when to poll a job next. Pure: everything it needs comes in.
 *
 * - With a progress rate, it predicts the end (ETA) and sleeps a third of the remaining time (60 %
 *   while the rate holds steady): sparse early, close to the predicted end, then at the minimum
 *   interval until the job ends. A recent burst whose predicted end has passed no longer counts; a job at 75 %
 *   or more that stops moving is polled every 30 s, since its last jump may come at any time.
 * - Without one, it backs off while nothing changes (a quarter of the unchanged time; half, and
 *   at least two minimum intervals, while the job is only queued).
 * - While the vendor cannot be read, it backs off from the start of the trouble.
 * - The vendor's Retry-After is honoured up to the maximum interval (rounded *up* to a tier:
 *   never a poll before it), the deadline is never slept past, bounds always hold, and ±10 %
 *   jitter keeps a fleet of jobs from polling a vendor in lockstep.
 * Otherwise the result is rounded *down* to a tier, so jobwatch is never later than it meant to be.
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

  const eta = input.hints?.etaSeconds ?? estimateEta(input);
  const wanted = wantedDelay(input, eta, min);
  let reason = wanted.reason;
  let desired = clamp(wanted.seconds * (1 + (random() * 2 - 1) * JITTER), min, max);

  // The vendor asked us to stay away this long (Retry-After): no poll before it, up to the
  // connection's maximum interval — the longest an operator lets a job's end go unseen.
  const retryAfter = input.hints?.retryAfterSeconds;
  const notBefore = retryAfter === undefined ? undefined : Math.min(retryAfter, max);
  if (notBefore !== undefined && notBefore > desired) {
    desired = notBefore;
    reason = 'hint';
  }
  const untilDeadline = input.deadline ? secondsBetween(now, input.deadline) : undefined;
  const latest = untilDeadline === undefined ? max : Math.min(max, Math.max(min, untilDeadline));
  if (untilDeadline !== undefined && untilDeadline < desired) {
    desired = Math.max(min, untilDeadline);
    reason = 'deadline';
  }
  return {
    delaySeconds: delayTier(desired, notBefore, latest),
    desiredSeconds: desired,
    etaSeconds: eta,
    reason,
  };
}

/** The delay the job's own state asks for, before jitter, bounds, Retry-After and deadline. */
function wantedDelay(
  input: ScheduleInput,
  eta: number | undefined,
  min: number,
): { seconds: number; reason: ScheduleDecision['reason'] } {
  if (input.troubleSince) {
    const troubled = secondsBetween(input.troubleSince, input.now);
    return { seconds: Math.max(min, troubled * 0.5), reason: 'trouble-backoff' };
  }
  if (eta !== undefined && input.status === 'RUNNING') {
    const seconds = eta * (rateIsSteady(input) ? STEADY_ETA_FRACTION : ETA_FRACTION);
    // Nearly done by its own account but not moving as its rate says: progress comes in jumps,
    // and the last one may come any moment. The ETA cannot tell when, so poll at a steady cadence.
    if (stuckNearTheEnd(input)) {
      return { seconds: Math.min(seconds, Math.max(min, NEAR_END_STUCK_SECONDS)), reason: 'eta' };
    }
    return { seconds, reason: 'eta' };
  }
  // No rate to go by: where the connection's jobs usually end is the next best guide.
  if (input.learnedDelaySeconds !== undefined && input.status !== 'SUSPENDED') {
    return { seconds: input.learnedDelaySeconds, reason: 'learned' };
  }
  const idle = secondsBetween(input.lastChangeAt, input.now);
  const reason = idle > 0 ? 'idle-backoff' : 'default';
  if (input.status !== 'QUEUED') return { seconds: idle * IDLE_FRACTION, reason };
  // A queued job cannot end without starting; at twice the minimum (the classic cadence by
  // default) a short job that starts and ends between two polls is still seen within 30 s.
  return { seconds: Math.max(idle * QUEUED_IDLE_FRACTION, QUEUED_FLOOR_INTERVALS * min), reason };
}

/**
 * The tier to wait. Rounding down is right for our own wishes (never later than meant), wrong for
 * the vendor's: Retry-After 8 must not become a poll after 5 s. Round that up instead, within
 * the latest allowed delay.
 */
function delayTier(desired: number, notBefore: number | undefined, latest: number): PollIntervalTier {
  const down = roundDownToTier(desired);
  if (notBefore === undefined || down >= notBefore) return down;
  const up = roundUpToTier(notBefore);
  return up <= latest ? up : down;
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
  // A recent rate whose predicted end has passed without progress was a burst, not the pace.
  if (recent <= 0) return overall;
  return Math.min(overall, recent);
}

/**
 * Progress at or above 75 % that has not moved for over twice the time one percent took on
 * average: the job moves in jumps (or paused) right before its end.
 */
function stuckNearTheEnd(input: ScheduleInput): boolean {
  return (input.progress ?? 0) >= NEAR_END_PROGRESS && notMovingAsItsRateSays(input);
}

/** No change for over twice the time one percent took on average since the anchor. */
function notMovingAsItsRateSays(input: ScheduleInput): boolean {
  const { progress, progressAnchor, progressAt, now } = input;
  if (progress === undefined || !progressAnchor || !progressAt) return false;
  const perPercent = rate(progressAnchor, progress, progressAt);
  if (perPercent === undefined) return false;
  return secondsBetween(progressAt, now) > 2 / perPercent;
}

/**
 * Whether the last two stretches of progress (anchor → previous, previous → latest) ran at about
 * the same rate: only then is the ETA trusted enough to sleep most of the remaining time.
 */
function rateIsSteady(input: ScheduleInput): boolean {
  const { progress, progressAnchor, progressPrevious, progressAt } = input;
  if (progress === undefined || !progressAnchor || !progressPrevious || !progressAt) return false;
  const earlier = rate(progressAnchor, progressPrevious.progress, new Date(progressPrevious.at));
  const recent = rate(progressPrevious, progress, progressAt);
  if (earlier === undefined || recent === undefined) return false;
  // A rate the job stopped keeping is no rate to trust, however alike its two stretches look.
  if (notMovingAsItsRateSays(input)) return false;
  const ratio = recent / earlier;
  return ratio > STEADY_RATE_RATIO && ratio < 1 / STEADY_RATE_RATIO;
}

function rate(from: { at: string; progress: number }, progress: number, at: Date): number | undefined {
  const seconds = secondsBetween(new Date(from.at), at);
  const gained = progress - from.progress;
  return seconds > 0 && gained > 0 ? gained / seconds : undefined;
}

/** The largest tier not above `seconds` (the smallest tier when below all). */
export function roundDownToTier(seconds: number): PollIntervalTier {
  let chosen: PollIntervalTier = POLL_INTERVAL_TIERS[0];
  for (const tier of POLL_INTERVAL_TIERS) if (tier <= seconds) chosen = tier;
  return chosen;
}

/** The smallest tier not below `seconds` (the largest tier when above all). */
export function roundUpToTier(seconds: number): PollIntervalTier {
  for (const tier of POLL_INTERVAL_TIERS) if (tier >= seconds) return tier;
  return POLL_INTERVAL_TIERS[POLL_INTERVAL_TIERS.length - 1] as PollIntervalTier;
}

function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, (to.getTime() - from.getTime()) / 1000);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
