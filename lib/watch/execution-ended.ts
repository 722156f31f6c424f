import { z } from 'zod';
import { JobNotFoundError } from '../jobs/errors.js';
import { applyWatchStopped } from '../jobs/transitions.js';
import { cancelWatch } from './cancel-watch.js';
import type { WatchServices } from './ports.js';

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
 * that stopped, with the reason). A job already final is left alone, so this is idempotent.
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
  try {
    if (change.status === 'ABORTED') {
      await cancelWatch(services, jobId, `execution ${change.name} was stopped`);
      return;
    }
    const reason = `Execution ${change.name} ended ${change.status}${change.error ? ` (${change.error})` : ''}`;
    await services.store.update(jobId, (current) => applyWatchStopped(current, reason, services.now()));
  } catch (error) {
    if (error instanceof JobNotFoundError) return;
    throw error;
  }
}

function jobIdOf(change: ExecutionStatusChange): string | undefined {
  try {
    const input = JSON.parse(change.input ?? '{}') as { jobId?: unknown };
    if (typeof input.jobId === 'string') return input.jobId;
  } catch {
    // Fall back to the name: executions are named after their job (continuations add -c<n>).
  }
  return /^(jw-[0-9a-f]+)/.exec(change.name)?.[1];
}
