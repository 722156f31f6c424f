import { afterEach, describe, expect, it } from 'vitest';
import { VendorAuthError, VendorProtocolError, VendorTransportError } from '../../../lib/jobs/errors.js';
import { type ManualClock, manualClock } from '../../../local/clock.js';
import {
  CinegyPcsSimulator,
  type CinegyPcsSimulatorOptions,
} from '../../../local/simulators/cinegy-pcs/index.js';
import { contextFor, errorOf, WatchedTask } from './support.js';

/*
 * Another PCS REST server (or a stand-in written from the same documents) may differ from ours in
 * everything the documents leave open: where the REST root is, how a 404 looks, enum spelling,
 * how TimeSpans are written, how honestly `tasks/list` pages. Each variant here is one such
 * reading of the seed, played over real HTTP.
 */

let running: CinegyPcsSimulator | undefined;

async function startSimulator(
  options: Omit<CinegyPcsSimulatorOptions, 'clock'> = {},
  baseUrlOf?: (url: string) => string,
) {
  const clock: ManualClock = manualClock(Date.UTC(2023, 6, 27, 10, 0, 0));
  const simulator = new CinegyPcsSimulator({ clock, ...options });
  running = simulator;
  const served = await simulator.start();
  const baseUrl = baseUrlOf ? baseUrlOf(served) : served;
  const context = contextFor(baseUrl, simulator.credentials, {}, clock);
  const watch = (reference: unknown) => new WatchedTask(reference, new Date(clock.now()));
  const paths = () => simulator.server.requests.map((request) => request.path);
  return { clock, simulator, context, watch, paths, baseUrl };
}

afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('Cinegy PCS REST root', () => {
  it.each([
    ['a JSON problem', 'problem'],
    ['an HTML page', 'html'],
  ] as const)(
    'finds tasks served straight under the host root (wrong root answers %s) and then asks only there',
    async (_what, notFound) => {
      // Prepare
      const { clock, simulator, context, watch, paths } = await startSimulator({
        apiPath: '/',
        quirks: { notFound },
      });
      const reference = simulator.createDemoJob(60);
      const watched = watch(reference);

      // Act
      const first = await watched.poll(context);
      clock.advance(61);
      const done = await watched.poll(context);

      // Assess
      expect(first).toMatchObject({
        status: 'RUNNING',
        adapterState: { taskId: reference.taskId, apiPath: '' },
      });
      expect(done.status).toBe('SUCCEEDED');
      expect(paths()).toEqual([
        `/pcs/v1/tasks/${reference.taskId}`,
        `/tasks/${reference.taskId}`,
        `/tasks/${reference.taskId}`,
      ]);
    },
  );

  it('remembers pcs/v1/ under a host-root base URL, so a vanished task is LOST after one request', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator({}, (url) =>
      url.replace(/pcs\/v1\/$/, ''),
    );
    const reference = simulator.createDemoJob(60);
    const watched = watch(reference);
    const first = await watched.poll(context);
    simulator.vanish(reference.taskId);

    // Act
    const lost = await watched.poll(context);

    // Assess
    expect(first.adapterState).toEqual({ taskId: reference.taskId, apiPath: 'pcs/v1/' });
    expect(lost.status).toBe('LOST');
    expect(paths()).toEqual(Array(2).fill(`/pcs/v1/tasks/${reference.taskId}`));
  });

  it('reports a task unknown under both roots as LOST', async () => {
    // Prepare
    const { context, watch, paths } = await startSimulator({ apiPath: '/' });
    const taskId = '7b30672e-6a83-4559-9b0c-d2454fa7bab7';

    // Act
    const observation = await watch({ taskId }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'LOST', rawStatus: 'HTTP 404' });
    expect(paths()).toEqual([`/pcs/v1/tasks/${taskId}`, `/tasks/${taskId}`]);
  });

  it('finds a task by name in a list served under the host root', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator({ apiPath: '/' });
    simulator.addFinishedTasks(3);
    const target = simulator.createTask({ name: 'Task root.mxf' });
    const watched = watch({ name: 'Task root.mxf' });

    // Act
    const found = await watched.poll(context);
    const again = await watched.poll(context);

    // Assess
    expect(found).toMatchObject({ status: 'RUNNING', adapterState: { taskId: target.taskId, apiPath: '' } });
    expect(again.status).toBe('RUNNING');
    expect(paths()).toEqual(['/pcs/v1/tasks/list', '/tasks/list', `/tasks/${target.taskId}`]);
  });

  it('never leaves the configured REST root when it names a version', async () => {
    // Prepare
    const { context, watch, paths } = await startSimulator();
    const taskId = '7b30672e-6a83-4559-9b0c-d2454fa7bab7';

    // Act
    const observation = await watch({ taskId }).poll(context);

    // Assess
    expect(observation.status).toBe('LOST');
    expect(observation.adapterState).toEqual({ taskId });
    expect(paths()).toEqual([`/pcs/v1/tasks/${taskId}`]);
  });
});

