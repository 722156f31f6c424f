import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PublicJob } from '../../lib/jobs/job.js';
import { bulkCommand, runToError, runToSuccess, stayIn } from '../../local/simulators/avid-ctms/index.js';
import { type AvidStack, startAvidStack } from '../support/avid-stack.js';
import { waitUntil } from '../support/wait.js';

/**
 * The synthesized state machine, run locally, watching commands on the Avid CTMS simulator over
 * real HTTP, with every snapshot in dynalite.
 */
describe('watching an Avid CTMS command end to end', () => {
  let env: AvidStack;
  beforeEach(async () => {
    env = await startAvidStack({ functions: 'bundled' });
  });
  afterEach(async () => {
    await env.close();
  });

  const history = (jobId: string) => env.history(jobId);

  it('ends SUCCEEDED with the final snapshot as output, one snapshot per change', async () => {
    // Prepare
    const reference = env.simulator.createCommand({ steps: runToSuccess(600) });

    // Act
    const started = await env.watch(reference);
    const outcome = await env.stack.runner.waitFor(started.body.jobId);

    // Assess
    expect(started.status).toBe(202);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.output).toMatchObject({
      jobId: started.body.jobId,
      status: 'SUCCEEDED',
      progress: 100,
      rawStatus: 'finished',
    });
    const snapshots = await history(started.body.jobId);
    const statuses = snapshots.map((snapshot) => snapshot.status);
    expect(statuses[0]).toBe('UNKNOWN');
    expect(statuses).toContain('RUNNING');
    expect(statuses.at(-1)).toBe('SUCCEEDED');
    expect(snapshots.map((snapshot) => snapshot.version)).toEqual(snapshots.map((_, index) => index + 1));
    // Each stored snapshot differs from the one before: nothing is written without a change.
    for (let index = 1; index < snapshots.length; index += 1) {
      const [before, after] = [snapshots[index - 1], snapshots[index]];
      expect([before?.status, before?.progress, before?.message]).not.toEqual([
        after?.status,
        after?.progress,
        after?.message,
      ]);
    }
    const progress = snapshots
      .filter((snapshot) => snapshot.status === 'RUNNING')
      .map((snapshot) => snapshot.progress ?? 0);
    expect(progress.length).toBeGreaterThan(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('ends FAILED with the vendor cause, and the execution fails with JobFailed', async () => {
    const reference = env.simulator.createCommand({
      steps: runToError(120, {
        cause: 'runtimeError',
        code: 'CTMS/INTERNAL_SERVER_ERROR',
        text: 'Failed to download image',
        httpCode: 500,
      }),
    });

    const { body } = await env.watch(reference);
    const outcome = await env.stack.runner.waitFor(body.jobId);

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'JobFailed' });
    expect(outcome.cause).toContain('Failed to download image');
    expect(outcome.cause).toContain('runtimeError');
    const { body: job } = await env.api<PublicJob>(`/jobs/${body.jobId}`);
    expect(job).toMatchObject({
      status: 'FAILED',
      error: {
        message: 'Failed to download image',
        cause: 'runtimeError',
        code: 'CTMS/INTERNAL_SERVER_ERROR',
        httpCode: 500,
      },
    });
  });

  it('ends CANCELLED when the vendor reports the command canceled', async () => {
    const reference = env.simulator.createCommand({
      steps: runToError(90, { cause: 'canceled', code: 'CTMS/CANCELED', text: 'Canceled by user' }),
    });

    const { body } = await env.watch(reference);
    const outcome = await env.stack.runner.waitFor(body.jobId);

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'JobCancelled' });
    expect((await env.api<PublicJob>(`/jobs/${body.jobId}`)).body.status).toBe('CANCELLED');
  });

  it('cancels through the API: the vendor is asked through its cancel link and the job ends CANCELLED', async () => {
    const reference = env.simulator.createCommand({ steps: runToSuccess(3600) });
    const { body } = await env.watch(reference);
    await waitUntil(async () => (await env.api<PublicJob>(`/jobs/${body.jobId}`)).body.status === 'RUNNING');

    const cancel = await env.api<{ vendorCancelled: boolean; job: PublicJob }>(`/jobs/${body.jobId}/cancel`, {
      method: 'POST',
    });
    const outcome = await env.stack.runner.waitFor(body.jobId);
    const again = await env.api<{ vendorCancelled: boolean; message: string }>(`/jobs/${body.jobId}/cancel`, {
      method: 'POST',
    });

    expect(cancel.status).toBe(200);
    expect(cancel.body.vendorCancelled).toBe(true);
    expect(cancel.body.job.status).toBe('CANCELLED');
    expect(env.simulator.server.requests.some((request) => request.method === 'DELETE')).toBe(true);
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'JobCancelled' });
    expect(again.body).toMatchObject({ vendorCancelled: false });
    expect(again.body.message).toContain('already ended');
  });

  it('ends LOST when the command expires at the vendor', async () => {
    const reference = env.simulator.createCommand({ steps: runToSuccess(3600) });
    const { body } = await env.watch(reference);
    await waitUntil(async () => (await env.api<PublicJob>(`/jobs/${body.jobId}`)).body.status === 'RUNNING');

    env.simulator.expire(reference.commandId);
    const outcome = await env.stack.runner.waitFor(body.jobId);

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'JobLost' });
    expect((await env.api<PublicJob>(`/jobs/${body.jobId}`)).body.status).toBe('LOST');
  });

  it('rides out a vendor outage in the middle: recorded as a watch issue, never a failure', async () => {
    const reference = env.simulator.createCommand({ steps: runToSuccess(900) });
    const { body } = await env.watch(reference);
    await waitUntil(async () => (await env.api<PublicJob>(`/jobs/${body.jobId}`)).body.status === 'RUNNING');

    env.simulator.server.inject({ kind: 'status', status: 503, body: 'Service Unavailable' }, { count: 4 });
    env.simulator.server.inject({ kind: 'reset' }, { count: 2 });
    const outcome = await env.stack.runner.waitFor(body.jobId);

    expect(outcome.status).toBe('SUCCEEDED');
    const snapshots = await history(body.jobId);
    expect(snapshots.some((snapshot) => snapshot.watchIssue?.kind === 'transport')).toBe(true);
    expect(snapshots.some((snapshot) => snapshot.status === 'FAILED')).toBe(false);
    expect(snapshots.at(-1)?.watchIssue).toBeUndefined();
  });

  it('reports refused credentials as an auth issue, not a job state', async () => {
    const reference = env.simulator.createCommand({ steps: stayIn('running', 10) });
    env.simulator.server.inject(
      { kind: 'status', status: 401, body: '{"error":"invalid_token"}' },
      { count: 1000 },
    );
    const { body } = await env.watch(reference);

    await waitUntil(
      async () => (await env.api<PublicJob>(`/jobs/${body.jobId}`)).body.watchIssue?.kind === 'auth',
    );
    const { body: job } = await env.api<PublicJob>(`/jobs/${body.jobId}`);

    expect(job.status).toBe('UNKNOWN');
    expect(job.watchIssue?.message).not.toContain(env.simulator.credentials.clientSecret ?? '(none)');
    env.simulator.server.clearFaults();
    await env.api(`/jobs/${body.jobId}/cancel`, { method: 'POST' });
    await env.stack.runner.waitFor(body.jobId);
  });

  it('ends a bulk command with some failed items SUCCEEDED partial, and all failed FAILED', async () => {
    const partial = env.simulator.createCommand({
      steps: bulkCommand(60, [
        { success: true, data: '123330.1444213' },
        {
          success: false,
          data: '',
          httpStatus: 400,
          errorCode: 'avid.mam.assets.access/BAD_ARGUMENT',
          errorMessage: 'Invalid item ID',
        },
      ]),
    });
    const allFailed = env.simulator.createCommand({
      steps: bulkCommand(60, [
        { success: false, data: '', httpStatus: 404, errorCode: 'X/NOT_FOUND', errorMessage: 'gone' },
      ]),
    });

    const [first, second] = await Promise.all([env.watch(partial), env.watch(allFailed)]);
    const [partialOutcome, failedOutcome] = await Promise.all([
      env.stack.runner.waitFor(first.body.jobId),
      env.stack.runner.waitFor(second.body.jobId),
    ]);

    expect(partialOutcome.status).toBe('SUCCEEDED');
    expect(partialOutcome.output).toMatchObject({ status: 'SUCCEEDED', partial: true });
    expect(failedOutcome).toMatchObject({ status: 'FAILED', error: 'JobFailed' });
  });

  it('times a job out at its deadline', async () => {
    const reference = env.simulator.createCommand({ steps: runToSuccess(7200) });

    const { body } = await env.watch(reference, { deadline: '5m' });
    const outcome = await env.stack.runner.waitFor(body.jobId);

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'JobTimedOut' });
    expect((await env.api<PublicJob>(`/jobs/${body.jobId}`)).body.status).toBe('TIMED_OUT');
  });

  it('emits a Job Status Changed event for every status change, the final one included', async () => {
    // Queued for 10 clock minutes: long enough that the first poll (a bundled function, slower on
    // a loaded machine) sees QUEUED.
    const reference = env.simulator.createCommand({ steps: runToSuccess(1200, 600) });

    const { body } = await env.watch(reference);
    await env.stack.runner.waitFor(body.jobId);

    const changes = env.stack.bus.published
      .filter((event) => event['detail-type'] === 'Job Status Changed')
      .map(
        (event) =>
          event.detail as { jobId: string; previousStatus: string; status: string; schemaVersion: string },
      );
    const mine = changes.filter((change) => change.jobId === body.jobId);
    expect(mine.map((change) => change.status)).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
    expect(mine[0]).toMatchObject({ previousStatus: 'UNKNOWN', schemaVersion: '1' });
  });
});
