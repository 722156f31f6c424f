import { afterEach, describe, expect, it } from 'vitest';
import { VendorAuthError } from '../../../lib/jobs/errors.js';
import { cinegyPcsAdapter } from '../../../lib/vendors/cinegy-pcs/cinegy-pcs-adapter.js';
import { ConnectionSessions } from '../../../lib/watch/connection-sessions.js';
import { type CinegyPcsSimulator, unknownStatus } from '../../../local/simulators/cinegy-pcs/index.js';
import { cinegyContext, closeSimulators, errorOf, hostRoot, startSimulator, WatchedTask } from './support.js';

afterEach(closeSimulators);

describe('Cinegy PCS adapter against the simulator', () => {
  it('follows a demo task from registered through progress to succeeded', async () => {
    // Prepare
    const { clock, simulator, context, watch, paths } = await startSimulator();
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
    expect(paths()).toEqual(Array(3).fill(`/pcs/v1/tasks/${reference.taskId}`));
  });

  it('asks pcs/v1/ below a base URL that is the host root', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator({}, {}, hostRoot);
    const reference = simulator.createDemoJob(10);

    // Act
    const observation = await watch(reference).poll(context);

    // Assess
    expect(observation.status).toBe('RUNNING');
    expect(paths()).toEqual([`/pcs/v1/tasks/${reference.taskId}`]);
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

  it('reads an unpublished status number through its description', async () => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    const reference = simulator.createTask({
      steps: [{ at: 0, state: unknownStatus(9, 'Task is suspended by the operator') }],
    });

    // Act
    const observation = await watch({ taskId: reference.taskId }).poll(context);

    // Assess
    expect(observation).toMatchObject({
      status: 'SUSPENDED',
      rawStatus: '9 (Task is suspended by the operator)',
    });
  });

  it('has no cancel: the PCS REST API is read-only', () => {
    // Assess
    expect(cinegyPcsAdapter.cancel).toBeUndefined();
  });
});

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

describe('Cinegy PCS state between polls', () => {
  it.each([
    ['a number for the id', { taskId: 42 }],
    ['an empty id', { taskId: '' }],
    ['no object at all', 'pcs/v1/'],
  ])('reads a stored state with %s as none, and looks the task up again', async (_what, stored) => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator();
    const target = simulator.createTask({ name: 'Task stored.mxf' });
    const watched = watch({ name: 'Task stored.mxf' });
    watched.stored = stored;

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(watched.state).toEqual({ taskId: target.taskId });
    expect(observation).toMatchObject({ status: 'RUNNING', adapterState: { taskId: target.taskId } });
    expect(paths()).toEqual(['/pcs/v1/tasks/list']);
  });

  it('polls the given task id when the stored state cannot be read', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator();
    const reference = simulator.createDemoJob(60);
    const watched = watch(reference);
    watched.stored = { taskId: ['not', 'an', 'id'] };

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.status).toBe('RUNNING');
    expect(paths()).toEqual([`/pcs/v1/tasks/${reference.taskId}`]);
  });

  it('reads the task a lookup found by id on every later poll, as the stored state says', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator();
    simulator.addFinishedTasks(3);
    const target = simulator.createTask({ name: 'Task remembered.mxf' });
    const watched = watch({ name: 'Task remembered.mxf' });
    await watched.poll(context);

    // Act
    await watched.poll(context);
    await watched.poll(context);

    // Assess
    expect(watched.stored).toEqual({ taskId: target.taskId });
    expect(paths()).toEqual(['/pcs/v1/tasks/list', ...Array(2).fill(`/pcs/v1/tasks/${target.taskId}`)]);
  });
});

describe('Cinegy PCS per-connection memory', () => {
  it('keeps no memory of a connection: PCS REST has no login, token or session', async () => {
    // Prepare
    const { simulator } = await startSimulator();
    const sessions = new ConnectionSessions();
    const connection = {
      name: 'pcs',
      vendor: 'cinegy-pcs' as const,
      baseUrl: simulator.server.url,
      credentials: {},
      options: {},
    };

    // Act
    const session = sessions.forAdapter(connection, cinegyPcsAdapter, {});

    // Assess
    expect(cinegyPcsAdapter.createMemory).toBeUndefined();
    expect(session.memory).toBeUndefined();
  });

  it('sends each connection its own credentials, even to the same PCS', async () => {
    // Prepare
    const first = await startSimulator({ auth: 'header' });
    const second = await startSimulator({ auth: 'header' });
    const sessions = new ConnectionSessions();
    const reference = first.simulator.createDemoJob(60);
    const contextOf = (name: string, credentials: Record<string, string>) =>
      cinegyContext(first.baseUrl, first.clock, { connection: name, credentials, sessions });

    // Act
    const own = await new WatchedTask(reference, new Date(first.clock.now())).poll(
      contextOf('pcs-a', first.simulator.credentials),
    );
    const other = await errorOf(
      new WatchedTask(reference, new Date(first.clock.now())).poll(
        contextOf('pcs-b', second.simulator.credentials),
      ),
    );

    // Assess
    expect(own.status).toBe('RUNNING');
    expect(other).toBeInstanceOf(VendorAuthError);
    const keys = first.simulator.server.requests.map((request) => request.headers['x-api-key']);
    expect(keys).toEqual([first.simulator.credentials.headerValue, second.simulator.credentials.headerValue]);
  });

  it('uses changed credentials of the same connection at once, and the old ones no longer', async () => {
    // Prepare
    const { clock, simulator, baseUrl, watch } = await startSimulator({ auth: 'basic' });
    const sessions = new ConnectionSessions();
    const watched = watch(simulator.createDemoJob(60));
    const contextWith = (password: string | undefined) =>
      cinegyContext(baseUrl, clock, {
        connection: 'pcs-rotated',
        sessions,
        credentials: { ...simulator.credentials, ...(password === undefined ? {} : { password }) },
      });

    // Act
    const before = await watched.poll(contextWith(undefined));
    const rotated = await errorOf(watched.poll(contextWith('rotated-elsewhere')));
    const back = await watched.poll(contextWith(undefined));

    // Assess
    expect(before.status).toBe('RUNNING');
    expect(rotated).toBeInstanceOf(VendorAuthError);
    expect(back.status).toBe('RUNNING');
    const authorizations = simulator.server.requests.map((request) => request.headers.authorization);
    expect(new Set(authorizations).size).toBe(2);
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
});
