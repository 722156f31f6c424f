import { API_VENDOR_BUDGET_MS } from '../config/time-budgets.js';
import { DETAIL_TYPES, jobEvent } from '../events/job-events.js';
import { describeError, JobNotFoundError } from '../jobs/errors.js';
import type { Job } from '../jobs/job.js';
import { isFinal } from '../jobs/job-status.js';
import { applyOwnVerdict } from '../jobs/transitions.js';
import { adapterCallFor, secretsOf } from './adapter-context.js';
import { metricsOf, tracerOf } from './watch-metrics.js';
import type { WatchServices } from './watch-services.js';

export interface CancelWatchResult {
  job: Job;
  /** Whether the vendor accepted the cancellation (false: it cannot, or the job had ended). */
  vendorCancelled: boolean;
  message: string;
}

/**
 * Cancels a watched job: asks the vendor to cancel where its API allows it, then records the job
 * CANCELLED. Where the vendor cannot cancel, the job is still recorded CANCELLED on our side with
 * the watch marked STOPPED and the reason, so nobody mistakes it for the vendor's verdict.
 * Idempotent: cancelling a final job changes nothing and says so.
 *
 * @example const { vendorCancelled } = await cancelWatch(services, 'jw-0123', 'operator request');
 */
export async function cancelWatch(
  services: WatchServices,
  jobId: string,
  reason: string,
): Promise<CancelWatchResult> {
  const job = await services.store.getJob(jobId);
  if (!job) throw new JobNotFoundError(jobId);
  if (isFinal(job.status)) {
    return { job, vendorCancelled: false, message: `Job already ended ${job.status}; nothing to cancel` };
  }

  const connection = services.connections.get(job.connection);
  // The API waits on this (and API Gateway gives up at 29 s): the vendor gets the API budget,
  // not a poll's. Past it the vendor "could not be asked" and the job is still recorded below.
  const {
    adapter,
    context,
    job: watched,
  } = await adapterCallFor(services, connection, job, {
    budgetMs: API_VENDOR_BUDGET_MS,
    budgetName: 'cancel',
  });
  let vendorCancelled = false;
  let vendorMessage: string;
  if (!adapter.cancel) {
    vendorMessage = `${connection.vendor} offers no way to cancel a job through its API; jobwatch stopped watching it`;
  } else {
    try {
      const cancel = adapter.cancel.bind(adapter);
      const outcome = await tracerOf(services).vendorCall(
        { vendor: connection.vendor, connection: connection.name, operation: 'cancel' },
        () => cancel(context, watched),
      );
      vendorCancelled = outcome.cancelled;
      vendorMessage = outcome.message;
    } catch (error) {
      // The vendor could not be asked (down, refused): record that instead of pretending.
      vendorMessage = `Asking ${connection.vendor} to cancel failed: ${describeError(error).message}; jobwatch stopped watching it`;
    }
  }
  // What the vendor said goes into the snapshot, the event and the API answer: a vendor may echo
  // the token or key it was sent, in an acceptance as in a refusal.
  vendorMessage = secretsOf(services, connection).redact(vendorMessage);

  const now = services.now();
  const result = await services.store.update(jobId, (current) =>
    applyOwnVerdict(
      current,
      {
        status: 'CANCELLED',
        message: vendorCancelled ? `Cancelled at the vendor: ${vendorMessage}` : vendorMessage,
        watchReason: vendorCancelled
          ? undefined
          : `Cancelled by caller (${reason}); the vendor job may still run`,
      },
      now,
    ),
  );
  if (result.changed) {
    metricsOf(services).jobEnded(
      { vendor: result.job.vendor, connection: result.job.connection },
      'CANCELLED',
    );
    try {
      await services.events.publish([
        jobEvent(DETAIL_TYPES.statusChanged, result.job, result.previous.status),
      ]);
    } catch (error) {
      services.logger.error('Could not publish the cancellation event', {
        jobId,
        error: describeError(error),
      });
    }
  }
  services.logger.info('Watch cancelled', { jobId, vendorCancelled, reason });
  return { job: result.job, vendorCancelled, message: vendorMessage };
}
