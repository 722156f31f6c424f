import { forEachLimited } from '../async/for-each-limited.js';
import { describeError, InvalidInputError, JobNotFoundError, JobwatchError } from '../jobs/errors.js';
import { type Job, toPublicJob } from '../jobs/job.js';
import { isFinal } from '../jobs/job-status.js';
import { JOB_ERROR_NAMES, WATCH_FAILED_ERROR } from '../workflow/poll-contract.js';
import { describeEnding } from './poll-job.js';
import type { WatchServices } from './watch-services.js';

/** What every waiter of a job hears, once the job ended or its watch broke down. */
export type WaiterAnswer =
  | { kind: 'success'; output: unknown }
  | { kind: 'failure'; error: string; cause: string };

/**
 * Step Functions' answers for a token that can never be answered: its task timed out, its
 * execution closed, it was answered already (TaskTimedOut), or it is not a token (InvalidToken).
 */
const TOKEN_GONE_ERRORS: ReadonlySet<string> = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);
/** SendTaskSuccess refused the output (over 256 KiB): the caller is failed instead, with why. */
const OUTPUT_REFUSED_ERROR = 'InvalidOutput';
const SEND_CONCURRENCY = 10;

/** Some waiters could not be answered for now (throttled, Step Functions unreachable); retry. */
export class WaitersNotAnsweredError extends JobwatchError {
  override readonly name = 'WaitersNotAnsweredError';
  override readonly retryable = true;
}

/**
 * The answer a job's waiters get now, or undefined while it is still watched: the public job
 * when it SUCCEEDED; its ending's error name and cause when it ended otherwise; `WatchFailed`
 * with the breakdown when the watch stopped although the job is not final.
 */
export function answerFor(job: Job): WaiterAnswer | undefined {
  if (job.status === 'SUCCEEDED') return { kind: 'success', output: toPublicJob(job) };
  if (isFinal(job.status)) {
    const error = JOB_ERROR_NAMES[job.status as keyof typeof JOB_ERROR_NAMES] ?? JOB_ERROR_NAMES.FAILED;
    return { kind: 'failure', error, cause: describeEnding(job) };
  }
  if (job.watch?.state === 'STOPPED') {
    const reason = job.watch.reason ?? 'the watch stopped';
    return {
      kind: 'failure',
      error: WATCH_FAILED_ERROR,
      cause: `${job.vendor} job ${job.jobId} is no longer watched (status ${job.status}): ${reason}`,
    };
  }
  return undefined;
}

/**
 * Answers every waiter of a job that ended (or whose watch broke down), each exactly once:
 * send, then remove the token. A token Step Functions no longer knows is removed too (its caller
 * gave up, or a racing answer got there first — Step Functions refuses a second completion, so
 * nobody hears twice). A send that failed for now leaves its token and throws
 * {@link WaitersNotAnsweredError} after the others were answered, so a retry finishes the job.
 * Tokens are never logged.
 *
 * @example await answerWaiters(services, finalJob);
 */
export async function answerWaiters(
  services: WatchServices,
  job: Job,
): Promise<{ answered: number; dropped: number }> {
  const answer = answerFor(job);
  if (!answer) return { answered: 0, dropped: 0 };
  const tokens = await services.store.waiters(job.jobId);
  if (tokens.length === 0) return { answered: 0, dropped: 0 };

  const done: string[] = [];
  let answered = 0;
  let dropped = 0;
  const failures: unknown[] = [];
  await forEachLimited(tokens, SEND_CONCURRENCY, async (token) => {
    try {
      await send(services, token, answer);
      answered += 1;
      done.push(token);
    } catch (error) {
      if (error instanceof Error && TOKEN_GONE_ERRORS.has(error.name)) {
        dropped += 1;
        done.push(token);
      } else {
        failures.push(error);
      }
    }
  });
  await services.store.removeWaiters(job.jobId, done);
  services.logger.info('Waiters answered', {
    jobId: job.jobId,
    outcome: answer.kind === 'success' ? 'SUCCEEDED' : answer.error,
    answered,
    dropped,
    pending: failures.length,
  });
  if (failures.length > 0) {
    const first = describeError(failures[0]);
    throw new WaitersNotAnsweredError(
      `${failures.length} of ${tokens.length} waiters of job ${job.jobId} could not be answered yet (${first.name}: ${first.message})`,
    );
  }
  return { answered, dropped };
}

/**
 * Makes a task token a waiter of the job — the root execution of a watch that continued waits
 * so for the chain's result — and answers it at once if the job has ended (or its watch
 * stopped) already. Added before the job is read: an ending stored in between is seen here,
 * and one stored after reads the token among the waiters, so no ending misses it; a token
 * answered by both is refused the second time and dropped.
 *
 * @example await awaitJobResult(services, 'jw-1f', taskToken);
 */
export async function awaitJobResult(
  services: WatchServices,
  jobId: string | undefined,
  taskToken: string,
): Promise<{ waiting: boolean }> {
  if (!jobId) throw new InvalidInputError('A job id is required to wait for a watch', ['jobId']);
  await services.store.addWaiter(jobId, taskToken);
  const job = await services.store.getJob(jobId);
  if (!job) throw new JobNotFoundError(jobId);
  if (!answerFor(job)) return { waiting: true };
  await answerWaiters(services, job);
  return { waiting: false };
}

async function send(services: WatchServices, token: string, answer: WaiterAnswer): Promise<void> {
  if (answer.kind === 'failure') {
    await services.callbacks.fail(token, answer.error, answer.cause);
    return;
  }
  try {
    await services.callbacks.succeed(token, answer.output);
  } catch (error) {
    if (!(error instanceof Error && error.name === OUTPUT_REFUSED_ERROR)) throw error;
    const job = answer.output as { jobId?: string };
    await services.callbacks.fail(
      token,
      WATCH_FAILED_ERROR,
      `Job ${job.jobId ?? ''} SUCCEEDED, but its snapshot is too large for a task output; read it from the API`,
    );
  }
}
