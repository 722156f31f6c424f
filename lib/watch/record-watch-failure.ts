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
  const message = `Watch stopped: ${event.failure.Error}${event.failure.Cause ? `: ${event.failure.Cause.slice(0, 500)}` : ''}`;
  services.logger.error('Watch failed', { jobId, error: event.failure.Error });
  if (!jobId) return;
  try {
    await services.store.update(jobId, (current) => applyWatchStopped(current, message, services.now()));
  } catch (error) {
    if (error instanceof JobNotFoundError) return;
    throw error;
  }
}
