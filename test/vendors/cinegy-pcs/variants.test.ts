import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../lib/jobs/errors.js';
import { apiPathFor, CinegyPcsOptionsSchema } from '../../../lib/vendors/cinegy-pcs/cinegy-pcs-options.js';
import { CinegyPcsReferenceSchema } from '../../../lib/vendors/cinegy-pcs/cinegy-pcs-reference.js';
import { readTaskList } from '../../../lib/vendors/cinegy-pcs/cinegy-pcs-schema.js';
import {
  authRequestParts,
  ConfigurableAuthCredentialsSchema,
  parseConfigurableAuth,
  secretValuesOf,
} from '../../../lib/vendors/shared/configurable-auth.js';
import { cinegyContext, closeSimulators, hostRoot, startSimulator } from './support.js';

/*
 * The readings the PCS reference leaves open, each played over real HTTP against the simulator
 * (an independent oracle written from the same reference): string enums and TimeSpan objects
 * (its Swagger schema), the broken date and stale progress of its examples, where the REST root
 * is, how a missing task is answered, content types, capped pages.
 */

afterEach(closeSimulators);

describe('Cinegy PCS Swagger-schema spellings', () => {
  it('reads string enums, ticks objects and text/plain to the same result', async () => {
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

  it('follows string enums to failure and abort', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator({ quirks: { stringEnums: true } });
    const failing = simulator.createDemoJob(60);
    const aborted = simulator.createDemoJob(60);
    clock.advance(20);
    simulator.fail(failing.taskId);
    simulator.abort(aborted.taskId);

    // Act
    const failed = await watch(failing).poll(context);
    const cancelled = await watch(aborted).poll(context);

    // Assess
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'result.type failed' } });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', error: { cause: 'aborted' } });
  });
});

describe('Cinegy PCS example quirks', () => {
  it('forces 100% on success over stale progress, and drops the broken result date', async () => {
    // Prepare
    const { clock, simulator, baseUrl, watch } = await startSimulator({
      quirks: { staleProgressOnFinish: true, invalidResultDate: true, utcOffsetMinutes: 180 },
    });
    const reference = simulator.createDemoJob(60);
    const watched = watch(reference);
    clock.advance(61);
    const zoned = cinegyContext(baseUrl, clock, { options: { timeZone: '+03:00' } });

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

describe('Cinegy PCS REST root', () => {
  it('remembers nothing but the task: a host-root base URL asks pcs/v1/ every time, so a vanished task is LOST after one request', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator({}, {}, hostRoot);
    const reference = simulator.createDemoJob(60);
    const watched = watch(reference);
    const first = await watched.poll(context);
    simulator.vanish(reference.taskId);

    // Act
    const lost = await watched.poll(context);

    // Assess
    expect(first.adapterState).toEqual({ taskId: reference.taskId });
    expect(lost.status).toBe('LOST');
    expect(paths()).toEqual(Array(2).fill(`/pcs/v1/tasks/${reference.taskId}`));
  });

  it('reaches tasks served straight under the host root when apiPath says so', async () => {
    // Prepare
    const { clock, simulator, context, watch, paths } = await startSimulator(
      { apiPath: '/' },
      { apiPath: '' },
    );
    const reference = simulator.createDemoJob(60);
    const watched = watch(reference);

    // Act
    const first = await watched.poll(context);
    clock.advance(61);
    const done = await watched.poll(context);

    // Assess
    expect(first).toMatchObject({ status: 'RUNNING', adapterState: { taskId: reference.taskId } });
    expect(done.status).toBe('SUCCEEDED');
    expect(paths()).toEqual(Array(2).fill(`/tasks/${reference.taskId}`));
  });

  it('finds a task by name in a list served under the host root when apiPath says so', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator({ apiPath: '/' }, { apiPath: '' });
    simulator.addFinishedTasks(3);
    const target = simulator.createTask({ name: 'Task root.mxf' });
    const watched = watch({ name: 'Task root.mxf' });

    // Act
    const found = await watched.poll(context);
    const again = await watched.poll(context);

    // Assess
    expect(found).toMatchObject({ status: 'RUNNING', adapterState: { taskId: target.taskId } });
    expect(again.status).toBe('RUNNING');
    expect(paths()).toEqual(['/tasks/list', `/tasks/${target.taskId}`]);
  });

  it('never leaves the configured REST root: a task unknown there is LOST after one request', async () => {
    // Prepare
    const { context, watch, paths } = await startSimulator({ apiPath: '/' }, {}, hostRoot);
    const taskId = '7b30672e-6a83-4559-9b0c-d2454fa7bab7';

    // Act
    const observation = await watch({ taskId }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'LOST', rawStatus: 'HTTP 404', adapterState: { taskId } });
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

  it('accepts its task id written upper-case, and remembers it as asked', async () => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    const reference = simulator.createDemoJob(60);
    const task = simulator.render(reference.taskId);
    simulator.server.inject({
      kind: 'garbage',
      body: JSON.stringify({ ...task, id: reference.taskId.toUpperCase() }),
    });

    // Act
    const observation = await watch(reference).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'RUNNING', adapterState: { taskId: reference.taskId } });
  });
});

