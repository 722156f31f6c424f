import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionRegistry } from '../../lib/config/connection-registry.js';
import { DETAIL_TYPES, REQUEST_EVENT_SOURCE } from '../../lib/events/job-events.js';
import { InvalidInputError } from '../../lib/jobs/errors.js';
import type { Job, PublicJob } from '../../lib/jobs/job.js';
import { onExecutionEnded } from '../../lib/watch/execution-ended.js';
import { reconcile } from '../../lib/watch/reconcile.js';
import type { WatchServices } from '../../lib/watch/watch-services.js';
import { ExecutionAlreadyExistsError } from '../../lib/workflow/workflow-errors.js';
import type { ExecutionStatus, WorkflowStarter } from '../../lib/workflow/workflow-ports.js';
import { runToError, runToSuccess } from '../../local/simulators/avid-ctms/index.js';
import { runCli } from '../cli/run-cli.js';
import { type AvidStack, startAvidStack } from '../support/avid-stack.js';
import { waitUntil } from '../support/wait.js';

/**
 * Every waiter hears exactly once; a watch that broke down keeps its cause and can be watched
 * again; nothing stays WATCHING without an execution. The real local stack, over HTTP.
 */
describe('waiters, rewatch and the reconciler', () => {
  let env: AvidStack;
  beforeEach(async () => {
    env = await startAvidStack();
  });
  afterEach(async () => {
    await env.close();
  });

  const job = async (jobId: string) => (await env.api<PublicJob>(`/jobs/${jobId}`)).body;

  /** Makes every poll of the watch fail as a misconfigured connection would, until `repair()`. */
  function breakConnection(): { repair(): void } {
    const services = env.stack.services;
    const real = services.connections;
    let broken = true;
    const faulty: ConnectionRegistry = Object.create(real);
    faulty.get = (name: string) => {
      if (broken)
        throw new InvalidInputError(`Connection "${name}" has invalid options: baseUrl is not allowed`);
      return real.get(name);
    };
    services.connections = faulty;
    return {
      repair: () => {
        broken = false;
        services.connections = real;
      },
    };
  }

  /** Starts a watch over POST /jobs, then breaks its connection so that its first poll stops it. */
  async function brokenWatch(): Promise<{
    jobId: string;
    reference: Record<string, unknown>;
    repair(): void;
  }> {
    const reference = env.simulator.createCommand({ steps: runToSuccess(60) });
    // Registered with the real registry; polled with the faulty one.
    const { body } = await env.watch(reference);
    const fault = breakConnection();
    await waitUntil(async () => (await job(body.jobId)).watch?.state === 'STOPPED');
    await env.stack.runner.idle();
    return { jobId: body.jobId, reference, repair: fault.repair };
  }

  describe('waiters', () => {
    it('answers every waiter once: the first start’s, a second start’s, and an event’s token', async () => {
      // Prepare
      const reference = env.simulator.createCommand({ steps: runToSuccess(120) });
      const first = env.stack.callbacks.issue();
      const second = env.stack.callbacks.issue();
      const third = env.stack.callbacks.issue();

      // Act
      await env.watch(reference, { callback: { taskToken: first.taskToken } });
      const again = await env.watch(reference, { callback: { taskToken: second.taskToken } });
      await env.stack.bus.put(REQUEST_EVENT_SOURCE, DETAIL_TYPES.watchRequested, {
        connection: 'avid',
        job: reference,
        callback: { taskToken: third.taskToken },
      });
      const outcomes = await Promise.all([first.outcome, second.outcome, third.outcome]);
      await env.stack.runner.idle();

      // Assess
      expect(again.status).toBe(200);
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({
          status: 'SUCCEEDED',
          output: { status: 'SUCCEEDED', progress: 100 },
        });
      }
      for (const { taskToken } of [first, second, third])
        expect(env.stack.callbacks.answers(taskToken)).toBe(1);
      expect(await env.stack.services.store.waiters(again.body.jobId)).toEqual([]);
      const { body: shown } = await env.api<PublicJob>(`/jobs/${again.body.jobId}`);
      expect(JSON.stringify(shown)).not.toContain('local-token-');
      expect(JSON.stringify(await env.history(again.body.jobId))).not.toContain('local-token-');
    });

    it('answers at once a token brought for a job that already ended', async () => {
      // Prepare
      const succeeded = env.simulator.createCommand({ steps: runToSuccess(30) });
      const failed = env.simulator.createCommand({
        steps: runToError(30, { cause: 'rejected', code: 'CTMS/REJECTED', text: 'Unsupported operation' }),
      });
      const { body: a } = await env.watch(succeeded);
      const { body: b } = await env.watch(failed);
      await env.stack.runner.idle();
      const late = env.stack.callbacks.issue();
      const lateFailure = env.stack.callbacks.issue();

      // Act
      const answer = await env.watch(succeeded, { callback: { taskToken: late.taskToken } });
      await env.watch(failed, { callback: { taskToken: lateFailure.taskToken } });

      // Assess
      expect(answer.status).toBe(200);
      expect(await late.outcome).toMatchObject({ status: 'SUCCEEDED', output: { jobId: a.jobId } });
      const failure = await lateFailure.outcome;
      expect(failure).toMatchObject({ status: 'FAILED', error: 'JobFailed' });
      expect(failure.status === 'FAILED' && failure.cause).toContain('Unsupported operation');
      expect(env.stack.runner.executionsOf(a.jobId)).toHaveLength(1);
      expect(env.stack.runner.executionsOf(b.jobId)).toHaveLength(1);
    });

    it('answers the waiters of a watch that broke down with WatchFailed and its cause', async () => {
      // Prepare
      const reference = env.simulator.createCommand({ steps: runToSuccess(60) });
      const waiter = env.stack.callbacks.issue();
      await env.watch(reference, { callback: { taskToken: waiter.taskToken } });

      // Act
      breakConnection();
      const outcome = await waiter.outcome;

      // Assess
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'WatchFailed' });
      expect(outcome.status === 'FAILED' && outcome.cause).toContain('invalid options');
    });

    it('answers waiters when an execution ends without its job (timed out, or stopped)', async () => {
      // Prepare: two jobs said to be watched, each with a waiter
      const store = env.stack.services.store;
      const make = async (jobId: string) => {
        const now = new Date(env.clock.now()).toISOString();
        const reference = env.simulator.createCommand({ steps: runToSuccess(600) });
        await store.createJob(jobOf(jobId, reference, now));
        const waiter = env.stack.callbacks.issue();
        await store.addWaiter(jobId, waiter.taskToken);
        return waiter;
      };
      const timedOut = await make('jw-ended-timed-out');
      const stopped = await make('jw-ended-stopped');

      // Act
      await onExecutionEnded(env.stack.services, { name: 'jw-ended-timed-out', status: 'TIMED_OUT' });
      await onExecutionEnded(env.stack.services, { name: 'jw-ended-stopped', status: 'ABORTED' });

      // Assess
      const first = await timedOut.outcome;
      expect(first).toMatchObject({ status: 'FAILED', error: 'WatchFailed' });
      expect(first.status === 'FAILED' && first.cause).toContain('TIMED_OUT');
      expect(await stopped.outcome).toMatchObject({ status: 'FAILED', error: 'JobCancelled' });
      expect(await store.waiters('jw-ended-timed-out')).toEqual([]);
      expect((await job('jw-ended-timed-out')).message).not.toBe('Waiting for the first poll');
    });
  });

  describe('a watch that broke down', () => {
    it('keeps the watch’s own cause, not the execution’s "ended FAILED"', async () => {
      // Act
      const { jobId } = await brokenWatch();

      // Assess
      const stopped = await job(jobId);
      expect(stopped.watch).toMatchObject({ state: 'STOPPED' });
      expect(stopped.watch?.reason).toContain('invalid options');
      expect(stopped.watch?.reason).not.toContain('ended FAILED');
      expect(stopped.message).not.toBe('Waiting for the first poll');
      expect(stopped.message).toContain('invalid options');
    });

    it('is watched again by POST /jobs with the same reference, as a new attempt that ends right', async () => {
      // Prepare
      const { jobId, reference, repair } = await brokenWatch();
      repair();

      // Act
      const again = await env.watch(reference);
      await waitUntil(async () => (await job(jobId)).status === 'SUCCEEDED');

      // Assess
      expect(again.status).toBe(200);
      expect(again.body.watch).toMatchObject({ state: 'WATCHING', attempt: 2 });
      await assertRestartedOnce(jobId);
    });

    it('is watched again by POST /jobs/{id}/rewatch (202), and a final job is refused with 409', async () => {
      // Prepare
      const { jobId, repair } = await brokenWatch();
      repair();

      // Act
      const rewatched = await env.api<PublicJob>(`/jobs/${jobId}/rewatch`, { method: 'POST' });
      const live = await env.api<PublicJob>(`/jobs/${jobId}/rewatch`, { method: 'POST' });
      await waitUntil(async () => (await job(jobId)).status === 'SUCCEEDED');
      await env.stack.runner.idle();
      const final = await env.api<{ type: string; status: number }>(`/jobs/${jobId}/rewatch`, {
        method: 'POST',
      });

      // Assess
      expect(rewatched.status).toBe(202);
      expect(rewatched.body.watch).toMatchObject({ state: 'WATCHING', attempt: 2 });
      expect(live.status).toBe(200);
      expect(final.status).toBe(409);
      expect(final.body.type).toBe('urn:jobwatch:problem:job-final');
      await assertRestartedOnce(jobId);
    });

    it('is watched again by `jobwatch rewatch <id>`', async () => {
      // Prepare
      const { jobId, repair } = await brokenWatch();
      repair();

      // Act
      const run = await runCli(['rewatch', jobId, '--json'], { api: env.stack.apiUrl });
      await waitUntil(async () => (await job(jobId)).status === 'SUCCEEDED');

      // Assess
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        restarted: true,
        job: { jobId, watch: { attempt: 2 } },
      });
      await assertRestartedOnce(jobId);
    }, 30_000);
  });

  /** Attempt 2 ran as `<jobId>-r2`, history has the STOPPED snapshot and contiguous versions. */
  async function assertRestartedOnce(jobId: string): Promise<void> {
    await env.stack.runner.idle();
    const ended = await job(jobId);
    expect(ended.watch).toMatchObject({ state: 'ENDED', attempt: 2 });
    expect(ended.watch?.lastStop?.reason).toContain('invalid options');
    expect(env.stack.runner.executions.has(`${jobId}-r2`)).toBe(true);
    expect(env.stack.runner.executions.has(`${jobId}-r3`)).toBe(false);
    const history = await env.history(jobId);
    expect(history.map((snapshot) => snapshot.version)).toEqual(history.map((_, index) => index + 1));
    expect(history.some((snapshot) => snapshot.watch?.state === 'STOPPED')).toBe(true);
  }

  describe('the reconciler', () => {
    it('restarts a job that says WATCHING without an execution and leaves a live watch alone', async () => {
      // Prepare: a live watch, and an orphan (stored, never started: a crash between the two)
      const live = await env.watch(env.simulator.createCommand({ steps: runToSuccess(300) }));
      const now = new Date(env.clock.now()).toISOString();
      const orphanReference = env.simulator.createCommand({ steps: runToSuccess(60) });
      await env.stack.services.store.createJob(jobOf('jw-orphan', orphanReference, now));

      // Act
      const result = await reconcile(env.stack.services, { minAgeSeconds: 0 });
      await waitUntil(async () => (await job('jw-orphan')).status === 'SUCCEEDED');

      // Assess
      expect(result.restarted).toEqual(['jw-orphan']);
      expect(env.stack.runner.executionsOf(live.body.jobId)).toHaveLength(1);
      expect(env.stack.runner.executionsOf('jw-orphan')).toHaveLength(1);
    });

    it('restarts, as a new attempt, a job whose execution closed; skips jobs changed in the last minutes', async () => {
      // Prepare: a port that says every execution failed, over the stack's store
      const started: string[] = [];
      const closed: WorkflowStarter = {
        start: async ({ name }) => {
          if (!name.includes('-r')) throw new ExecutionAlreadyExistsError(name);
          started.push(name);
          return { started: true };
        },
        describe: async (name): Promise<ExecutionStatus | undefined> =>
          name.includes('-r') ? 'RUNNING' : 'FAILED',
      };
      const services: WatchServices = { ...env.stack.services, workflows: closed };
      const old = new Date(env.clock.now() - 600_000).toISOString();
      const recent = new Date(env.clock.now()).toISOString();
      await services.store.createJob(jobOf('jw-closed-old', {}, old));
      await services.store.createJob(jobOf('jw-closed-recent', {}, recent));

      // Act
      const first = await reconcile(services, { minAgeSeconds: 120 });
      const second = await reconcile(services, { minAgeSeconds: 120 });

      // Assess
      expect(first.restarted).toEqual(['jw-closed-old']);
      expect(second.restarted).toEqual([]);
      expect(started).toEqual(['jw-closed-old-r2']);
      const restarted = await services.store.getJob('jw-closed-old');
      expect(restarted?.watch).toMatchObject({ state: 'WATCHING', attempt: 2 });
      expect(restarted?.watch?.lastStop?.reason).toContain('ended FAILED');
      expect((await services.store.getJob('jw-closed-recent'))?.version).toBe(1);
    });
  });
});

function jobOf(jobId: string, reference: Record<string, unknown>, at: string): Job {
  return {
    jobId,
    connection: 'avid',
    vendor: 'avid-ctms',
    reference,
    status: 'UNKNOWN',
    message: 'Waiting for the first poll',
    watch: { state: 'WATCHING' },
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}
