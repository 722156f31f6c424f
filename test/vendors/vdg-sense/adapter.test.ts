import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VendorAuthError, VendorProtocolError, VendorTransportError } from '../../../lib/jobs/errors.js';
import {
  clearVdgSenseSessions,
  VdgSenseErrorCodeError,
  vdgSenseAdapter,
} from '../../../lib/vendors/vdg-sense/index.js';
import { vdgSenseRequest } from '../../../lib/vendors/vdg-sense/vdg-sense-client.js';
import { VdgSenseSimulator, vdgTime } from '../../../local/simulators/vdg-sense/index.js';
import { contextFor, manualClock, WatchedExport } from './support.js';

type Clock = ReturnType<typeof manualClock>;

async function startSimulator(options: ConstructorParameters<typeof VdgSenseSimulator>[0] = {}) {
  const clock = manualClock();
  const simulator = new VdgSenseSimulator({ clock, ...options });
  const baseUrl = await simulator.start();
  const context = contextFor(baseUrl, simulator.credentials, simulator.connectionOptions(), clock);
  return { clock, simulator, baseUrl, context };
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-error: ${String(error)}`);
  }
  throw new Error('expected a rejection');
}

describe('VDG Sense adapter against the simulator', () => {
  let simulator: VdgSenseSimulator;
  let clock: Clock;
  let context: ReturnType<typeof contextFor>;

  beforeEach(async () => {
    clearVdgSenseSessions();
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

  it('reads lower-case statuses in the documented malformed shape to the same result', async () => {
    // Prepare
    simulator.setQuirks({ lowerCaseStatuses: true, malformedShape: true });
    const watched = new WatchedExport(simulator.createDemoJob(60));
    clock.advance(20);

    // Act
    const running = await watched.poll(context);
    clock.advance(40);
    const done = await watched.poll(context);

    // Assess
    expect(running).toMatchObject({ status: 'RUNNING', rawStatus: 'syncing' });
    expect(running.details?.xmlRepaired).toEqual([
      'quoted unquoted attribute values',
      'closed 1 unclosed <device> element',
    ]);
    expect(done).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'completed', progress: 100 });
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

  it('picks our export from the whole list when the manager ignores the exportid filter', async () => {
    // Prepare
    simulator.setQuirks({ ignoreExportIdFilter: true });
    simulator.createDemoJob(30);
    const reference = simulator.createDemoJob(60);
    simulator.createDemoJob(90);
    simulator.complete('1');
    const watched = new WatchedExport(reference);
    clock.advance(20);

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(reference.exportId).toBe('2');
    expect(observation).toMatchObject({
      status: 'RUNNING',
      details: { exportId: '2', path: reference.path },
    });
  });

  it('reports an export missing from an errorcode-0 list as lost only when the next answer agrees', async () => {
    // Prepare
    simulator.setQuirks({ unknownIdAsEmptyList: true });
    const watched = new WatchedExport(simulator.createDemoJob(60));
    clock.advance(20);
    const running = await watched.poll(context);
    simulator.restart();

    // Act
    const first = await watched.poll(context);
    const second = await watched.poll(context);

    // Assess
    expect(running.status).toBe('RUNNING');
    expect(first).toMatchObject({ status: 'RUNNING', rawStatus: 'not listed' });
    expect(first.message).toContain('LOST if it is still missing after 1 more poll');
    expect(second).toMatchObject({ status: 'LOST', rawStatus: 'not listed' });
    expect(second.message).toContain('without export id 1 in its export list');
  });

  it('forgets a missing answer once the export is listed again', async () => {
    // Prepare
    const reference = simulator.createDemoJob(60);
    const watched = new WatchedExport(reference);
    simulator.setQuirks({ unknownIdAsEmptyList: true, ignoreExportIdFilter: false });
    simulator.server.inject(
      { kind: 'garbage', body: '<result errorcode="0"><exports count="0"/></result>' },
      { pathIncludes: '/command' },
    );

    // Act
    const missing = await watched.poll(context);
    const back = await watched.poll(context);
    simulator.server.inject(
      { kind: 'garbage', body: '<result errorcode="0"><exports count="0"/></result>' },
      { pathIncludes: '/command' },
    );
    const missingAgain = await watched.poll(context);

    // Assess
    expect(missing.status).toBe('QUEUED');
    expect(back.status).toBe('QUEUED');
    expect(back.adapterState).not.toHaveProperty('notListedPolls');
    expect(missingAgain.status).toBe('QUEUED');
  });

  it('reports an unlisted export as lost at once when so configured', async () => {
    // Prepare
    simulator.setQuirks({ unknownIdAsEmptyList: true });
    const lostAtOnce = contextFor(
      context.connection.baseUrl,
      simulator.credentials,
      { ...simulator.connectionOptions(), notListedPollsBeforeLost: 1 },
      clock,
    );
    const watched = new WatchedExport({ exportId: '404' });

    // Act
    const observation = await watched.poll(lostAtOnce);

    // Assess
    expect(observation).toMatchObject({ status: 'LOST', rawStatus: 'not listed' });
  });

  it('reads the errorcode from a <errorcode> element as well as from the attribute', async () => {
    // Prepare
    simulator.setQuirks({ errorCodeAsElement: true });
    const watched = new WatchedExport(simulator.createDemoJob(60));
    const known = await watched.poll(context);
    simulator.restart();

    // Act
    const forgotten = await watched.poll(context);

    // Assess
    expect(known.status).toBe('QUEUED');
    expect(forgotten).toMatchObject({ status: 'LOST', rawStatus: 'errorcode -57' });
  });

  it.each([
    ['the server root', ''],
    ['the server root without a trailing slash', '#noslash'],
    ['the command file itself', 'command'],
    ['the command file itself with a trailing slash', 'command/'],
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

  it('treats errorcode -18 as a retryable protocol error carrying the code, never a job failure', async () => {
    // Prepare
    const watched = new WatchedExport(simulator.createDemoJob(60));
    simulator.failStatusRequests(1, -18);

    // Act
    const error = await errorOf(watched.poll(context));
    const next = await watched.poll(context);

    // Assess
    expect(error).toBeInstanceOf(VdgSenseErrorCodeError);
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect((error as VdgSenseErrorCodeError).errorCode).toBe(-18);
    expect((error as VdgSenseErrorCodeError).retryable).toBe(true);
    expect(error.message).toContain('errorcode -18 (general error)');
    expect(next.status).toBe('QUEUED');
  });

  it.each([
    ['a 503', { kind: 'status', status: 503, body: '<html>busy</html>', contentType: 'text/html' } as const],
    ['a reset connection', { kind: 'reset' } as const],
    ['a body cut off mid-stream', { kind: 'truncate' } as const],
  ])('surfaces %s in the middle of a watch as a transport error, then carries on', async (_name, fault) => {
    // Prepare
    const watched = new WatchedExport(simulator.createDemoJob(60));
    await watched.poll(context);
    clock.advance(20);
    simulator.server.inject(fault, { pathIncludes: '/command' });

    // Act
    const error = await errorOf(watched.poll(context));
    const next = await watched.poll(context);

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(next.status).toBe('RUNNING');
  });

  it.each([
    [
      'a truncated XML body',
      '<?xml version="1.0"?><result errorcode="0"><exports count="1"><export><exportid>1</expo',
    ],
    [
      'an HTML error page',
      '<!-- error --><html><body><h1>Error 500</h1><p>Sense<br>plugin</p></body></html>',
    ],
    ['a DOCTYPE document', '<!DOCTYPE result [<!ENTITY a "b">]><result errorcode="0">&a;</result>'],
    ['plain text', 'Service temporarily unavailable'],
  ])('refuses %s with a clear protocol error', async (_name, body) => {
    // Prepare
    const watched = new WatchedExport(simulator.createDemoJob(60));
    simulator.server.inject({ kind: 'garbage', body, contentType: 'text/xml' }, { pathIncludes: '/command' });

    // Act
    const error = await errorOf(watched.poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toMatch(/not well-formed|DOCTYPE|<result>/);
  });

  it('refuses a 20 MB body as a protocol error without reading it all', async () => {
    // Prepare
    const watched = new WatchedExport(simulator.createDemoJob(60));
    const huge = `<result errorcode="0"><exports>${'<export/>'.repeat((20 * 1024 * 1024) / 9)}</exports></result>`;
    simulator.server.inject(
      { kind: 'garbage', body: huge, contentType: 'text/xml' },
      { pathIncludes: '/command' },
    );

    // Act
    const error = await errorOf(watched.poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('more than the');
  });

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

  beforeEach(() => {
    clearVdgSenseSessions();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((simulator) => simulator.close()));
  });

  async function start(options: ConstructorParameters<typeof VdgSenseSimulator>[0] = {}) {
    const setup = await startSimulator(options);
    started.push(setup.simulator);
    return setup;
  }

  it('logs in with AuthenticateUserDigest and sends the session back', async () => {
    // Prepare
    const { simulator, context } = await start({ clientNonce: 'AR5chsWVZagPfMpB' });
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

  it('renews the session when the manager answers a configured "not logged in" errorcode', async () => {
    // Prepare
    const { simulator, clock, baseUrl } = await start({ sessionRefusedErrorCode: -6 });
    const context = contextFor(
      baseUrl,
      simulator.credentials,
      { auth: { scheme: 'digest', sessionErrorCodes: [-6] } },
      clock,
    );
    const watched = new WatchedExport(simulator.createDemoJob(60));
    await watched.poll(context);
    simulator.expireSessions();

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(simulator.logins).toBe(2);
  });

  it('gives up with an auth error when a fresh session is refused too', async () => {
    // Prepare
    const { simulator, context } = await start();
    const watched = new WatchedExport(simulator.createDemoJob(60));
    simulator.refuseAllSessions();

    // Act
    const error = await errorOf(watched.poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(simulator.logins).toBe(2);
  });

  it('reports a refused login (wrong password) as an auth error', async () => {
    // Prepare
    const { simulator, clock, baseUrl } = await start();
    const context = contextFor(baseUrl, { username: 'jobwatch', password: 'wrong-password' }, {}, clock);
    const watched = new WatchedExport(simulator.createDemoJob(60));

    // Act
    const error = await errorOf(watched.poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(simulator.logins).toBe(0);
  });

  it('sends no login without credentials, and names them when the manager wants a session', async () => {
    // Prepare
    const { simulator, clock, baseUrl } = await start();
    const context = contextFor(baseUrl, {}, { auth: { scheme: 'digest' } }, clock);
    const watched = new WatchedExport(simulator.createDemoJob(60));

    // Act
    const error = await errorOf(watched.poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toContain(
      'has no username and password, so jobwatch sent no AuthenticateUserDigest login',
    );
    expect(simulator.server.requests.map((request) => request.path)).toEqual(['/command']);
  });

  it('watches a manager that needs no login with a connection that has no credentials and no options', async () => {
    // Prepare
    const { simulator, clock, baseUrl } = await start({ auth: 'none' });
    const context = contextFor(baseUrl, {}, {}, clock);
    const watched = new WatchedExport(simulator.createDemoJob(60));

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(simulator.server.requests.map((request) => request.path)).toEqual(['/command']);
    expect(simulator.server.requests[0]?.headers.cookie).toBeUndefined();
    expect(simulator.server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('carries on without a session when the manager has no login endpoint and asks for none', async () => {
    // Prepare: credentials configured, but this manager answers 404 at webservice.
    const { simulator, clock, baseUrl } = await start({ auth: 'none' });
    const context = contextFor(baseUrl, { username: 'jobwatch', password: 'sense-secret-4711' }, {}, clock);
    const watched = new WatchedExport(simulator.createDemoJob(60));

    // Act
    const first = await watched.poll(context);
    const second = await watched.poll(context);

    // Assess
    expect(first.status).toBe('QUEUED');
    expect(second.status).toBe('QUEUED');
    const paths = simulator.server.requests.map((request) => request.path);
    expect(paths).toEqual(['/webservice', '/command', '/command']);
  });

  it('logs in but does not insist on a session a manager does not check', async () => {
    // Prepare
    const { simulator, context } = await start({ quirks: { sessionOptional: true } });
    const watched = new WatchedExport(simulator.createDemoJob(60));

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(simulator.logins).toBe(1);
  });

  it('says the login endpoint was missing when a manager without one refuses the command', async () => {
    // Prepare
    const { simulator, clock, baseUrl } = await start({ auth: 'basic' });
    const context = contextFor(baseUrl, simulator.credentials, { auth: { scheme: 'digest' } }, clock);
    const watched = new WatchedExport(simulator.createDemoJob(60));

    // Act
    const error = await errorOf(watched.poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toContain('the login at webservice answered HTTP 404');
  });

  it('uses HTTP basic authentication when configured', async () => {
    // Prepare
    const { simulator, context, clock, baseUrl } = await start({ auth: 'basic' });
    const watched = new WatchedExport(simulator.createDemoJob(60));
    const wrong = contextFor(
      baseUrl,
      { username: 'jobwatch', password: 'nope-nope' },
      { auth: { scheme: 'basic' } },
      clock,
    );

    // Act
    const observation = await watched.poll(context);
    const error = await errorOf(watched.poll(wrong));

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(error).toBeInstanceOf(VendorAuthError);
  });

  it('sends no credentials when the scheme is none', async () => {
    // Prepare
    const { simulator, context } = await start({ auth: 'none' });
    const watched = new WatchedExport(simulator.createDemoJob(60));

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(
      simulator.server.requests.every((request) => !request.headers.authorization && !request.headers.cookie),
    ).toBe(true);
  });

  it('never puts a credential value in a thrown error', async () => {
    // Prepare
    const { simulator, clock, baseUrl } = await start({ auth: 'basic' });
    const { username, password } = simulator.credentials as { username: string; password: string };
    const context = contextFor(baseUrl, { username, password }, { auth: { scheme: 'basic' } }, clock);
    const wrongPassword = `${password}-old`;
    const wrong = contextFor(
      baseUrl,
      { username, password: wrongPassword },
      { auth: { scheme: 'basic' } },
      clock,
    );
    const watched = new WatchedExport(simulator.createDemoJob(60));
    const echo = `user ${username} password ${password} refused`;

    // Act
    const errors = [await errorOf(watched.poll(wrong))];
    simulator.server.inject({ kind: 'status', status: 500, body: echo }, { pathIncludes: '/command' });
    errors.push(await errorOf(watched.poll(context)));
    simulator.server.inject({ kind: 'status', status: 404, body: echo }, { pathIncludes: '/command' });
    errors.push(await errorOf(watched.poll(context)));
    simulator.server.inject(
      { kind: 'garbage', body: `<html>${echo}</html>`, contentType: 'text/xml' },
      { pathIncludes: '/command' },
    );
    errors.push(await errorOf(watched.poll(context)));
    simulator.server.inject(
      { kind: 'garbage', body: `<result errorcode="-18">${echo}</result>` },
      { pathIncludes: '/command' },
    );
    errors.push(await errorOf(watched.poll(context)));

    // Assess
    expect(errors).toHaveLength(5);
    for (const error of errors) {
      const visible = `${error.message} ${JSON.stringify(error)}`;
      expect(visible).not.toContain(password);
      expect(visible).not.toContain(wrongPassword);
      expect(visible).not.toContain(username);
    }
  });
});
