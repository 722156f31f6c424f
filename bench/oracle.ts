/**
 * The physical limit of polling one job: the fewest polls that would have seen its end within the
 * delay bound, given what its vendor showed. The benchmark prints every design's polls over this,
 * so the gap left is measured in the same run as the designs.
 *
 * The oracle knows the job's true timeline but may only use what the vendor showed:
 * - It polls once when the watch starts, as every design must (that is how a watch learns the job).
 * - While the vendor shows nothing that tells when the end comes — the job is queued, or it reports
 *   no progress — the end can come at any moment, so it polls every `bound` seconds: the last poll
 *   before the end is at most `bound` early, and the next sees the end at most `bound` late.
 * - Once the job shows progress, it halves the true remaining time with each poll until that is
 *   within the bound, then polls once at the end. Halving is the best geometric approach for an
 *   estimate that may be off by up to a factor two (a bursty or stalling job); sleeping more of the
 *   remaining time bets that the estimate is better than that. So with progress the polls grow with
 *   the log of the job's length, without it with its length over the bound.
 *
 * Pure: no clock, no stack.
 *
 * @example oraclePolls({ queueSeconds: 0, runSeconds: 3600, progress: true, boundSeconds: 30 }) // 9
 */
export function oraclePolls(job: OracleJob): number {
  const { queueSeconds, runSeconds, progress, boundSeconds: bound } = job;
  if (!(bound > 0)) throw new RangeError(`The delay bound must be positive, not ${bound}`);
  const start = Math.max(0, queueSeconds);
  const end = start + Math.max(0, runSeconds);
  let at = 0;
  let polls = 1;
  while (at < end) {
    const remaining = end - at;
    if (!progress || at < start || remaining <= bound) at += Math.min(bound, remaining);
    else at += remaining / 2;
    polls += 1;
  }
  return polls;
}

export interface OracleJob {
  /** Seconds from the watch's start until the vendor starts the job (its queue). */
  queueSeconds: number;
  /** Seconds the job runs at the vendor. */
  runSeconds: number;
  /** Whether the vendor reports progress while the job runs. */
  progress: boolean;
  /** The latest the end may be seen after it happens. */
  boundSeconds: number;
}

/**
 * The delay bounds the benchmark's targets use: 30 s for jobs that report progress (the classic
 * poller's interval — jobwatch must be no later than it), 90 s for jobs that do not (three classic
 * intervals: without a signal the polls are the length over the bound, so a third of the classic
 * poller's polls is the most such a job can save at that bound).
 */
export const DELAY_BOUND_SECONDS = { progress: 30, noProgress: 90 } as const;

export function delayBoundFor(progress: boolean): number {
  return progress ? DELAY_BOUND_SECONDS.progress : DELAY_BOUND_SECONDS.noProgress;
}
