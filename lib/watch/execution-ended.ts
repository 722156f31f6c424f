import { z } from 'zod';
import { JobNotFoundError } from '../jobs/errors.js';
import type { Job } from '../jobs/job.js';
import { isFinal } from '../jobs/job-status.js';
import { applyWatchStopped } from '../jobs/transitions.js';
import { cancelWatch } from './cancel-watch.js';
import { attemptOf, attemptOfExecutionName, jobIdOfExecutionName } from './execution-names.js';
import { answerWaiters } from './waiters.js';
import type { WatchServices } from './watch-services.js';

/** The part of Step Functions' "Execution Status Change" event detail jobwatch reads. */
export const ExecutionStatusChangeSchema = z.looseObject({
  name: z.string(),
  status: z.string(),
  input: z.string().nullish(),
  cause: z.string().nullish(),
  error: z.string().nullish(),
});
export type ExecutionStatusChange = z.infer<typeof ExecutionStatusChangeSchema>;

/**
 * Reacts to a watch execution that ended without the job ending: stopped by someone (treated as
 * a cancel: the vendor is asked to cancel where it can), timed out or failed (recorded as a watch
 * that stopped, with the reason — unless the watch already recorded a more specific one). Either
 * way the job's waiters are answered. An execution of an earlier attempt (the job was rewatched
 * since) changes nothing; a job already final only has its waiters answered, so this is idempotent.
 */
export async function onExecutionEnded(
  services: WatchServices,
  change: ExecutionStatusChange,
): Promise<void> {
  const jobId = jobIdOf(change);
  if (!jobId) {
    services.logger.warn('Execution status change without a job id', { name: change.name });
    return;
  }
  const job = await services.store.getJob(jobId);
  if (!job) return;
  if (isFinal(job.status)) {
    await answerWaiters(services, job);
    return;
  }
  if (attemptOfExecutionName(change.name) !== attemptOf(job)) {
    services.logger.info('An execution of an earlier watch attempt ended', {
      jobId,
      name: change.name,
      attempt: attemptOf(job),
    });
    return;
  }
  let latest: Job;
  try {
    if (change.status === 'ABORTED') {
      ({ job: latest } = await cancelWatch(services, jobId, `execution ${change.name} was stopped`));
    } else if (job.watch?.state === 'STOPPED') {
      // The watch said why it broke down (record-watch-failure) before its execution failed:
      // that reason names the cause; "ended FAILED (WatchFailed)" would only hide it.
      latest = job;
    } else {
      const reason = `Execution ${change.name} ended ${change.status}${change.error ? ` (${change.error})` : ''}`;
      ({ job: latest } = await services.store.update(jobId, (current) =>
        applyWatchStopped(current, reason, services.now()),
      ));
    }
  } catch (error) {
    if (error instanceof JobNotFoundError) return;
    throw error;
  }
  await answerWaiters(services, latest);
}

function jobIdOf(change: ExecutionStatusChange): string | undefined {
  try {
    const input = JSON.parse(change.input ?? '{}') as { jobId?: unknown };
    if (typeof input.jobId === 'string') return input.jobId;
  } catch {
    // Fall back to the name: executions are named after their job (see execution-names).
  }
  return jobIdOfExecutionName(change.name);
}
