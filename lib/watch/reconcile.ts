import { describeError } from '../jobs/errors.js';
import type { Job } from '../jobs/job.js';
import { isFinal, JOB_STATUSES, type JobStatus } from '../jobs/job-status.js';
import { rootExecutionName } from './execution-names.js';
import { JobAlreadyFinalError, rewatch } from './rewatch.js';
import type { WatchServices } from './watch-services.js';

/** The statuses a watched job can be in; the reconciler reads each through the by-status index. */
export const WATCHABLE_STATUSES: readonly JobStatus[] = JOB_STATUSES.filter((status) => !isFinal(status));

export interface ReconcileOptions {
  /** Jobs changed more recently than this are left alone: their start may still be in flight. Default 120. */
  minAgeSeconds?: number;
  /** Jobs per listing page (1–100). Default 50. */
  pageSize?: number;
  /** Jobs one run examines at most (shared out per status); the rest wait for the next run. Default 500. */
  maxJobs?: number;
  /**
   * Where the previous run stopped, per status (an `updatedAt` bound): listings are newest first,
   * and orphans change no more, so a capped run must go on from there rather than start over.
   */
  resumeBefore?: Partial<Record<JobStatus, string>>;
}

export interface ReconcileResult {
  checked: number;
  /** Job ids whose watch was restarted (or whose never-started execution was started). */
  restarted: string[];
  /** Job ids that could not be reconciled this time (logged; the next run tries again). */
  failed: string[];
  /** Pass back as `resumeBefore` to the next run: where this one stopped, per status. */
  resumeBefore: Partial<Record<JobStatus, string>>;
}

/**
 * Finds jobs that say WATCHING without a live execution (the start crashed, the execution was
 * lost, the ending was never recorded) and watches them again, so no job is orphaned. Bounded:
 * pages through the by-status index (never a scan), examines at most `maxJobs`, skips jobs changed
 * in the last `minAgeSeconds`. Jobs whose watch STOPPED for a reason are left to an operator's
 * rewatch: restarting a broken configuration every few minutes would only repeat the failure.
 *
 * @example const { restarted } = await reconcile(services, { minAgeSeconds: 120 });
 */
export async function reconcile(
  services: WatchServices,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const describe = services.workflows.describe?.bind(services.workflows);
  if (!describe) throw new Error('The workflow port cannot describe executions: nothing to reconcile with');
  const now = services.now().getTime();
  const horizon = new Date(now - (options.minAgeSeconds ?? 120) * 1000).toISOString();
  const pageSize = options.pageSize ?? 50;
  // Shared out per status, so a crowded status cannot starve the others run after run.
  const perStatus = Math.max(1, Math.ceil((options.maxJobs ?? 500) / WATCHABLE_STATUSES.length));
  const result: ReconcileResult = { checked: 0, restarted: [], failed: [], resumeBefore: {} };

  for (const status of WATCHABLE_STATUSES) {
    const resume = options.resumeBefore?.[status];
    const until = resume && resume < horizon ? resume : horizon;
    const stoppedAt = await reconcileStatus(
      services,
      describe,
      { status, until, pageSize, budget: perStatus },
      result,
    );
    // Capped in the middle of this status: the next run starts where this one stopped.
    if (stoppedAt) result.resumeBefore[status] = stoppedAt;
  }
  services.logger.info('Reconciled watches', {
    checked: result.checked,
    restarted: result.restarted.length,
    failed: result.failed.length,
  });
  return result;
}

type DescribeExecution = NonNullable<WatchServices['workflows']['describe']>;

/**
 * Pages through one status's jobs changed before `until`, newest first, reconciling each, until
 * the listing ends or `budget` jobs were examined. Returns the `updatedAt` to resume before when
 * the budget ran out with jobs left; undefined when the status was seen to the end.
 */
async function reconcileStatus(
  services: WatchServices,
  describe: DescribeExecution,
  range: { status: JobStatus; until: string; pageSize: number; budget: number },
  result: ReconcileResult,
): Promise<string | undefined> {
  let cursor: string | undefined;
  let last: Job | undefined;
  let budget = range.budget;
  do {
    if (budget <= 0) break;
    const page = await services.store.listJobs({
      statuses: [range.status],
      updatedUntil: range.until,
      limit: Math.min(range.pageSize, budget),
      ...(cursor ? { cursor } : {}),
    });
    for (const job of page.items) {
      budget -= 1;
      result.checked += 1;
      last = job;
      await reconcileJob(services, describe, job, result);
    }
    cursor = page.next;
  } while (cursor);
  return cursor && last ? last.updatedAt : undefined;
}

/** Rewatches one job whose execution is not running; a failure is logged and counted, not thrown. */
async function reconcileJob(
  services: WatchServices,
  describe: DescribeExecution,
  job: Job,
  result: ReconcileResult,
): Promise<void> {
  if (job.watch?.state !== undefined && job.watch.state !== 'WATCHING') return;
  try {
    const execution = await describe(rootExecutionName(job));
    if (execution === 'RUNNING') return;
    const { restarted } = await rewatch(services, job.jobId, {
      reason: `Reconciler: execution ${rootExecutionName(job)} ${execution ? `ended ${execution}` : 'never started'} while the job said WATCHING`,
    });
    if (restarted) result.restarted.push(job.jobId);
  } catch (error) {
    if (error instanceof JobAlreadyFinalError) return;
    result.failed.push(job.jobId);
    services.logger.error('Could not reconcile a job', {
      jobId: job.jobId,
      error: describeError(error),
    });
  }
}
