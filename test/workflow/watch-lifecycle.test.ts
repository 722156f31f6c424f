import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DETAIL_TYPES, REQUEST_EVENT_SOURCE } from '../../lib/events/job-events.js';
import type { PublicJob } from '../../lib/jobs/job.js';
import { runToError, runToSuccess, stayIn } from '../../local/simulators/avid-ctms/index.js';
import { type AvidStack, startAvidStack } from '../support/avid-stack.js';
import { waitUntil } from '../support/wait.js';

/** Waiting well: continuations, callers resuming, events in, idempotent starts, the cheap loop. */
describe('the watch lifecycle', () => {
  let env: AvidStack;
  beforeEach(async () => {
    env = await startAvidStack({ functions: 'bundled' });
  });
  afterEach(async () => {
    await env.close();
  });

  it('continues as new executions before the history limit and still ends right, with one job and one history', async () => {
    // Prepare: a 15-minute command and a history budget so low that every ~45 s needs a new execution
    const reference = env.simulator.createCommand({ steps: runToSuccess(900) });
    const now = new Date(env.clock.now()).toISOString();
    const started = await env.stack.services.store.createJob({
      jobId: 'jw-continuation-test',
      connection: 'avid',
      vendor: 'avid-ctms',
      reference,
      status: 'UNKNOWN',
      version: 1,
      createdAt: now,
      updatedAt: now,
    });

    // Act
    await env.stack.runner.start({
      name: started.job.jobId,
      input: { jobId: started.job.jobId, continuation: 0, maxHistoryEvents: 13 },
    });
    const outcome = await env.stack.runner.waitFor(started.job.jobId);

    // Assess
    const executions = env.stack.runner.executionsOf(started.job.jobId);
    expect(executions.length).toBeGreaterThanOrEqual(3);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.output).toMatchObject({ jobId: started.job.jobId, status: 'SUCCEEDED', progress: 100 });
    // a long command changes on most polls: its history runs over several pages
    const history = await env.history(started.job.jobId);
    expect(history.map((snapshot) => snapshot.version)).toEqual(history.map((_, index) => index + 1));
    expect(history.at(-1)?.status).toBe('SUCCEEDED');
    const { body: list } = await env.api<{ items: PublicJob[] }>('/jobs?connection=avid&limit=100');
    expect(list.items.filter((item) => item.jobId === started.job.jobId)).toHaveLength(1);
  });

  it('resumes a task-token caller with the final snapshot', async () => {
    const { taskToken, outcome } = env.stack.callbacks.issue();
    const reference = env.simulator.createCommand({ steps: runToSuccess(120) });

    await env.watch(reference, { callback: { taskToken } });

    expect(await outcome).toMatchObject({
      status: 'SUCCEEDED',
      output: { status: 'SUCCEEDED', progress: 100 },
    });
  });

  it('fails a task-token caller with JobFailed and a cause that says why', async () => {
    const { taskToken, outcome } = env.stack.callbacks.issue();
    const reference = env.simulator.createCommand({
      steps: runToError(60, { cause: 'timeout', code: 'CTMS/TIMEOUT', text: 'Transcoder did not answer' }),
    });

    await env.watch(reference, { callback: { taskToken } });

    const result = await outcome;
    expect(result).toMatchObject({ status: 'FAILED', error: 'JobFailed' });
    expect(result.status === 'FAILED' && result.cause).toContain('Transcoder did not answer');
  });

  describe('a parent state machine waiting with startExecution.sync:2 (infra/examples)', () => {
    const definition = JSON.parse(
      readFileSync(
        new URL('../../infra/examples/wait-for-vendor-job.asl.json', import.meta.url),
        'utf8',
      ).replace(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a DefinitionSubstitutions placeholder, not a template.
        '${JobwatchStateMachineArn}',
        'arn:aws:states:local:000000000000:stateMachine:jobwatch-watch',
      ),
    );

    function runParent(job: Record<string, unknown>) {
      const parent = new StateMachine(definition, { validationOptions: { checkArn: false } });
      return parent.run({ connection: 'avid', job } as never, {
        context: { Execution: { Id: 'arn:aws:states:local:000000000000:execution:parent:run-1' } } as never,
        overrides: {
          taskResourceLocalHandlers: {
            WaitForVendorJob: async (request) =>
              (await env.stack.runner.startExecutionSync(request as { Input: unknown })) as never,
          },
        },
      }).result;
    }

    it('gets the final snapshot as the nested task output', async () => {
      const reference = env.simulator.createCommand({ steps: runToSuccess(120) });

      const output = await runParent(reference);

      expect(output).toMatchObject({ status: 'SUCCEEDED' });
      expect((output as { jobId: string }).jobId).toMatch(/^jw-/);
    });

    it('fails with jobwatch’s error name when the job did not succeed', async () => {
      const reference = env.simulator.createCommand({
        steps: runToError(60, { cause: 'rejected', code: 'CTMS/REJECTED', text: 'Unsupported operation' }),
      });

      const failure = await runParent(reference).then(
        () => undefined,
        (error: { cause?: { name?: string; message?: string } }) => error.cause,
      );

      expect(failure?.name).toBe('JobFailed');
      expect(failure?.message).toContain('Unsupported operation');
    });
  });

  it('treats a stopped execution as a cancel: the vendor is asked, the job ends CANCELLED', async () => {
    const reference = env.simulator.createCommand({ steps: runToSuccess(3600) });
    const { body } = await env.watch(reference);
    await waitUntil(async () => (await env.api<PublicJob>(`/jobs/${body.jobId}`)).body.status === 'RUNNING');

    await env.stack.runner.stop(body.jobId, 'operator stopped the execution');
    await waitUntil(
      async () => (await env.api<PublicJob>(`/jobs/${body.jobId}`)).body.status === 'CANCELLED',
    );

    expect(env.simulator.lifecycleOf(reference.commandId)).toBe('error');
    expect(env.simulator.server.requests.some((request) => request.method === 'DELETE')).toBe(true);
  });

  it('starts one watch for a duplicated "Watch Job Requested" event', async () => {
    const reference = env.simulator.createCommand({ steps: runToSuccess(120) });
    const detail = { connection: 'avid', job: reference };

    await Promise.all([
      env.stack.bus.put(REQUEST_EVENT_SOURCE, DETAIL_TYPES.watchRequested, detail),
      env.stack.bus.put(REQUEST_EVENT_SOURCE, DETAIL_TYPES.watchRequested, detail),
      env.stack.bus.put(REQUEST_EVENT_SOURCE, DETAIL_TYPES.watchRequested, detail),
    ]);

    const { body } = await env.api<{ items: PublicJob[] }>('/jobs?connection=avid');
    expect(body.items).toHaveLength(1);
    const jobId = body.items[0]?.jobId ?? '';
    expect(env.stack.runner.executionsOf(jobId)).toHaveLength(1);
    expect((await env.stack.runner.waitFor(jobId)).status).toBe('SUCCEEDED');
  });

  it('yields one job and one execution for a hundred concurrent starts of the same watch', async () => {
    const reference = env.simulator.createCommand({ steps: runToSuccess(300) });

    const answers = await Promise.all(Array.from({ length: 100 }, () => env.watch(reference)));

    const ids = new Set(answers.map((answer) => answer.body.jobId));
    expect(ids.size).toBe(1);
    expect(answers.filter((answer) => answer.status === 202)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(99);
    const [jobId] = [...ids];
    expect(env.stack.runner.executionsOf(jobId ?? '')).toHaveLength(1);
  });

  it('spends at most 1.2 state transitions per poll', async () => {
    const reference = env.simulator.createCommand({ steps: runToSuccess(3600) });

    const { body } = await env.watch(reference);
    await env.stack.runner.waitFor(body.jobId);

    const [execution] = env.stack.runner.executionsOf(body.jobId);
    expect(execution?.polls).toBeGreaterThan(3);
    expect((execution?.transitions ?? 0) / (execution?.polls ?? 1)).toBeLessThanOrEqual(1.2);
  });

  it('flags a job whose status and progress stop changing as stalled, with a Job Stalled event', async () => {
    await env.close();
    env = await startAvidStack({ polling: { stallAfterSeconds: 600, maxIntervalSeconds: 60 } });
    const reference = env.simulator.createCommand({ steps: stayIn('running', 42) });

    const { body } = await env.watch(reference);
    await waitUntil(async () => (await env.api<PublicJob>(`/jobs/${body.jobId}`)).body.stalled === true);

    expect(env.stack.bus.published.some((event) => event['detail-type'] === DETAIL_TYPES.stalled)).toBe(true);
    expect((await env.api<PublicJob>(`/jobs/${body.jobId}`)).body.status).toBe('RUNNING');
    await env.api(`/jobs/${body.jobId}/cancel`, { method: 'POST' });
  });

  it('ends a stalled job TIMED_OUT when its connection says failOnStall, and the execution fails JobTimedOut', async () => {
    await env.close();
    env = await startAvidStack({
      polling: { stallAfterSeconds: 600, maxIntervalSeconds: 60, failOnStall: true },
    });
    const reference = env.simulator.createCommand({ steps: stayIn('running', 42) });

    const { body } = await env.watch(reference);
    const outcome = await env.stack.runner.waitFor(body.jobId);

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'JobTimedOut' });
    const { body: job } = await env.api<PublicJob>(`/jobs/${body.jobId}`);
    expect(job).toMatchObject({ status: 'TIMED_OUT', progress: 42 });
    expect(job.message).toContain('stalled');
  });
});