describe('Cinegy PCS not-found answers', () => {
  it('reads an HTML 404 for a missing task as LOST when tasks/list answers (Flask, Express style)', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator({ quirks: { notFound: 'html' } });
    const reference = simulator.createDemoJob(60);
    const watched = watch(reference);
    await watched.poll(context);
    simulator.vanish(reference.taskId);

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'LOST', rawStatus: 'HTTP 404' });
    expect(paths().at(-1)).toBe('/pcs/v1/tasks/list');
  });

  it('reads an empty 404 as LOST without asking anything else', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator({ quirks: { notFound: 'empty' } });
    const reference = simulator.createDemoJob(60);
    simulator.vanish(reference.taskId);

    // Act
    const observation = await watch(reference).poll(context);

    // Assess
    expect(observation.status).toBe('LOST');
    expect(paths()).toHaveLength(1);
  });
});

describe('Cinegy PCS bodies and content types', () => {
  it.each([
    ['application/json; charset=utf-8'],
    ['text/plain; charset=utf-8'],
    ['application/xml'],
    ['application/octet-stream'],
  ])('reads JSON behind a byte order mark, served as %s', async (contentType) => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator({
      quirks: { byteOrderMark: true, contentType },
    });
    const reference = simulator.createDemoJob(60);
    clock.advance(61);

    // Act
    const observation = await watch(reference).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'SUCCEEDED', progress: 100 });
  });

  it('reads a task list behind a byte order mark', async () => {
    // Prepare
    const { simulator, context, watch } = await startSimulator({ quirks: { byteOrderMark: true } });
    const target = simulator.createTask({ name: 'Task bom.mxf' });

    // Act
    const observation = await watch({ name: 'Task bom.mxf' }).poll(context);

    // Assess
    expect(observation.adapterState).toEqual({ taskId: target.taskId });
  });

  it('unwraps a task sent as one JSON string (a text/plain action returning serialized JSON)', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator();
    const reference = simulator.createDemoJob(60);
    clock.advance(61);
    const body = JSON.stringify(JSON.stringify(simulator.render(reference.taskId)));
    simulator.server.inject({ kind: 'garbage', body, contentType: 'text/plain' });

    // Act
    const observation = await watch(reference).poll(context);

    // Assess
    expect(observation.status).toBe('SUCCEEDED');
  });

  it('accepts its task id written upper-case and in braces', async () => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    const reference = simulator.createDemoJob(60);
    const task = simulator.render(reference.taskId);
    const body = JSON.stringify({ ...task, id: `{${reference.taskId.toUpperCase()}}` });
    simulator.server.inject({ kind: 'garbage', body });

    // Act
    const observation = await watch(reference).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'RUNNING', adapterState: { taskId: reference.taskId } });
  });

  it.each([
    [500, VendorTransportError],
    [502, VendorTransportError],
    [401, VendorAuthError],
    [403, VendorAuthError],
  ] as const)('turns HTTP %i into a %s, never a job state', async (status, expected) => {
    // Prepare
    const { simulator, context, watch } = await startSimulator({}, (url) => url.replace(/pcs\/v1\/$/, ''));
    const reference = simulator.createDemoJob(60);
    simulator.server.inject({
      kind: 'status',
      status,
      body: '<html><body>no</body></html>',
      contentType: 'text/html',
    });

    // Act
    const error = await errorOf(watch(reference).poll(context));

    // Assess
    expect(error).toBeInstanceOf(expected);
    expect(simulator.server.requests).toHaveLength(1);
  });
});

describe('Cinegy PCS wire spellings', () => {
  it('follows PascalCase enum names (InProgress, Finished, Success) to success', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator({
      quirks: { stringEnums: true, pascalCaseEnums: true },
    });
    const reference = simulator.createDemoJob(60);
    const watched = watch(reference);
    clock.advance(31);

    // Act
    const halfway = await watched.poll(context);
    clock.advance(30);
    const done = await watched.poll(context);

    // Assess
    expect(halfway).toMatchObject({ status: 'RUNNING', rawStatus: 'InProgress (Task is in progress.)' });
    expect(done).toMatchObject({ status: 'SUCCEEDED', progress: 100 });
  });

  it('follows PascalCase enum names to failure and abort', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator({
      quirks: { stringEnums: true, pascalCaseEnums: true },
    });
    const failing = simulator.createDemoJob(60);
    const aborted = simulator.createDemoJob(60);
    clock.advance(20);
    simulator.fail(failing.taskId);
    simulator.abort(aborted.taskId);

    // Act
    const failed = await watch(failing).poll(context);
    const cancelled = await watch(aborted).poll(context);

    // Assess
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'result.type Failed' } });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', error: { cause: 'aborted' } });
  });

  it('reads progress written as bare tick counts', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator({ quirks: { ticksNumbers: true } });
    const reference = simulator.createDemoJob(60);
    clock.advance(31);

    // Act
    const observation = await watch(reference).poll(context);

    // Assess
    expect(observation.status).toBe('RUNNING');
    expect(observation.progress).toBeGreaterThan(45);
    expect(observation.progress).toBeLessThan(55);
  });
});

