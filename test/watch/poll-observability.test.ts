import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PublicJob } from '../../lib/jobs/job.js';
import { recordWatchFailure } from '../../lib/watch/record-watch-failure.js';
import { METRIC_NAMES, RecordedWatchMetrics } from '../../lib/watch/watch-metrics.js';
import { scaledClock } from '../../local/clock.js';
import { AvidCtmsSimulator, runToSuccess } from '../../local/simulators/avid-ctms/index.js';
import { startLocalStack } from '../../local/stack.js';
import { type AvidStack, startAvidStack, TEST_SPEED } from '../support/avid-stack.js';
import { waitUntil } from '../support/wait.js';

function recorder(env: AvidStack): RecordedWatchMetrics {
  const { metrics } = env.stack.services;
  if (!(metrics instanceof RecordedWatchMetrics)) throw new Error('The local stack records no metrics');
  return metrics;
}

/** What a poll tells about itself: metrics, correlated log lines, and its marks on the job. */
describe('a poll run on the local stack', () => {
  let env: AvidStack | undefined;
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await env?.close();
    env = undefined;
    for (const close of closers.splice(0)) await close();
  });

  it('counts its polls, vendor outcomes, detection delay and the ending, by vendor and connection', async () => {
    // Prepare
    env = await startAvidStack();
    const reference = env.simulator.createCommand({ steps: runToSuccess(300) });

    // Act
    const { body: created } = await env.watch(reference);
    await env.stack.runner.waitFor(created.jobId);

    // Assess
    const metrics = recorder(env);
    const polls = metrics.sum(METRIC_NAMES.polls, 'avid');
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(metrics.sum(METRIC_NAMES.vendor.ok, 'avid')).toBe(polls);
    expect(metrics.sum(METRIC_NAMES.vendor.auth, 'avid')).toBe(0);
    expect(metrics.sum(METRIC_NAMES.ended.SUCCEEDED, 'avid')).toBe(1);
    const delays = metrics.points.filter((point) => point.name === METRIC_NAMES.detectionDelay);
    expect(delays).toHaveLength(1);
    expect(delays[0]?.unit).toBe('Seconds');
    expect(delays[0]?.value).toBeGreaterThanOrEqual(0);
    for (const point of metrics.points) {
      expect(point.dimensions).toEqual({ vendor: 'avid-ctms', connection: 'avid' });
    }
  });

  it('shows on the job its execution, when it was polled, when it will be next, and every poll so far', async () => {
    env = await startAvidStack();
    // Long enough (7 s real) that a loaded machine still sees it running.
    const reference = env.simulator.createCommand({ steps: runToSuccess(1800) });

    const { body: created } = await env.watch(reference);
    const get = async () => (await (env as AvidStack).api<PublicJob>(`/jobs/${created.jobId}`)).body;
    let running: PublicJob | undefined;
    await waitUntil(async () => {
      const body = await get();
      running = body.status === 'RUNNING' && body.nextPollAt ? body : undefined;
      return running !== undefined;
    });
    if (!running) throw new Error('never running');

    expect(running.execution).toEqual({ name: created.jobId });
    expect(running.polls).toBeGreaterThanOrEqual(1);
    expect(Date.parse(running.nextPollAt ?? '')).toBeGreaterThan(Date.parse(running.lastPolledAt ?? ''));
    // Live, not as of the latest change: the count moves with polls that change nothing.
    const seen = running.polls ?? 0;
    await waitUntil(async () => ((await get()).polls ?? 0) > seen);

    await env.stack.runner.waitFor(created.jobId);
    const ended = await get();
    // Every invocation of the poll function, counted once — the one that saw the end included.
    const invocations = env.stack.runner.executionsOf(created.jobId).reduce((sum, run) => sum + run.polls, 0);
    expect(ended.polls).toBe(invocations);
    // A final job has no next poll.
    expect(ended.nextPollAt).toBeUndefined();
  });

  it('puts jobId, connection, vendor and execution on its log lines, and counts refused credentials', async () => {
    // Prepare: credentials the vendor refuses, and the stack's warnings as they reach stdout
    const lines: string[] = [];
    // Warnings go to stderr.
    vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stderr.write);
    const simulator = new AvidCtmsSimulator({ clock: scaledClock(TEST_SPEED) });
    const baseUrl = await simulator.start();
    const stack = await startLocalStack({
      logLevel: 'WARN',
      clock: scaledClock(TEST_SPEED),
      config: {
        connections: [
          {
            name: 'avid',
            vendor: 'avid-ctms',
            baseUrl,
            credentials: { ...simulator.credentials, clientSecret: 'not-the-secret' },
            options: simulator.connectionOptions(),
          },
        ],
      },
    });
    closers.push(async () => {
      await stack.close();
      await simulator.close();
    });
    const reference = simulator.createCommand({ steps: runToSuccess(600) });

    // Act
    const response = await fetch(`${stack.apiUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connection: 'avid', job: reference }),
    });
    const created = (await response.json()) as PublicJob;
    const warnings = () =>
      lines
        .flatMap((line) => line.split('\n'))
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.message === 'Vendor could not be read; will poll again');
    await waitUntil(async () => warnings().length > 0);

    // Assess
    expect(warnings()[0]).toMatchObject({
      jobId: created.jobId,
      connection: 'avid',
      vendor: 'avid-ctms',
      kind: 'auth',
      execution: expect.stringMatching(new RegExp(`:${created.jobId}$`)),
    });
    const metrics = stack.services.metrics as RecordedWatchMetrics;
    expect(metrics.sum(METRIC_NAMES.vendor.auth, 'avid')).toBeGreaterThanOrEqual(1);
    expect(metrics.sum(METRIC_NAMES.vendor.ok, 'avid')).toBe(0);
  });

  it('counts a watch that broke down as WatchFailed, under its job’s vendor and connection', async () => {
    env = await startAvidStack();
    const reference = env.simulator.createCommand({ steps: runToSuccess(3600) });
    const { body: created } = await env.watch(reference);

    await recordWatchFailure(env.stack.services, {
      input: { jobId: created.jobId, continuation: 0 },
      failure: { Error: 'PollFailedUnexpectedly', Cause: 'the table was throttled' },
    });

    const metrics = recorder(env);
    expect(metrics.points.filter((point) => point.name === METRIC_NAMES.watchFailed)).toEqual([
      {
        name: 'WatchFailed',
        value: 1,
        unit: 'Count',
        dimensions: { vendor: 'avid-ctms', connection: 'avid' },
      },
    ]);
  });
});
