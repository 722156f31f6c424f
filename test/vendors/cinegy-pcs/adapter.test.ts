import { afterEach, describe, expect, it } from 'vitest';
import { VendorHttpClient } from '../../../lib/http/vendor-http-client.js';
import { VendorAuthError, VendorProtocolError, VendorTransportError } from '../../../lib/jobs/errors.js';
import { cinegyPcsAdapter } from '../../../lib/vendors/cinegy-pcs/index.js';
import { type ManualClock, manualClock } from '../../../local/clock.js';
import {
  CinegyPcsSimulator,
  type CinegyPcsSimulatorOptions,
  unknownStatus,
} from '../../../local/simulators/cinegy-pcs/index.js';
import { contextFor, errorOf, WatchedTask } from './support.js';

let running: CinegyPcsSimulator | undefined;

async function startSimulator(
  options: Omit<CinegyPcsSimulatorOptions, 'clock'> = {},
  connectionOptions: Record<string, unknown> = {},
) {
  const clock: ManualClock = manualClock(Date.UTC(2023, 6, 27, 10, 0, 0));
  const simulator = new CinegyPcsSimulator({ clock, ...options });
  running = simulator;
  const baseUrl = await simulator.start();
  const context = contextFor(
    baseUrl,
    simulator.credentials,
    { ...simulator.connectionOptions(), ...connectionOptions },
    clock,
  );
  const watch = (reference: unknown) => new WatchedTask(reference, new Date(clock.now()));
  return { clock, simulator, baseUrl, context, watch };
}

afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('Cinegy PCS adapter against the simulator', () => {
  it('follows a demo task from registered through progress to succeeded', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator();
    const reference = simulator.createDemoJob(60);
    const watched = watch(reference);

    // Act
    const registered = await watched.poll(context);
    clock.advance(31);
    const halfway = await watched.poll(context);
    clock.advance(30);
    const done = await watched.poll(context);

    // Assess
    expect(registered).toMatchObject({ status: 'RUNNING', rawStatus: '0 (Task is in progress.)' });
    expect(registered.progress).toBeUndefined();
    expect(halfway.status).toBe('RUNNING');
    expect(halfway.progress).toBeGreaterThan(45);
    expect(halfway.progress).toBeLessThan(55);
    expect(halfway.message).toContain('Processing');
    expect(done).toMatchObject({ status: 'SUCCEEDED', progress: 100, message: 'Successfully finished' });
    expect(done.vendorUpdatedAt).toBe(new Date(clock.now() - 1000).toISOString());
    const paths = simulator.server.requests.map((request) => request.path);
    expect(paths).toEqual(Array(3).fill(`/pcs/v1/tasks/${reference.taskId}`));
  });

  it('finds the REST root itself when the base URL is the host root', async () => {
    // Prepare
    const { clock, simulator } = await startSimulator();
    const reference = simulator.createDemoJob(10);
    const hostRoot = simulator.server.url.replace(/pcs\/v1\/$/, '');
    const context = contextFor(hostRoot, {}, {}, clock);

    // Act
    const observation = await watchAt(clock, reference).poll(context);

    // Assess
    expect(observation.status).toBe('RUNNING');
    expect(simulator.server.requests[0]?.path).toBe(`/pcs/v1/tasks/${reference.taskId}`);
  });

  it.each([
    [
      'fails',
      (simulator: CinegyPcsSimulator, id: string) => simulator.fail(id),
      'FAILED',
      '4 (Task is finished.)',
    ],
    [
      'is aborted (result)',
      (simulator: CinegyPcsSimulator, id: string) => simulator.abort(id),
      'CANCELLED',
      '4 (Task is finished.)',
    ],
    [
      'is aborted (status)',
      (simulator: CinegyPcsSimulator, id: string) => simulator.abort(id, 'status'),
      'CANCELLED',
      '5 (Task is aborted.)',
    ],
    [
      'is paused',
      (simulator: CinegyPcsSimulator, id: string) => simulator.pause(id),
      'SUSPENDED',
      '2 (Task is paused.)',
    ],
    [
      'is suspended',
      (simulator: CinegyPcsSimulator, id: string) => simulator.suspend(id),
      'SUSPENDED',
      '3 (Task is suspended.)',
    ],
    [
      'shows an unpublished status',
      (simulator: CinegyPcsSimulator, id: string) => simulator.setUnknownStatus(id, 7, 'Task is whatever'),
      'UNKNOWN',
      '7 (Task is whatever)',
    ],
  ] as const)(
    'reports a task that %s with the status it maps to',
    async (_what, script, expected, rawStatus) => {
      // Prepare
      const { clock, simulator, context, watch } = await startSimulator();
      const reference = simulator.createDemoJob(60);
      const watched = watch(reference);
      clock.advance(20);
      script(simulator, reference.taskId);

      // Act
      const observation = await watched.poll(context);

      // Assess
      expect(observation).toMatchObject({ status: expected, rawStatus });
      if (expected === 'FAILED') expect(observation.error?.message).toBe('Error: cannot open source file');
      if (expected === 'CANCELLED') expect(observation.error?.cause).toBe('aborted');
      if (expected !== 'UNKNOWN') expect(observation.progress).toBeGreaterThan(20);
    },
  );

  it('follows a paused task back to running and on to success', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator();
    const reference = simulator.createDemoJob(60);
    const watched = watch(reference);
    clock.advance(20);
    simulator.pause(reference.taskId);
    const paused = await watched.poll(context);
    clock.advance(100);
    simulator.resume(reference.taskId, 30);

    // Act
    clock.advance(10);
    const resumed = await watched.poll(context);
    clock.advance(30);
    const done = await watched.poll(context);

    // Assess
    expect(paused.status).toBe('SUSPENDED');
    expect(resumed.status).toBe('RUNNING');
    expect(resumed.progress).toBeGreaterThanOrEqual(paused.progress ?? 0);
    expect(done.status).toBe('SUCCEEDED');
  });

  it('reports a task PCS forgets as LOST, saying why', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator();
    const reference = simulator.createDemoJob(60);
    const watched = watch(reference);
    await watched.poll(context);
    clock.advance(5);
    simulator.vanish(reference.taskId);

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'LOST', rawStatus: 'HTTP 404' });
    expect(observation.message).toContain(`no longer knows task ${reference.taskId}`);
  });

  it('reads the Swagger variant (string enums, ticks objects, text/plain) to the same result', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator({
      quirks: { stringEnums: true, ticksObjects: true, contentType: 'text/plain; charset=utf-8' },
    });
    const reference = simulator.createDemoJob(60);
    const watched = watch(reference);
    clock.advance(31);

    // Act
    const halfway = await watched.poll(context);
    clock.advance(30);
    const done = await watched.poll(context);

    // Assess
    expect(halfway).toMatchObject({ status: 'RUNNING', rawStatus: 'inProgress (Task is in progress.)' });
    expect(halfway.progress).toBeGreaterThan(45);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      rawStatus: 'finished (Task is finished.)',
      progress: 100,
    });
    expect(done.details?.resultType).toBe('success');
  });

  it('forces 100% on success over stale progress, and drops the broken result date', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator({
      quirks: { staleProgressOnFinish: true, invalidResultDate: true, utcOffsetMinutes: 180 },
    });
    const reference = simulator.createDemoJob(60);
    const watched = watch(reference);
    clock.advance(61);
    const zoned = contextFor(context.http.baseUrl.href, {}, { timeZone: '+03:00' }, clock);

    // Act
    const observation = await watched.poll(zoned);

    // Assess
    expect(observation).toMatchObject({ status: 'SUCCEEDED', progress: 100 });
    expect(observation.details).toMatchObject({
      lastReportedProgress: 56.12,
      unreadableDates: ['result.generationTime'],
    });
    expect(observation.vendorUpdatedAt).toBe(new Date(clock.now() - 1000).toISOString());
  });
});

function watchAt(clock: ManualClock, reference: unknown): WatchedTask {
  return new WatchedTask(reference, new Date(clock.now()));
}

