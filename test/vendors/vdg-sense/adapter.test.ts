import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VendorAuthError } from '../../../lib/jobs/errors.js';
import { vdgSenseAdapter } from '../../../lib/vendors/vdg-sense/vdg-sense-adapter.js';
import { vdgSenseRequest } from '../../../lib/vendors/vdg-sense/vdg-sense-client.js';
import { ConnectionSessions } from '../../../lib/watch/connection-sessions.js';
import { type VdgSenseSimulator, vdgTime } from '../../../local/simulators/vdg-sense/index.js';
import {
  contextFor,
  errorOf,
  type manualClock,
  startSimulator,
  type VdgContext,
  WatchedExport,
} from './support.js';

type Clock = ReturnType<typeof manualClock>;

describe('VDG Sense adapter against the simulator', () => {
  let simulator: VdgSenseSimulator;
  let clock: Clock;
  let context: VdgContext;

  beforeEach(async () => {
    ({ simulator, clock, context } = await startSimulator());
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('follows a demo export from queued through running to succeeded, logging in once', async () => {
    // Prepare
    const watched = new WatchedExport(simulator.createDemoJob(60));

    // Act
    const queued = await watched.poll(context);
    clock.advance(20);
    const running = await watched.poll(context);
    clock.advance(40);
    const done = await watched.poll(context);

    // Assess
    expect(queued).toMatchObject({ status: 'QUEUED', rawStatus: 'PENDING', progress: 0 });
    expect(running).toMatchObject({ status: 'RUNNING', rawStatus: 'SYNCING' });
    expect(running.progress).toBeGreaterThan(30);
    expect(running.progress).toBeLessThan(45);
    expect(running.details).toMatchObject({ bandwidthKbps: 4000, deviceCount: 2 });
    expect(done).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'COMPLETED', progress: 100 });
    expect(done.partial).toBeUndefined();
    expect(simulator.logins).toBe(1);
  });

  it('asks for the export by its URL-encoded id', async () => {
    // Prepare
    const watched = new WatchedExport({ exportId: 'a&b c' });

    // Act
    const observation = await watched.poll(context);

    // Assess
    const statusRequest = simulator.server.requests.find((request) => request.path === '/command');
    expect(statusRequest?.query).toContain('command=getExportVideoStatus');
    expect(statusRequest?.query).toContain('exportid=a%26b+c');
    expect(observation.status).toBe('LOST');
  });

  it('reports a completed export with a failed device as partially succeeded', async () => {
    // Prepare
    const reference = simulator.createDemoJob(60);
    const watched = new WatchedExport(reference);
    clock.advance(20);
    simulator.completeWithFailedDevice(reference.exportId, 0);

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'SUCCEEDED', partial: true, rawStatus: 'COMPLETED' });
    expect(observation.message).toContain('1 of 2 devices did not complete');
    expect(observation.progress).toBeLessThan(100);
  });

  it('reports a removed export as cancelled', async () => {
    // Prepare
    const reference = simulator.createDemoJob(60);
    const watched = new WatchedExport(reference);
    simulator.remove(reference.exportId);

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'CANCELLED', rawStatus: 'REMOVED' });
  });

  it('reports an export id the manager forgot after a restart (-57) as lost, saying why', async () => {
    // Prepare
    const watched = new WatchedExport(simulator.createDemoJob(60));
    await watched.poll(context);
    simulator.restart();

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.status).toBe('LOST');
    expect(observation.rawStatus).toBe('errorcode -57');
    expect(observation.message).toContain(
      'the export id is unknown; VDG resets export ids when the SensePluginManager restarts',
    );
  });

  it('reports an id reused by another export as lost, never with that export’s status', async () => {
    // Prepare
    const reference = simulator.createDemoJob(60);
    const watched = new WatchedExport(reference);
    simulator.restart();
    simulator.reuseId(reference.exportId, {
      path: 'D:\\Exports\\someone-else',
      devices: [
        { serverId: 'srv-0009', deviceId: 'cam-other', startTime: vdgTime(0), endTime: vdgTime(60_000) },
      ],
    });
    simulator.complete(reference.exportId);

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'LOST', rawStatus: 'export id reused' });
    expect(observation.message).toContain('was reused by another export (the path differs');
    expect(JSON.stringify(observation)).not.toContain('someone-else');
  });

  it('remembers the first export seen when no fingerprint was given, and spots a later reuse', async () => {
    // Prepare
    const { exportId } = simulator.createDemoJob(60);
    const watched = new WatchedExport({ exportId });
    const first = await watched.poll(context);
    simulator.restart();
    simulator.reuseId(exportId, {
      path: 'D:\\Exports\\someone-else',
      devices: [
        { serverId: 'srv-0009', deviceId: 'cam-other', startTime: vdgTime(0), endTime: vdgTime(60_000) },
      ],
    });

    // Act
    const second = await watched.poll(context);

    // Assess
    expect(first.status).toBe('QUEUED');
    expect(first.adapterState?.fingerprint).toMatchObject({ path: expect.stringContaining('demo-') });
    expect(second).toMatchObject({ status: 'LOST', rawStatus: 'export id reused' });
  });

  it.each([
    ['the server root', ''],
    ['the server root without a trailing slash', '#noslash'],
  ])(
    'requests {base}command?command=getExportVideoStatus&exportid=N for a base URL of %s',
    async (_name, suffix) => {
      // Prepare: a manager without login, so only the command URL is under test.
      const open = await startSimulator({ auth: 'none' });
      const root = open.baseUrl;
      const baseUrl = suffix === '#noslash' ? root.replace(/\/$/, '') : `${root}${suffix}`;
      const configured = contextFor(baseUrl, {}, {}, open.clock);
      const watched = new WatchedExport(open.simulator.createDemoJob(60));

      // Act
      const observation = await watched.poll(configured).finally(() => open.simulator.close());

      // Assess
      expect(observation.status).toBe('QUEUED');
      expect(open.simulator.server.requests.map((request) => `${request.path}${request.query}`)).toEqual([
        '/command?command=getExportVideoStatus&exportid=1',
      ]);
    },
  );

  it('removes a pending export when cancelled, and then sees it cancelled', async () => {
    // Prepare
    const reference = simulator.createDemoJob(60);
    const watched = new WatchedExport(reference);

    // Act
    const outcome = await vdgSenseAdapter.cancel?.(context, watched.job);
    const observation = await watched.poll(context);

    // Assess
    expect(outcome).toEqual({ cancelled: true, message: `VDG Sense removed export ${reference.exportId}` });
    expect(observation.status).toBe('CANCELLED');
    const removal = simulator.server.requests.find(
      (request) => request.method === 'POST' && request.path === '/command',
    );
    expect(removal?.query).toContain('command=exportVideo');
  });

  it('does not cancel a completed export', async () => {
    // Prepare
    const reference = simulator.createDemoJob(60);
    simulator.complete(reference.exportId);
    const watched = new WatchedExport(reference);

    // Act
    const outcome = await vdgSenseAdapter.cancel?.(context, watched.job);

    // Assess
    expect(outcome).toEqual({ cancelled: false, message: 'The export has already completed' });
  });

  it('does not remove an export that reused our id', async () => {
    // Prepare
    const reference = simulator.createDemoJob(60);
    simulator.restart();
    simulator.reuseId(reference.exportId, {
      path: 'D:\\Exports\\someone-else',
      devices: [
        { serverId: 'srv-0009', deviceId: 'cam-other', startTime: vdgTime(0), endTime: vdgTime(60_000) },
      ],
    });
    const watched = new WatchedExport(reference);

    // Act
    const outcome = await vdgSenseAdapter.cancel?.(context, watched.job);
    const other = await new WatchedExport({ exportId: reference.exportId }).poll(context);

    // Assess
    expect(outcome?.cancelled).toBe(false);
    expect(outcome?.message).toContain('reused by another export');
    expect(other.status).not.toBe('CANCELLED');
  });

  it('watches an export created the real way, with POST exportVideo', async () => {
    // Prepare
    const body =
      '<?xml version="1.0" ?><export><devices><device><serverid>srv-0001</serverid><deviceid>cam-a</deviceid>' +
      '<starttime>2024-01-19 10:00:00.000</starttime><endtime>2024-01-19 10:01:00.000</endtime></device></devices>' +
      '<path>D:\\Exports\\api</path><bandwidth>1000</bandwidth></export>';
    const answer = await vdgSenseRequest(context, {
      method: 'POST',
      url: 'exportVideo',
      headers: { 'content-type': 'text/xml' },
      body,
    });
    const exportId = /<exportid>(\d+)<\/exportid>/.exec(answer.text)?.[1] ?? '';
    const watched = new WatchedExport({
      exportId,
      path: 'd:\\exports\\api',
      devices: [
        {
          serverId: 'srv-0001',
          deviceId: 'cam-a',
          startTime: '2024-01-19 10:00:00',
          endTime: '2024-01-19 10:01:00',
        },
      ],
    });

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(answer.headers.get('content-type')).toBe('text/xml');
    expect(exportId).not.toBe('');
    expect(observation).toMatchObject({
      status: 'QUEUED',
      details: { path: 'D:\\Exports\\api', deviceCount: 1 },
    });
  });
});

