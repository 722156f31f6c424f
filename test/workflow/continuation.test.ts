import { afterEach, describe, expect, it } from 'vitest';
import type { PublicJob } from '../../lib/jobs/job.js';
import { runToSuccess } from '../../local/simulators/avid-ctms/index.js';
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
  async function longWatch(injectFault?: (state: string, execution: LocalExecution) => Error | undefined) {
    env = await startAvidStack({
      functions: 'bundled',
      keepEventLogs: true,
      ...(injectFault ? { injectFault } : {}),
    });
    const reference = env.simulator.createCommand({ steps: runToSuccess(900) });
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

  it('follows a continuation whose name is already taken to its end, instead of dying', async () => {
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
    expect(parent && statesEntered(parent)).toContain('DescribeContinuation');
    const history = await env.history(jobId);
    expect(history.map((snapshot) => snapshot.version)).toEqual(history.map((_, index) => index + 1));
  }, 60_000);

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
