import { JobNotFoundError } from '../jobs/errors.js';
import { applyWatchStopped } from '../jobs/transitions.js';
import type { WatchFailureEvent } from '../workflow/poll-contract.js';
import type { WatchServices } from './ports.js';

/**
 * Records on the job that its watch broke down (the poll task kept failing for reasons that are
 * not the vendor's), so the API shows why the job stopped moving. The job's status is left as
 * the vendor last reported it: a broken watch is not a failed job.
 */
export async function recordWatchFailure(services: WatchServices, event: WatchFailureEvent): Promise<void> {
  const jobId = event.input.jobId;
  const cause = readLambdaCause(event.failure.Cause);
  const message = `Watch stopped: ${event.failure.Error}${cause ? `: ${cause.slice(0, 500)}` : ''}`;
  services.logger.error('Watch failed', { jobId, error: event.failure.Error });
  if (!jobId) return;
  try {
    await services.store.update(jobId, (current) => applyWatchStopped(current, message, services.now()));
  } catch (error) {
    if (error instanceof JobNotFoundError) return;
    throw error;
  }
}

/** A Lambda error's cause is `{"errorMessage", "errorType", ...}` as JSON; other causes are text. */
function readLambdaCause(cause: string | null | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: a plain cause.
  }
  return cause;
}
