import { ConfigurationError, JobNotFoundError, JobwatchError } from '../jobs/errors.js';
import { type Job, WAITING_FOR_FIRST_POLL } from '../jobs/job.js';
import { isFinal } from '../jobs/job-status.js';
import type { TransitionResult } from '../jobs/transitions.js';
import { ExecutionAlreadyExistsError } from '../workflow/workflow-errors.js';
import { attemptOf, rootExecutionName } from './execution-names.js';
import type { WatchServices } from './watch-services.js';

/** A rewatch of a job that ended: final states are sticky, so there is nothing to watch. */
export class JobAlreadyFinalError extends JobwatchError {
  override readonly name = 'JobAlreadyFinalError';
  constructor(readonly job: Job) {
    super(`Job ${job.jobId} already ended ${job.status}; a final job is not watched again`);
  }
}

export interface RewatchResult {
  job: Job;
  /** False when the job's execution was live already (nothing started). */
  restarted: boolean;
  /** The execution now watching the job. */
  executionName: string;
}

export interface RewatchOptions {
  /** Why, kept on the job as `watch.lastStop.reason` when it said WATCHING. */
  reason?: string;
  /**
   * An execution the caller knows has closed (its start was refused as a name already used), for
   * a port that cannot describe executions. Believed only while it is still the job's current
   * attempt: a racing rewatch may have moved on.
   */
  closedExecution?: string;
}

/** The message of a job nobody polled yet (see registerWatch). */

/**
 * Watches a job again whose watch is over although the job is not final: its watch STOPPED
 * (broke down, or its execution was stopped), or it says WATCHING but no execution of its
 * attempt is running. The job gets the next attempt (a new execution name, since Step Functions
 * never reuses one) and the stopped attempt's reason as `watch.lastStop`; its history keeps the
 * STOPPED snapshot. An attempt whose execution never started is started under its own name.
 * Idempotent under races: two rewatchers of one attempt make one new attempt and one execution.
 *
 * @throws JobNotFoundError for an unknown job.
 * @throws JobAlreadyFinalError for a final job (HTTP 409).
 * @example const { restarted, executionName } = await rewatch(services, 'jw-1f');
 */
export async function rewatch(
  services: WatchServices,
  jobId: string,
  options: RewatchOptions = {},
): Promise<RewatchResult> {
  const job = await services.store.getJob(jobId);
  if (!job) throw new JobNotFoundError(jobId);
  if (isFinal(job.status)) throw new JobAlreadyFinalError(job);

  let reason = options.reason;
  if (job.watch?.state !== 'STOPPED') {
    const execution = await checkExecution(services, job, options);
    if ('result' in execution) return execution.result;
    reason ??= execution.reason;
  }

  const attempt = attemptOf(job);
  const now = services.now();
  const { job: current } = await services.store.update(jobId, (latest) =>
    applyRewatch(latest, attempt, reason, now),
  );
  if (isFinal(current.status)) throw new JobAlreadyFinalError(current);
  // Another rewatcher may have moved it on already: start whichever attempt the job is on now.
  const executionName = rootExecutionName(current);
  const { started } = await services.workflows.start({
    name: executionName,
    input: { jobId, continuation: 0 },
  });
  services.logger.info('Watch restarted', {
    jobId,
    attempt: attemptOf(current),
    executionName,
    started,
  });
  return { job: current, restarted: true, executionName };
}

/**
 * For a job that says WATCHING: its execution's state. Either the answer already (still running;
 * or never started, and started now under its own name), or why the attempt is over.
 */
async function checkExecution(
  services: WatchServices,
  job: Job,
  options: RewatchOptions,
): Promise<{ result: RewatchResult } | { reason: string }> {
  const name = rootExecutionName(job);
  const { workflows } = services;
  if (!workflows.describe) {
    if (options.closedExecution === name)
      return { reason: `Execution ${name} closed while the job was not final` };
    throw new ConfigurationError('This workflow port cannot describe executions; cannot rewatch');
  }
  // Asked even when the caller saw the name refused: a running execution started with other
  // input (one from before waiters lived on the job carried a callback) refuses it too.
  const status = await workflows.describe(name);
  if (status === 'RUNNING') return { result: { job, restarted: false, executionName: name } };
  if (status === undefined) {
    // Never started (a crash between storing the job and starting it): start it now.
    const started = await startLate(services, job.jobId, name);
    if (started !== undefined) return { result: { job, restarted: started, executionName: name } };
  }
  return { reason: `Execution ${name} ${status ? `ended ${status}` : 'closed'} while the job was not final` };
}

/**
 * Starts the attempt's own execution; undefined when it exists after all (started meanwhile, or
 * closed between describe and start), so the caller moves on to the next attempt.
 */
async function startLate(services: WatchServices, jobId: string, name: string): Promise<boolean | undefined> {
  try {
    const { started } = await services.workflows.start({ name, input: { jobId, continuation: 0 } });
    services.logger.info('Watch execution started late', { jobId, executionName: name });
    return started;
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExistsError)) throw error;
    return undefined;
  }
}

/**
 * The next attempt of a watch, from attempt `from`; unchanged when the job is final or already
 * past that attempt (a racing rewatch won).
 */
export function applyRewatch(job: Job, from: number, reason: string | undefined, at: Date): TransitionResult {
  if (isFinal(job.status) || attemptOf(job) !== from) return { job, changed: false };
  const stopped = job.watch?.state === 'STOPPED';
  const lastStop = {
    reason: (stopped ? job.watch?.reason : undefined) ?? reason ?? 'The watch ended',
    at: stopped ? job.updatedAt : at.toISOString(),
  };
  const neverPolled = job.observedAt === undefined && job.status === 'UNKNOWN' && !job.rawStatus;
  const { watchIssue, ...rest } = job;
  const next: Job = {
    ...rest,
    // The breakdown's own issue goes with it; trouble reading the vendor stays until a read succeeds.
    ...(watchIssue && watchIssue.kind !== 'internal' ? { watchIssue } : {}),
    ...(neverPolled ? { message: WAITING_FOR_FIRST_POLL } : {}),
    watch: { state: 'WATCHING', attempt: from + 1, lastStop },
    version: job.version + 1,
    updatedAt: at.toISOString(),
  };
  return { job: next, changed: true };
}