describe('Cinegy PCS lookup by name and metadata', () => {
  it('walks capped pages to a task by exact name, then polls it by id', async () => {
    // Prepare
    const { simulator, context, watch } = await startSimulator(
      { quirks: { maxListLimit: 40 } },
      { pageSize: 100 },
    );
    simulator.addFinishedTasks(130);
    const target = simulator.createTask({ name: 'Task The Trail.mp4 - 27-Jule-23 13:29:00' });
    simulator.addFinishedTasks(20, 'Task later');
    const watched = watch({ name: target.name });

    // Act
    const first = await watched.poll(context);
    const second = await watched.poll(context);

    // Assess
    expect(first).toMatchObject({ status: 'RUNNING', adapterState: { taskId: target.taskId } });
    expect(first.details).toMatchObject({ matchCount: 1, taskName: target.name });
    expect(second.status).toBe('RUNNING');
    const lists = simulator.server.requests.filter((request) => request.path.endsWith('/tasks/list'));
    expect(lists.map((request) => new URLSearchParams(request.query).get('start'))).toEqual([
      '0',
      '40',
      '80',
      '120',
    ]);
    expect(simulator.server.requests.at(-1)?.path).toBe(`/pcs/v1/tasks/${target.taskId}`);
  });

  it('matches metadata the list leaves out by reading the task, taking the newest match after createdAfter', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator({
      quirks: { listOmitsMetadata: true },
    });
    simulator.addFinishedTasks(5);
    const old = simulator.createTask({ metadata: { 'src.name': 'The Trail.mp4' } });
    clock.advance(60);
    const createdAfter = new Date(clock.now()).toISOString();
    clock.advance(60);
    const newer = simulator.createTask({ metadata: { 'src.name': 'The Trail.mp4' } });
    clock.advance(60);
    const newest = simulator.createTask({ metadata: { 'src.name': 'The Trail.mp4' } });
    simulator.createTask({ metadata: { 'src.name': 'Other.mp4' } });

    // Act
    const any = await watch({ metadata: { 'src.name': 'The Trail.mp4' } }).poll(context);
    const bounded = await watch({ metadata: { 'src.name': 'The Trail.mp4' }, createdAfter }).poll(context);

    // Assess
    expect(any.adapterState).toEqual({ taskId: newest.taskId });
    expect(any.details?.matchCount).toBe(3);
    expect(bounded.details?.matchCount).toBe(2);
    expect(bounded.adapterState).toEqual({ taskId: newest.taskId });
    expect([old.taskId, newer.taskId]).not.toContain(bounded.adapterState?.taskId);
  });

  it('waits QUEUED for a task registered later, then finds it', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator();
    simulator.addFinishedTasks(3);
    const later = simulator.createTask({ name: 'Task late.mxf', registerAfterSeconds: 30 });
    const watched = watch({ name: 'Task late.mxf' });

    // Act
    const before = await watched.poll(context);
    clock.advance(31);
    const after = await watched.poll(context);

    // Assess
    expect(before).toMatchObject({
      status: 'QUEUED',
      rawStatus: 'not listed',
      details: { searchedTasks: 3, totalCount: 3 },
    });
    expect(before.message).toContain('may not be registered yet');
    expect(after).toMatchObject({ status: 'RUNNING', adapterState: { taskId: later.taskId } });
  });

  it('reports LOST once the grace period passes without the task, and names a truncated search', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator(
      {},
      { notFoundGraceSeconds: 60, pageSize: 10, maxPages: 2 },
    );
    simulator.addFinishedTasks(50);
    const watched = watch({ name: 'Task never.mxf' });

    // Act
    const early = await watched.poll(context);
    clock.advance(61);
    const late = await watched.poll(context);

    // Assess
    expect(early.status).toBe('QUEUED');
    expect(late).toMatchObject({
      status: 'LOST',
      details: { searchedTasks: 20, totalCount: 50, searchTruncated: true },
    });
    expect(late.message).toContain('within 60 s');
    expect(late.message).toContain('page limit');
  });

  it('reports LOST when a task found by name later vanishes', async () => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    const target = simulator.createTask({ name: 'Task gone.mxf' });
    const watched = watch({ name: 'Task gone.mxf' });
    await watched.poll(context);
    simulator.vanish(target.taskId);

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.status).toBe('LOST');
    expect(observation.message).toContain('found earlier by name/metadata');
  });
});

