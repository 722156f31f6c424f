import { formatIssues } from '../config/connection-registry.js';
import { IdempotencyConflictError, InvalidInputError } from '../jobs/errors.js';
import type { Job } from '../jobs/job.js';
import { isFinal } from '../jobs/job-status.js';
import { parseReference } from './adapter-context.js';
import { resolveDeadline } from './duration.js';
import { canonicalJson, deriveJobId, sha256 } from './job-identity.js';
import type { WatchServices } from './ports.js';
import { type WatchRequest, WatchRequestSchema } from './watch-request.js';

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
 * execution is named after the job, so a repeated or concurrent start yields one job and one
 * execution. A key reused for a different request is refused.
 *
 * @example
 * const { job, created } = await startWatch(services, { connection: 'avid', job: { commandId: 'c1' } });
 */
export async function startWatch(services: WatchServices, request: unknown): Promise<StartWatchResult> {
  const { job, created, callback } = await registerWatch(services, request);
  // Start even when the job existed: a crash between createJob and start would otherwise leave
  // a job nobody watches. The execution name makes this a no-op when it is already running.
  if (!isFinal(job.status)) {
    await services.workflows.start({
      name: job.jobId,
      input: { jobId: job.jobId, continuation: 0, callback: callback ?? null },
    });
  }
  services.logger.info('Watch started', { jobId: job.jobId, connection: job.connection, created });
  return { job, created };
}

/**
 * Validates a watch request and stores its job if it does not exist yet; starts nothing. The
 * state machine calls this itself when a parent execution starts it with a reference directly.
 */
export async function registerWatch(
  services: WatchServices,
  request: unknown,
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
    jobId,
    connection: connection.name,
    vendor: connection.vendor,
    reference,
    status: 'UNKNOWN',
    message: 'Waiting for the first poll',
    watch: { state: 'WATCHING' },
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
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
  return { job, created, callback: watch.callback };
}

function deadlineFor(watch: WatchRequest, connectionDefault: number | undefined, now: Date): string {
  if (watch.deadline) return resolveDeadline(watch.deadline, now);
  return new Date(now.getTime() + (connectionDefault ?? DEFAULT_DEADLINE_SECONDS) * 1000).toISOString();
}
