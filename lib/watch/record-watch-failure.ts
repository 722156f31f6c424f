import { JobNotFoundError } from '../jobs/errors.js';
import { applyWatchStopped } from '../jobs/transitions.js';
import type { WatchFailureEvent } from '../workflow/poll-contract.js';
import { answerWaiters } from './waiters.js';
import { metricsOf } from './watch-metrics.js';
import type { WatchServices } from './watch-services.js';

/**
 * Records on the job that its watch broke down (the poll task kept failing for reasons that are
 * not the vendor's), so the API shows why the job stopped moving, and answers its waiters with
 * `WatchFailed` and that cause. The job's status is left as the vendor last reported it: a
 * broken watch is not a failed job, and it can be watched again (rewatch).
 */
export async function recordWatchFailure(services: WatchServices, event: WatchFailureEvent): Promise<void> {
  const jobId = event.input.jobId;
  const cause = readLambdaCause(event.failure.Cause);
  const message = `Watch stopped: ${event.failure.Error}${cause ? `: ${cause.slice(0, 500)}` : ''}`;
  services.logger.error('Watch failed', { jobId, error: event.failure.Error });
  // Counted before anything can fail: a broken watch is what the operator's alarm is about.
  const unknownScope = { vendor: 'unknown', connection: event.input.connection ?? 'unknown' };
  if (!jobId) {
    metricsOf(services).watchFailed(unknownScope);
    return;
  }
  let job: Awaited<ReturnType<typeof services.store.update>>['job'];
  try {
    ({ job } = await services.store.update(jobId, (current) =>
      applyWatchStopped(current, message, services.now()),
    ));
  } catch (error) {
    metricsOf(services).watchFailed(unknownScope);
    if (error instanceof JobNotFoundError) return;
    throw error;
  }
  metricsOf(services).watchFailed({ vendor: job.vendor, connection: job.connection });
  await answerWaiters(services, job);
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
