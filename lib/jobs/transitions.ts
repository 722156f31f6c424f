import { isDeepStrictEqual } from 'node:util';
import type { Job, Observation, WatchIssue } from './job.js';
import { isFinal } from './job-status.js';

export interface TransitionResult {
  job: Job;
  /** A material change: a new version (and history entry), `updatedAt` moves. */
  changed: boolean;
  /**
   * Not material, but `job` differs from the stored one (the latest text of the same watch
   * issue, its count, when it was last seen): the store keeps it in place, at the same version.
   */
  refresh?: boolean;
}

/**
 * The fields whose change makes a new snapshot. `details` alone does not (bandwidth jitters), nor
 * does a watch issue's text: only its coming, its going and its kind ({@link watchIssueKind}).
 */
const MATERIAL_FIELDS = [
  'status',
  'rawStatus',
  'progress',
  'partial',
  'message',
  'error',
  'stalled',
  'watch',
  'adapterState',
] as const satisfies readonly (keyof Job)[];

/** What of a watch issue is news: whether there is one, and of which kind. */
function watchIssueKind(job: Job): string | undefined {
  return job.watchIssue?.kind;
}

/** Whole percent, never rounded up to 100 while the vendor still works. */
export function normalizeProgress(progress: number | undefined): number | undefined {
  if (progress === undefined || !Number.isFinite(progress)) return undefined;
  return Math.min(100, Math.max(0, Math.floor(progress)));
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/**
 * Decides the next snapshot from a new observation. Pure: the store applies the result.
 *
 * Rules: a final job never changes again; an observation older than the last applied one is
 * ignored (a slow poll must not undo a newer one); success means 100%; a successful read clears
 * any watch issue. `changed` is false when nothing material differs, so nothing is written.
 *
 * @example
 * const { job: next, changed } = applyObservation(job, { status: 'RUNNING', rawStatus: 'running', progress: 40 }, now);
 */
export function applyObservation(job: Job, observation: Observation, observedAt: Date): TransitionResult {
  if (isFinal(job.status)) return { job, changed: false };
  if (job.observedAt && observedAt.getTime() < Date.parse(job.observedAt)) return { job, changed: false };

  const progress =
    observation.status === 'SUCCEEDED' ? 100 : (normalizeProgress(observation.progress) ?? job.progress);
  const candidate: Job = withoutUndefined({
    ...job,
    progressAnchor: nextProgressAnchor(job, observation.status, progress, observedAt),
    // Moves only when progress moves, so it never causes a write of its own.
    progressPrevious:
      progress !== job.progress && job.progress !== undefined && job.status === 'RUNNING'
        ? { at: job.observedAt ?? job.updatedAt, progress: job.progress }
        : job.progressPrevious,
    status: observation.status,
    rawStatus: observation.rawStatus,
    progress,
    partial: observation.partial,
    message: observation.message,
    error: observation.error,
    details: observation.details ?? job.details,
    vendorUpdatedAt: observation.vendorUpdatedAt ?? job.vendorUpdatedAt,
    adapterState: observation.adapterState ?? job.adapterState,
    watchIssue: undefined,
    stalled: undefined,
  });
  return finishTransition(job, candidate, observedAt, true);
}

/** The ETA anchor: set at the first running progress, reset when a suspended job resumes. */
function nextProgressAnchor(
  job: Job,
  status: Observation['status'],
  progress: number | undefined,
  observedAt: Date,
): Job['progressAnchor'] {
  if (status !== 'RUNNING' || progress === undefined) return job.progressAnchor;
  if (job.progressAnchor && job.status !== 'SUSPENDED') return job.progressAnchor;
  return { at: observedAt.toISOString(), progress };
}

/**
 * Records trouble watching the job. A new kind of trouble is a change (a new version); the same
 * kind again only refreshes the issue in place: its latest text, when the vendor asked to be
 * called again, how often and until when it was seen — so 500 → 502 → ECONNRESET is one version,
 * and the back-off keeps counting from the first.
 *
 * @example applyWatchIssue(job, { kind: 'transport', message: 'GET … answered 503' }, now)
 */
export function applyWatchIssue(
  job: Job,
  issue: Pick<WatchIssue, 'kind' | 'message' | 'retryAt'>,
  at: Date,
): TransitionResult {
  if (isFinal(job.status)) return { job, changed: false };
  const seen = at.toISOString();
  const previous = job.watchIssue?.kind === issue.kind ? job.watchIssue : undefined;
  const watchIssue: WatchIssue = withoutUndefined({
    kind: issue.kind,
    message: issue.message,
    since: previous?.since ?? seen,
    lastSeenAt: seen,
    count: (previous?.count ?? (previous ? 1 : 0)) + 1,
    retryAt: issue.retryAt,
  });
  return finishTransition(job, { ...job, watchIssue }, at, false);
}

/** Ends a job on our side: our deadline passed, or the caller cancelled it. */
export function applyOwnVerdict(
  job: Job,
  verdict: { status: 'TIMED_OUT' | 'CANCELLED'; message: string; watchReason?: string | undefined },
  at: Date,
): TransitionResult {
  if (isFinal(job.status)) return { job, changed: false };
  const candidate: Job = withoutUndefined({
    ...job,
    status: verdict.status,
    message: verdict.message,
    watch: verdict.watchReason
      ? { ...job.watch, state: 'STOPPED' as const, reason: verdict.watchReason }
      : job.watch,
  });
  return finishTransition(job, candidate, at, false);
}

/**
 * Records that jobwatch stopped watching a job that is not final (the watch broke down, or its
 * execution was stopped). The status stays as the vendor last reported it; the watch keeps its
 * attempt, and a job never polled says why it will not be rather than "waiting".
 */
export function applyWatchStopped(job: Job, reason: string, at: Date): TransitionResult {
  if (isFinal(job.status)) return { job, changed: false };
  const neverPolled = job.observedAt === undefined && job.status === 'UNKNOWN' && !job.rawStatus;
  const candidate: Job = {
    ...job,
    ...(neverPolled ? { message: `Not polled: ${reason}` } : {}),
    watch: { ...job.watch, state: 'STOPPED', reason },
    watchIssue: { kind: 'internal', message: reason, since: job.watchIssue?.since ?? at.toISOString() },
  };
  return finishTransition(job, candidate, at, false);
}

/** Marks a job stalled (or not); a flag change is a change. */
export function applyStalled(job: Job, stalled: boolean, at: Date): TransitionResult {
  if (isFinal(job.status) || Boolean(job.stalled) === stalled) return { job, changed: false };
  return finishTransition(job, withoutUndefined({ ...job, stalled: stalled || undefined }), at, false);
}

function finishTransition(previous: Job, candidate: Job, at: Date, observed: boolean): TransitionResult {
  const changed =
    MATERIAL_FIELDS.some((field) => !isDeepStrictEqual(previous[field], candidate[field])) ||
    watchIssueKind(previous) !== watchIssueKind(candidate);
  if (!changed) {
    if (isDeepStrictEqual(previous.watchIssue, candidate.watchIssue))
      return { job: previous, changed: false };
    // Same version, same updatedAt: only the issue's latest text and counters move.
    return {
      job: withoutUndefined({ ...previous, watchIssue: candidate.watchIssue }),
      changed: false,
      refresh: true,
    };
  }
  const next: Job = {
    ...candidate,
    version: previous.version + 1,
    updatedAt: at.toISOString(),
    observedAt: observed ? at.toISOString() : previous.observedAt,
  };
  if (isFinal(next.status)) {
    next.finishedAt = at.toISOString();
    // A final job is no longer watched; say so rather than leave a stale WATCHING behind.
    if (next.watch?.state === 'WATCHING') next.watch = { ...next.watch, state: 'ENDED' };
  }
  return { job: withoutUndefined(next), changed: true };
}