describe('VDG Sense authentication', () => {
  const started: VdgSenseSimulator[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((simulator) => simulator.close()));
  });

  async function start(options: Parameters<typeof startSimulator>[0] = {}) {
    const setup = await startSimulator(options);
    started.push(setup.simulator);
    return setup;
  }

  it('logs in with AuthenticateUserDigest and sends the session back', async () => {
    // Prepare
    const { simulator, context } = await start();
    const watched = new WatchedExport(simulator.createDemoJob(60));

    // Act
    await watched.poll(context);
    await watched.poll(context);

    // Assess
    const login = simulator.server.requests.filter((request) => request.path === '/webservice');
    expect(login).toHaveLength(1);
    expect(login[0]?.method).toBe('POST');
    expect(simulator.server.requests.at(-1)?.headers.cookie).toMatch(/^sessionid=[0-9a-f]{32}$/);
  });

  it('logs in again once when the session expired, and carries on', async () => {
    // Prepare
    const { simulator, context } = await start();
    const watched = new WatchedExport(simulator.createDemoJob(60));
    await watched.poll(context);
    simulator.expireSessions();

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(simulator.logins).toBe(2);
  });

  it('watches a manager that needs no login with a connection that has no credentials and no options', async () => {
    // Prepare
    const { simulator, clock, baseUrl } = await start({ auth: 'none' });
    const context = contextFor(baseUrl, {}, {}, clock);
    const watched = new WatchedExport(simulator.createDemoJob(60));

    // Act
    const observation = await watched.poll(context);
    await watched.poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(simulator.server.requests.map((request) => request.path)).toEqual(['/command', '/command']);
    expect(
      simulator.server.requests.every((request) => !request.headers.authorization && !request.headers.cookie),
    ).toBe(true);
  });
});