describe('Cinegy PCS task lists that page differently', () => {
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

  it('stops at totalCount although the last page is full', async () => {
    // Prepare
    const { simulator, context, watch, paths } = await startSimulator({ quirks: { maxListLimit: 20 } });
    simulator.addFinishedTasks(40);

    // Act
    const observation = await watch({ name: 'Task missing.mxf' }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'QUEUED', details: { searchedTasks: 40, totalCount: 40 } });
    expect(observation.details?.searchTruncated).toBeUndefined();
    expect(paths()).toHaveLength(2);
  });
});

function issuesOf(value: unknown): string[] {
  const parsed = CinegyPcsReferenceSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
}

describe('Cinegy PCS reference', () => {
  it.each([
    { taskId: '7b30672e-6a83-4559-9b0c-d2454fa7bab7' },
    { name: 'Task The Trail.mp4 - 27-Jule-23 13:29:00' },
    { metadata: { 'src.name': 'The Trail.mp4' } },
    { name: 'Task A', metadata: { 'src.ext': 'mp4' }, createdAfter: '2023-07-27T10:00:00+03:00' },
  ])('accepts %j', (reference) => {
    // Act
    const issues = issuesOf(reference);

    // Assess
    expect(issues).toEqual([]);
  });

  it.each([
    [{}, 'give taskId, or name and/or metadata'],
    [{ taskId: 'a', name: 'b' }, 'taskId alone'],
    [{ taskId: 'a', createdAfter: '2023-07-27T10:00:00Z' }, 'createdAfter only picks'],
    [{ taskId: '../clients/list' }, 'taskId must be the PCS task id'],
    [{ name: '' }, 'name must not be empty'],
    [{ metadata: {} }, 'at least one key'],
    [{ metadata: { 'src.name': 42 } }, 'metadata values are strings'],
    [{ name: 'a', createdAfter: '2023-07-27 10:00' }, 'createdAfter must be an ISO 8601'],
    [{ name: 'a', url: 'http://elsewhere/' }, 'Unrecognized key'],
  ])('refuses %j, saying %j', (reference, expected) => {
    // Act
    const issues = issuesOf(reference);

    // Assess
    expect(issues.join(' | ')).toContain(expected);
  });
});

