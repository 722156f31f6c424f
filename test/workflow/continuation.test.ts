import { afterEach, describe, expect, it } from 'vitest';
import type { PublicJob } from '../../lib/jobs/job.js';
import { describeEnding } from '../../lib/watch/poll-job.js';
import { answerFor } from '../../lib/watch/waiters.js';
import { runToError, runToSuccess } from '../../local/simulators/avid-ctms/index.js';
import type { LocalExecution } from '../../local/workflow-runner.js';
import { type AvidStack, startAvidStack } from '../support/avid-stack.js';

const failing = (name: string): Error => Object.assign(new Error(`${name} (injected)`), { name });

function statesEntered(execution: LocalExecution): string[] {
  return execution.events
    .filter((event) => event.type === 'StateEntered')
    .map((event) => (event as { state?: { name?: string } }).state?.name ?? '');
}

/** Continuing as a new execution cannot kill a watch: throttles, a taken name, a start that fails. */
describe('continuing a watch in a new execution', () => {
  let env: AvidStack | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  /** A 15-minute command with a history budget so low that every third poll needs a continuation. */
  async function longWatch(
    injectFault?: (state: string, execution: LocalExecution) => Error | undefined,
    steps = runToSuccess(900),
  ) {
    env = await startAvidStack({
      functions: 'bundled',
      keepEventLogs: true,
      ...(injectFault ? { injectFault } : {}),
    });
    const reference = env.simulator.createCommand({ steps });
    const now = new Date(env.clock.now()).toISOString();
    const jobId = `jw-continuation-${Math.random().toString(16).slice(2, 10)}`;
    await env.stack.services.store.createJob({
      jobId,
      connection: 'avid',
      vendor: 'avid-ctms',
      reference,
      status: 'UNKNOWN',
      watch: { state: 'WATCHING' },
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    return { jobId, input: { jobId, continuation: 0, maxHistoryEvents: 13 } };
  }

  it('retries a throttled start of the continuation and the open-executions quota', async () => {
    let starts = 0;
    const { jobId, input } = await longWatch((state) => {
      if (state !== 'ContinueAsNew') return undefined;
      starts += 1;
      if (starts === 1) return failing('StepFunctions.ThrottlingException');
      if (starts === 2) return failing('StepFunctions.ExecutionLimitExceededException');
      return undefined;
    });
    if (!env) throw new Error('no stack');
    await env.stack.runner.start({ name: jobId, input });

    const outcome = await env.stack.runner.waitFor(jobId);

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { jobId, status: 'SUCCEEDED' } });
    expect(starts).toBeGreaterThan(2);
  }, 60_000);

  it('waits on a continuation whose name is already taken, instead of dying', async () => {
    const { jobId, input } = await longWatch();
    if (!env) throw new Error('no stack');
    // Another execution holds the first continuation's name, with other input (as after a
    // start whose answer was lost and whose retry came with different input).
    await env.stack.runner.start({
      name: `${jobId}-c1`,
      input: { jobId, continuation: 1, isContinuation: true, maxHistoryEvents: 1_000 },
    });
    await env.stack.runner.start({ name: jobId, input });

    const outcome = await env.stack.runner.waitFor(jobId);

    expect(outcome).toMatchObject({
      status: 'SUCCEEDED',
      output: { jobId, status: 'SUCCEEDED', progress: 100 },
    });
    const parent = env.stack.runner.executions.get(jobId);
    expect(parent && statesEntered(parent)).toContain('AwaitWatchResult');
    const history = await env.history(jobId);
    expect(history.map((snapshot) => snapshot.version)).toEqual(history.map((_, index) => index + 1));
  }, 60_000);

  /** The most executions of the watch that were RUNNING at once, sampled while it runs. */
  async function maxOpenWhile(jobId: string, done: Promise<unknown>): Promise<number> {
    let max = 0;
    const sample = setInterval(() => {
      const open = env?.stack.runner.executionsOf(jobId).filter((e) => e.status === 'RUNNING').length ?? 0;
      max = Math.max(max, open);
    }, 2);
    await done;
    clearInterval(sample);
    return max;
  }

  it('keeps at most two executions of a watch open however long its chain, and the root ends with the snapshot', async () => {
    const { jobId, input } = await longWatch();
    if (!env) throw new Error('no stack');
    await env.stack.runner.start({ name: jobId, input });

    const open = await maxOpenWhile(jobId, env.stack.runner.waitFor(jobId));
    const outcome = await env.stack.runner.waitFor(jobId);

    // The last continuation answers the root just before it returns the snapshot itself.
    await env.stack.runner.idle();
    const executions = env.stack.runner.executionsOf(jobId);
    expect(executions.length).toBeGreaterThanOrEqual(3);
    expect(open).toBe(2);
    expect(outcome).toMatchObject({
      status: 'SUCCEEDED',
      output: { jobId, status: 'SUCCEEDED', progress: 100 },
    });
    // Every continuation succeeded: handing over, or (the last) with the final snapshot.
    expect(executions.every((execution) => execution.status === 'SUCCEEDED')).toBe(true);
    const root = env.stack.runner.executions.get(jobId);
    expect(root && statesEntered(root)).toContain('AwaitWatchResult');
    expect(env.stack.runner.executions.get(`${jobId}-c1`)?.input).not.toHaveProperty('resultToken');
  }, 90_000);

  it('fails the root with the error name and cause a direct ending gives when the job fails in a continuation', async () => {
    const { jobId, input } = await longWatch(
      undefined,
      runToError(600, { cause: 'rejected', code: 'CTMS/REJECTED', text: 'Unsupported operation' }),
    );
    if (!env) throw new Error('no stack');
    await env.stack.runner.start({ name: jobId, input });

    const outcome = await env.stack.runner.waitFor(jobId);

    const job = await env.stack.services.store.getJob(jobId);
    expect(env.stack.runner.executionsOf(jobId).length).toBeGreaterThanOrEqual(2);
    expect(job?.status).toBe('FAILED');
    expect(outcome).toMatchObject({
      status: 'FAILED',
      error: 'JobFailed',
      cause: job && describeEnding(job),
    });
  }, 90_000);

  it('answers the root when a continuation fails without answering: the execution-ended reaction does', async () => {
    // The first continuation dies of an error no Retry or Catch handles (as States.Runtime
    // would): no RecordWatchFailure runs, only the execution-ended rule hears of it.
    const { jobId, input } = await longWatch((state, execution) => {
      if (state !== 'Poll' || !execution.name.endsWith('-c1')) return undefined;
      return Object.assign(new Error('injected'), {
        name: 'States.Runtime',
        isRetryable: false,
        isCatchable: false,
      });
    });
    if (!env) throw new Error('no stack');
    await env.stack.runner.start({ name: jobId, input });

    const outcome = await env.stack.runner.waitFor(jobId);

    expect(env.stack.runner.executions.get(`${jobId}-c1`)?.status).toBe('FAILED');
    const job = await env.stack.services.store.getJob(jobId);
    expect(job?.watch?.state).toBe('STOPPED');
    const answer = job && answerFor(job);
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'WatchFailed' });
    expect(answer).toMatchObject({ kind: 'failure', error: 'WatchFailed' });
    expect(outcome.cause).toBe(answer?.kind === 'failure' ? answer.cause : undefined);
  }, 90_000);

  it('takes a retried start whose first try went through as that start (same name, same input)', async () => {
    let starts = 0;
    const { jobId, input } = await longWatch((state) => {
      if (state !== 'ContinueAsNew') return undefined;
      starts += 1;
      if (starts !== 1 || !env) return undefined;
      // The first try started the continuation, but its answer was lost.
      const machine = env.stack.bundled?.stateMachineName ?? 'jobwatch-watch';
      void env.stack.runner.start({
        name: `${jobId}-c1`,
        input: {
          jobId,
          continuation: 1,
          isContinuation: true,
          callback: null,
          maxHistoryEvents: 13,
          AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: `arn:aws:states:local:000000000000:execution:${machine}:${jobId}`,
        } as never,
      });
      return failing('StepFunctions.ThrottlingException');
    });
    if (!env) throw new Error('no stack');
    await env.stack.runner.start({ name: jobId, input });

    const outcome = await env.stack.runner.waitFor(jobId);

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { jobId, status: 'SUCCEEDED' } });
    const root = env.stack.runner.executions.get(jobId);
    expect(starts).toBeGreaterThanOrEqual(2);
    // The retry was answered as the same start: no taken-name path, one -c1.
    expect(JSON.stringify(root?.events)).not.toContain('ExecutionAlreadyExists');
  }, 90_000);

  it('records on the job a continuation that cannot start, and ends WatchFailed with that cause', async () => {
    const { jobId, input } = await longWatch((state) =>
      state === 'ContinueAsNew' ? failing('StepFunctions.InvalidExecutionInputException') : undefined,
    );
    if (!env) throw new Error('no stack');
    await env.stack.runner.start({ name: jobId, input });

    const outcome = await env.stack.runner.waitFor(jobId);

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'WatchFailed' });
    const { body: job } = await env.api<PublicJob>(`/jobs/${jobId}`);
    expect(job.watch?.state).toBe('STOPPED');
    expect(job.watch?.reason).toContain('StepFunctions.InvalidExecutionInputException');
  }, 60_000);
});