describe('VDG Sense state between polls', () => {
  let simulator: VdgSenseSimulator;
  let context: VdgContext;

  beforeEach(async () => {
    ({ simulator, context } = await startSimulator());
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('remembers exactly the fingerprint of the first export seen, and no more', async () => {
    // Prepare
    const reference = simulator.createDemoJob(60);
    const watched = new WatchedExport({ exportId: reference.exportId });

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.adapterState).toEqual({
      fingerprint: {
        path: reference.path,
        devices: reference.devices.map((device) => ({ ...device })),
      },
    });
    expect(watched.state).toEqual(observation.adapterState);
  });

  it('remembers nothing of an export whose reference carries its fingerprint', async () => {
    // Prepare
    const watched = new WatchedExport(simulator.createDemoJob(60));

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.adapterState).toEqual({});
  });

  it.each([
    ['a fingerprint that is no object', { fingerprint: 'D:\\Exports\\other' }],
    ['a count that is no number', { notListedPolls: 'twice' }],
    ['no object at all', ['fingerprint']],
  ])('reads a stored state with %s as none, and polls afresh', async (_case, stored) => {
    // Prepare
    const reference = simulator.createDemoJob(60);
    const watched = new WatchedExport({ exportId: reference.exportId });
    watched.stored = stored;

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(observation.adapterState?.fingerprint?.path).toBe(reference.path);
    expect(observation.adapterState).not.toHaveProperty('notListedPolls');
  });

  it('reads a state an older version stored with more fields, and keeps its fingerprint', async () => {
    // Prepare
    const { exportId } = simulator.createDemoJob(60);
    const watched = new WatchedExport({ exportId });
    watched.stored = { fingerprint: { path: 'D:\\Exports\\someone-else' }, seenAt: '2024-01-19' };

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'LOST', rawStatus: 'export id reused' });
  });
});