describe('Cinegy PCS task lists that page differently', () => {
  it('walks a list without totalCount past short pages to the end', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator({
      quirks: { listOmitsTotalCount: true, maxListLimit: 20 },
    });
    simulator.addFinishedTasks(45);
    const target = simulator.createTask({ name: 'Task far.mxf' });

    // Act
    const observation = await watch({ name: 'Task far.mxf' }).poll(context);

    // Assess
    expect(observation.adapterState).toEqual({ taskId: target.taskId });
    // 20 + 20 + 6: the page shorter than the echoed limit is the last.
    expect(paths().filter((path) => path.endsWith('/tasks/list'))).toHaveLength(3);
  });

  it('walks a list that echoes neither totalCount nor limit until an empty page', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator();
    simulator.addFinishedTasks(25);
    const target = simulator.createTask({ name: 'Task capped.mxf' });
    // A server capping count at 20 silently: 20, then 6, then nothing.
    for (const start of [0, 20, 26]) {
      const { items } = simulator.renderList(start, 20);
      simulator.server.inject(
        { kind: 'garbage', body: JSON.stringify({ items }) },
        { pathIncludes: 'tasks/list' },
      );
    }

    // Act
    const observation = await watch({ name: 'Task capped.mxf' }).poll(context);

    // Assess
    expect(observation.adapterState).toEqual({ taskId: target.taskId });
    expect(paths().map((path, index) => `${path}${simulator.server.requests[index]?.query}`)).toEqual([
      '/pcs/v1/tasks/list?start=0&count=100',
      '/pcs/v1/tasks/list?start=20&count=100',
      '/pcs/v1/tasks/list?start=26&count=100',
    ]);
  });

  it('reads a list that ignores count (everything at once) in one request', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator({ quirks: { listIgnoresCount: true } });
    simulator.addFinishedTasks(150);
    const target = simulator.createTask({ name: 'Task last.mxf' });

    // Act
    const observation = await watch({ name: 'Task last.mxf' }).poll(context);

    // Assess
    expect(observation).toMatchObject({
      adapterState: { taskId: target.taskId },
      details: { matchCount: 1 },
    });
    // One full page (151 ≥ 100 asked) earns one more look, which brings nothing new.
    expect(paths().filter((path) => path.endsWith('/tasks/list')).length).toBeLessThanOrEqual(2);
  });

  it('stops a list that ignores start as soon as a page brings nothing new', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator({
      quirks: { listIgnoresStart: true, listOmitsTotalCount: true, maxListLimit: 10 },
    });
    simulator.addFinishedTasks(30);
    const watched = watch({ name: 'Task missing.mxf' });

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'QUEUED', details: { searchedTasks: 10 } });
    expect(observation.details?.searchTruncated).toBeUndefined();
    expect(paths().filter((path) => path.endsWith('/tasks/list'))).toHaveLength(2);
  });

  it('keeps walking full pages when totalCount only counts the page', async () => {
    // Prepare
    const { simulator, context, watch } = await startSimulator({ quirks: { maxListLimit: 20 } });
    simulator.addFinishedTasks(50);
    const target = simulator.createTask({ name: 'Task beyond.mxf' });
    // Each list answer's totalCount is rewritten to the number of items on that page.
    for (const start of [0, 20, 40]) {
      const listed = simulator.renderList(start, 20);
      simulator.server.inject(
        { kind: 'garbage', body: JSON.stringify({ ...listed, totalCount: listed.items.length }) },
        { pathIncludes: 'tasks/list' },
      );
    }

    // Act
    const observation = await watch({ name: 'Task beyond.mxf' }).poll(context);

    // Assess
    expect(observation.adapterState).toEqual({ taskId: target.taskId });
  });

  it('reads a bare array as a list', async () => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    const target = simulator.createTask({ name: 'Task array.mxf' });
    simulator.server.inject(
      { kind: 'garbage', body: JSON.stringify([simulator.render(target.taskId)]) },
      { pathIncludes: 'tasks/list' },
    );

    // Act
    const observation = await watch({ name: 'Task array.mxf' }).poll(context);

    // Assess
    expect(observation.adapterState).toEqual({ taskId: target.taskId });
  });

  it('reads a list whose proxy HTML-404s every task and the list as a protocol error', async () => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    const reference = simulator.createDemoJob(60);
    simulator.server.inject(
      { kind: 'status', status: 404, body: '<!DOCTYPE html><p>nope</p>', contentType: 'text/html' },
      { count: 2 },
    );

    // Act
    const error = await errorOf(watch(reference).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('tasks/list does not answer either');
  });
});
