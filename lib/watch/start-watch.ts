import { formatIssues } from '../config/connection-registry.js';
import { IdempotencyConflictError, InvalidInputError } from '../jobs/errors.js';
import { initialJob, type Job } from '../jobs/job.js';
import { isFinal } from '../jobs/job-status.js';
import { type WatchRequest, WatchRequestSchema } from '../jobs/watch-request.js';
import { ExecutionAlreadyExistsError } from '../workflow/workflow-errors.js';
import { parseReference } from './adapter-context.js';
import { checkSameDeadline, resolveDeadline } from './duration.js';
import { rootExecutionName } from './execution-names.js';
import { canonicalJson, deriveJobId, sha256 } from './job-identity.js';
import { JobAlreadyFinalError, rewatch } from './rewatch.js';
import { answerFor, answerWaiters } from './waiters.js';
import type { WatchServices } from './watch-services.js';

export interface StartWatchResult {
  job: Job;
  /** False when the same watch already existed (a repeated or concurrent start). */
  created: boolean;
}

/** Deadline for jobs that bring none and whose connection sets none. */
export const DEFAULT_DEADLINE_SECONDS = 7 * 86_400;

/**
 * Starts watching a vendor job, idempotently: the job id is derived from the connection and the
 * reference (or the caller's idempotency key), the job is created only if absent, and the
 * execution is named after the job's attempt, so a repeated or concurrent start yields one job
 * and one execution. A key reused for a different request is refused. A job whose watch stopped
 * (or whose execution closed while it was not final) is watched again as a new attempt.
 *
 * A task token (`callback`) joins the job's waiters, whichever start brings it; a job that has
 * already ended answers it at once.
 *
 * @example
 * const { job, created } = await startWatch(services, { connection: 'avid', job: { commandId: 'c1' } });
 */
export async function startWatch(services: WatchServices, request: unknown): Promise<StartWatchResult> {
  const { job: registered, created, callback } = await registerWatch(services, request);
  const taskToken = callback?.taskToken;
  // The waiter first: an execution that ends at once then finds it.
  if (taskToken) await services.store.addWaiter(registered.jobId, taskToken);
  // Start even when the job existed: a crash between createJob and start would otherwise leave
  // a job nobody watches. The execution name makes this a no-op when it is already running.
  let job = isFinal(registered.status) ? registered : await ensureWatched(services, registered);
  if (taskToken) {
    // Read after adding: if the ending was stored before this read, its writer may have missed
    // the new waiter, so answer here; if after, that writer sees it. A token answered by both is
    // refused the second time by Step Functions, so its caller hears once.
    job = (await services.store.getJob(job.jobId)) ?? job;
    if (answerFor(job)) await answerWaiters(services, job);
  }
  services.logger.info('Watch started', { jobId: job.jobId, connection: job.connection, created });
  return { job, created };
}

/** Makes sure a job that is not final has a live execution: started, or a new attempt. */
async function ensureWatched(services: WatchServices, job: Job): Promise<Job> {
  try {
    if (job.watch?.state === 'STOPPED') return (await rewatch(services, job.jobId)).job;
    const name = rootExecutionName(job);
    try {
      await services.workflows.start({ name, input: { jobId: job.jobId, continuation: 0 } });
      return job;
    } catch (error) {
      // The name is taken by a closed execution: that attempt is over, the job is not.
      if (!(error instanceof ExecutionAlreadyExistsError)) throw error;
      return (await rewatch(services, job.jobId, { closedExecution: name })).job;
    }
  } catch (error) {
    // It ended meanwhile: final states are sticky, and a start of an ended job is no error.
    if (error instanceof JobAlreadyFinalError) return error.job;
    throw error;
  }
}

/**
 * Validates a watch request and stores its job if it does not exist yet; starts nothing. The
 * state machine calls this itself when a parent execution starts it with a reference directly.
 */
export async function registerWatch(
  services: WatchServices,
  request: unknown,
  /** The execution registering it, when not named after the job (a parent state machine's `.sync:2`). */
  options: { executionName?: string } = {},
): Promise<StartWatchResult & { callback?: WatchRequest['callback'] }> {
  const parsed = WatchRequestSchema.safeParse(request);
  if (!parsed.success) {
    throw new InvalidInputError(
      `Invalid watch request: ${formatIssues(parsed.error)}`,
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const watch = parsed.data;
  const connection = services.connections.get(watch.connection);
  const adapter = services.adapters(connection.vendor);
  const reference = parseReference(adapter, watch.job) as Record<string, unknown>;
  adapter.checkReference?.(reference, connection);
  const now = services.now();
  const requestHash = sha256(canonicalJson({ connection: connection.name, reference }));
  const jobId = deriveJobId({ connection: connection.name, reference, idempotencyKey: watch.idempotencyKey });

  const initial: Job = {
    ...initialJob({
      jobId,
      connection: connection.name,
      vendor: connection.vendor,
      reference,
      at: now.toISOString(),
    }),
    watch: {
      state: 'WATCHING',
      ...(options.executionName && options.executionName !== jobId
        ? { execution: options.executionName }
        : {}),
    },
    deadline: deadlineFor(watch, connection.polling?.defaultDeadlineSeconds, now),
    ...(watch.poll ? { poll: watch.poll } : {}),
    ...(watch.idempotencyKey ? { idempotencyKey: watch.idempotencyKey, requestHash } : {}),
  };
  const { job, created } = await services.store.createJob(initial);
  if (!created && watch.idempotencyKey && job.requestHash !== requestHash) {
    throw new IdempotencyConflictError(
      `Idempotency key "${watch.idempotencyKey}" was already used for a different job (${job.jobId})`,
    );
  }
  // Another deadline for a watch that goes on would be silently ignored: refused (409) instead.
  if (!created && watch.deadline && !isFinal(job.status)) checkSameDeadline(watch.deadline, job);
  return { job, created, callback: watch.callback };
}

function deadlineFor(watch: WatchRequest, connectionDefault: number | undefined, now: Date): string {
  if (watch.deadline) return resolveDeadline(watch.deadline, now);
  return new Date(now.getTime() + (connectionDefault ?? DEFAULT_DEADLINE_SECONDS) * 1000).toISOString();
}