describe('Cinegy PCS faults and malformed answers', () => {
  it('surfaces a 503 in the middle of a watch as a transport error, then carries on', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator();
    const watched = watch(simulator.createDemoJob(60));
    await watched.poll(context);
    simulator.server.inject({ kind: 'status', status: 503, body: 'Service Unavailable' });
    clock.advance(61);

    // Act
    const error = await errorOf(watched.poll(context));
    const after = await watched.poll(context);

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(after.status).toBe('SUCCEEDED');
  });

  it.each([
    ['a reset connection', { kind: 'reset' } as const],
    ['a body cut off mid-way', { kind: 'truncate' } as const],
  ])('treats %s as a transport error', async (_what, fault) => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    const watched = watch(simulator.createDemoJob(60));
    simulator.server.inject(fault);

    // Act
    const error = await errorOf(watched.poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
  });

  it('gives up on a hanging server after the timeout, as a transport error', async () => {
    // Prepare
    const { clock, simulator, watch } = await startSimulator();
    const watched = watch(simulator.createDemoJob(60));
    const context = contextFor(simulator.server.url, {}, {}, clock);
    context.http = new VendorHttpClient({
      vendor: 'cinegy-pcs',
      connection: 'test',
      baseUrl: simulator.server.url,
      timeoutMs: 200,
    });
    simulator.server.inject({ kind: 'hang' });

    // Act
    const error = await errorOf(watched.poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.message).toContain('no answer within 200 ms');
  });

  it.each([
    ['truncated JSON', { kind: 'garbage', body: '{"id":"x","status":4,"result":{"ty' } as const, 'not JSON'],
    [
      'an HTML error page',
      {
        kind: 'garbage',
        body: '<!DOCTYPE html><html><body>Bad gateway</body></html>',
        contentType: 'text/html',
      } as const,
      'HTML page',
    ],
    ['a JSON array', { kind: 'garbage', body: '[]' } as const, 'not a PCS task'],
    [
      'another task',
      { kind: 'garbage', body: '{"id":"someone-else","status":0}' } as const,
      'answered task someone-else',
    ],
    ['an empty body', { kind: 'garbage', body: '' } as const, 'empty body'],
    [
      'a 20 MB body',
      { kind: 'garbage', body: `{"id":"${'x'.repeat(20 * 1024 * 1024)}"}` } as const,
      'allowed',
    ],
    [
      'an HTML 404 from a proxy',
      {
        kind: 'status',
        status: 404,
        body: '<html><body>Not Found</body></html>',
        contentType: 'text/html',
      } as const,
      'probably not the PCS REST API',
    ],
    [
      'an unexpected 400',
      { kind: 'status', status: 400, body: '{"title":"Bad Request"}' } as const,
      'answered 400',
    ],
  ])('reads %s as a clear protocol error', async (_what, fault, expected) => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    const watched = watch(simulator.createDemoJob(60));
    // Whatever stands in front answers every request alike (the HTML 404 check asks tasks/list too).
    simulator.server.inject(fault, { count: 2 });

    // Act
    const error = await errorOf(watched.poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain(expected);
  });

  it('reads a task list that is not one as a protocol error', async () => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    simulator.server.inject({ kind: 'garbage', body: '{"tasks":[]}' });

    // Act
    const error = await errorOf(watch({ name: 'Task x' }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('not a PCS task list');
  });
});

describe('Cinegy PCS configurable auth', () => {
  it.each(['basic', 'header', 'query'] as const)('passes the %s scheme the proxy wants', async (scheme) => {
    // Prepare
    const { simulator, context, watch } = await startSimulator({ auth: scheme });
    const watched = watch(simulator.createDemoJob(60));

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.status).toBe('RUNNING');
  });

  it('reports refused credentials as an auth error, not a job state', async () => {
    // Prepare
    const { clock, simulator, watch } = await startSimulator({ auth: 'basic' });
    const watched = watch(simulator.createDemoJob(60));
    const wrong = { ...simulator.credentials, password: 'not-the-password' };
    const context = contextFor(simulator.server.url, wrong, {}, clock);

    // Act
    const error = await errorOf(watched.poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
  });

  it('never puts a credential value in an error message', async () => {
    // Prepare
    const { clock, simulator, watch } = await startSimulator({ auth: 'query' });
    const watched = watch(simulator.createDemoJob(60));
    const context = contextFor(simulator.server.url, simulator.credentials, {}, clock);
    const secret = simulator.credentials.paramValue ?? '';
    const faults = [
      { kind: 'status', status: 503 },
      { kind: 'status', status: 401 },
      { kind: 'garbage', body: `not json ${secret}` },
      { kind: 'status', status: 400, body: `bad ${secret}` },
      { kind: 'reset' },
    ] as const;

    // Act
    const messages: string[] = [];
    for (const fault of faults) {
      simulator.server.inject(fault);
      messages.push((await errorOf(watched.poll(context))).message);
    }
    const wrongContext = contextFor(
      simulator.server.url,
      { ...simulator.credentials, paramValue: 'wrong-value-123' },
      {},
      clock,
    );
    messages.push((await errorOf(watched.poll(wrongContext))).message);

    // Assess
    expect(secret.length).toBeGreaterThan(8);
    for (const message of messages) {
      expect(message).not.toContain(secret);
      expect(message).not.toContain('wrong-value-123');
    }
  });
});

describe('Cinegy PCS adapter surface', () => {
  it('has no cancel: the PCS REST API is read-only', () => {
    // Assess
    expect(cinegyPcsAdapter.cancel).toBeUndefined();
  });

  it('reads an unpublished status number through its description', async () => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    const reference = simulator.createTask({
      steps: [{ at: 0, state: unknownStatus(9, 'Task is waiting for a free agent') }],
    });

    // Act
    const observation = await watch({ taskId: reference.taskId }).poll(context);

    // Assess
    expect(observation).toMatchObject({
      status: 'QUEUED',
      rawStatus: '9 (Task is waiting for a free agent)',
    });
  });
});