describe("VDG Sense connection's memory", () => {
  let simulator: VdgSenseSimulator;
  let clock: Clock;
  let baseUrl: string;

  beforeEach(async () => {
    ({ simulator, clock, baseUrl } = await startSimulator());
  });

  afterEach(async () => {
    await simulator.close();
  });

  function connect(name: string, sessions: ConnectionSessions, credentials = simulator.credentials) {
    return contextFor(baseUrl, credentials, simulator.connectionOptions(), clock, {
      connection: name,
      sessions,
    });
  }

  it('keeps one session for the calls of one connection, as a warm container does', async () => {
    // Prepare
    const sessions = new ConnectionSessions();
    const watched = new WatchedExport(simulator.createDemoJob(60));

    // Act
    await watched.poll(connect('vdg-main', sessions));
    await watched.poll(connect('vdg-main', sessions));

    // Assess
    expect(simulator.logins).toBe(1);
  });

  it('logs in once for parallel polls of one connection', async () => {
    // Prepare
    const sessions = new ConnectionSessions();
    const jobs = [simulator.createDemoJob(60), simulator.createDemoJob(60), simulator.createDemoJob(60)];

    // Act
    await Promise.all(jobs.map((job) => new WatchedExport(job).poll(connect('vdg-main', sessions))));

    // Assess
    expect(simulator.logins).toBe(1);
  });

  it('does not share a session between two connections', async () => {
    // Prepare
    const sessions = new ConnectionSessions();
    const watched = new WatchedExport(simulator.createDemoJob(60));
    const one = connect('vdg-one', sessions);
    const other = connect('vdg-other', sessions);

    // Act
    await watched.poll(one);
    await watched.poll(other);
    await watched.poll(one);
    await watched.poll(other);

    // Assess
    expect(one.memory).not.toBe(other.memory);
    expect(simulator.logins).toBe(2);
    const cookies = simulator.server.requests
      .filter((request) => request.path === '/command')
      .map((request) => request.headers.cookie);
    expect(new Set(cookies).size).toBe(2);
  });

  it('starts a fresh memory when the credentials of the connection change', async () => {
    // Prepare
    const sessions = new ConnectionSessions();
    const watched = new WatchedExport(simulator.createDemoJob(60));
    const { username = '', password = '' } = simulator.credentials;
    await watched.poll(connect('vdg-main', sessions));

    // Act: the old session would still be accepted; a rotated (here: wrong) password must not use it.
    const rotated = connect('vdg-main', sessions, { username, password: `${password}-rotated` });
    const error = await errorOf(watched.poll(rotated));
    const back = connect('vdg-main', sessions);
    await watched.poll(back);

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(rotated.memory.session).toBeUndefined();
    expect(simulator.logins).toBe(2);
  });

  it('has a memory of its own for every connection, made by the adapter', () => {
    // Act
    const memory = vdgSenseAdapter.createMemory?.();

    // Assess
    expect(memory).toEqual({ session: undefined });
    expect(vdgSenseAdapter.createMemory?.()).not.toBe(memory);
  });
});