describe('Cinegy PCS options', () => {
  it('defaults to paged lookups in UTC and to pcs/v1/ below a host-root base URL', () => {
    // Act
    const options = CinegyPcsOptionsSchema.parse({});

    // Assess
    expect(options).toMatchObject({
      pageSize: 100,
      maxPages: 20,
      notFoundGraceSeconds: 600,
      timeZone: 'UTC',
    });
    expect(apiPathFor(options, new URL('http://pcs:8666/'))).toBe('pcs/v1/');
    expect(apiPathFor(options, new URL('http://pcs:8666/pcs/v1/'))).toBe('');
    expect(apiPathFor(options, new URL('http://gateway/cinegy/'))).toBe('');
    expect(apiPathFor(CinegyPcsOptionsSchema.parse({ apiPath: 'pcs/v2' }), new URL('http://pcs/'))).toBe(
      'pcs/v2/',
    );
    expect(apiPathFor(CinegyPcsOptionsSchema.parse({ apiPath: '' }), new URL('http://pcs/'))).toBe('');
  });

  it.each([
    [{ apiPath: '/pcs/v1/' }],
    [{ apiPath: 'http://elsewhere/' }],
    [{ apiPath: '../admin/' }],
    [{ timeZone: 'Mars/Olympus' }],
    [{ pageSize: 0 }],
    [{ pagesize: 10 }],
    [{ listOrder: 'creationTime' }],
  ])('refuses %j', (options) => {
    // Act
    const parsed = CinegyPcsOptionsSchema.safeParse(options);

    // Assess
    expect(parsed.success).toBe(false);
  });
});

describe('Cinegy PCS task list shapes', () => {
  it.each([
    [
      { items: [{ id: 'a' }], totalCount: 1, start: 0, limit: 20 },
      { items: [{ id: 'a' }], totalCount: 1, limit: 20 },
    ],
    [
      { items: [], totalCount: 'many' },
      { items: [], totalCount: undefined },
    ],
  ])('reads %j', (value, expected) => {
    // Act
    const list = readTaskList(value);

    // Assess
    expect(list).toMatchObject(expected);
  });

  it.each([[{ tasks: [] }], ['[]'], [null], [[{ id: 'a' }]], [{ items: null, totalCount: 0 }]])(
    'refuses %j',
    (value) => {
      // Act / Assess
      expect(readTaskList(value)).toBeUndefined();
    },
  );
});

describe('configurable auth', () => {
  it.each([
    [{}, { headers: {}, query: {} }],
    [{ scheme: 'none' }, { headers: {}, query: {} }],
    [
      { scheme: 'basic', username: 'ops', password: 'p4ss' },
      { headers: { authorization: 'Basic b3BzOnA0c3M=' }, query: {} },
    ],
    [
      { scheme: 'header', headerName: 'X-Api-Key', headerValue: 'k3y-value' },
      { headers: { 'x-api-key': 'k3y-value' }, query: {} },
    ],
    [
      { scheme: 'query', paramName: 'apikey', paramValue: 'k3y-value' },
      { headers: {}, query: { apikey: 'k3y-value' } },
    ],
  ])('turns %j into the request parts %j', (credentials, expected) => {
    // Act
    const parts = authRequestParts(ConfigurableAuthCredentialsSchema.parse(credentials));

    // Assess
    expect(parts).toEqual(expected);
  });

  it.each([
    [{ username: 'ops', password: 'p4ss' }, 'scheme must be one of'],
    [{ scheme: 'basic', username: 'ops' }, 'password is required'],
    [{ scheme: 'basic', username: 'o:ps', password: 'x' }, 'must not contain ":"'],
    [{ scheme: 'header', headerName: 'Host', headerValue: 'x' }, 'reserved header'],
    [{ scheme: 'header', headerName: 'X-Key', headerValue: 'a\r\nInjected: 1' }, 'control characters'],
    [{ scheme: 'query', paramName: 'a&b', paramValue: 'x' }, 'paramName must be'],
    [{ scheme: 'none', password: 'leftover' }, 'Unrecognized key'],
  ])('refuses %j, naming the field but never its value', (credentials, expected) => {
    // Act
    const error = (() => {
      try {
        parseConfigurableAuth(credentials as Record<string, string>, 'connection "pcs"');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(expected);
    expect((error as Error).message).not.toContain('p4ss');
    expect((error as Error).message).not.toContain('leftover');
  });

  it('lists only the secret parts of credentials for redaction', () => {
    // Act
    const secrets = secretValuesOf(
      ConfigurableAuthCredentialsSchema.parse({
        scheme: 'header',
        headerName: 'X-Api-Key',
        headerValue: 'k3y-value',
      }),
    );

    // Assess
    expect(secrets).toEqual(['k3y-value']);
  });
});
