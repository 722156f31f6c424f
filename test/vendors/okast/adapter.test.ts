import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VendorTransportError } from '../../../lib/jobs/errors.js';
import { okastAdapter } from '../../../lib/vendors/okast/okast-adapter.js';
import { ConnectionSessions } from '../../../lib/watch/connection-sessions.js';
import { type ManualClock, manualClock } from '../../../local/clock.js';
import { OkastSimulator, type OkastSimulatorOptions } from '../../../local/simulators/okast/index.js';
import { contextFor, errorOf, type OkastContextSettings, seedEntries, WatchedIngest } from './support.js';

const START = Date.UTC(2024, 0, 19, 12, 0, 0);

describe('Okast adapter against the simulator', () => {
  let simulator: OkastSimulator;
  let clock: ManualClock;
  let baseUrl: string;

  async function startSimulator(options: OkastSimulatorOptions = {}): Promise<void> {
    clock = manualClock(START);
    simulator = new OkastSimulator({ clock, ...options });
    baseUrl = await simulator.start();
  }

  function context(
    options: Record<string, unknown> = {},
    settings: OkastContextSettings & { credentials?: Record<string, string> } = {},
  ) {
    const { credentials = simulator.credentials, ...rest } = settings;
    return contextFor(baseUrl, credentials, { ...simulator.connectionOptions(), ...options }, clock, rest);
  }

  function statusRequests(): number {
    return simulator.server.requests.filter((request) => request.path.endsWith('/_getIngestStatus.php'))
      .length;
  }

  beforeEach(async () => {
    await startSimulator();
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('follows a demo ingest through its in-progress statuses to DONE', async () => {
    // Prepare
    const reference = simulator.createDemoJob(60);
    const watched = new WatchedIngest(reference, new Date(clock.now()));
    const okast = context();

    // Act
    const pending = await watched.poll(okast);
    clock.advance(10);
    const downloading = await watched.poll(okast);
    clock.advance(51);
    const done = await watched.poll(okast);

    // Assess
    expect(pending).toMatchObject({ status: 'RUNNING', rawStatus: 'PENDING' });
    expect(pending.progress).toBeUndefined();
    expect(downloading).toMatchObject({ status: 'RUNNING', rawStatus: 'DOWNLOADING' });
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      rawStatus: 'DONE',
      vendorUpdatedAt: new Date(START + 60_000).toISOString(),
      details: { destinationFolder: reference.destinationFolder, destinationFolderKind: 'queueBottom' },
    });
    // All it remembers: the entry it matched, by the request time Okast wrote.
    expect(done.adapterState).toEqual({ requestTime: '2024-0119 12:00:00' });
  });

  it("reports ERRORED as a job failure carrying Okast's statusError", async () => {
    // Prepare
    const id = simulator.addIngest({ filePath: 'https://s/a.mp4', metadataPath: 'https://s/a.json' });
    const watched = new WatchedIngest(
      { filePath: 'https://s/a.mp4', metadataPath: 'https://s/a.json' },
      new Date(clock.now()),
    );
    simulator.fail(id, 'Metadata file unreachable');

    // Act
    const observation = await watched.poll(context());

    // Assess
    expect(observation).toMatchObject({
      status: 'FAILED',
      rawStatus: 'ERRORED',
      message: 'Metadata file unreachable',
      error: { message: 'Metadata file unreachable' },
    });
  });

  it('finds ingests submitted through _addVideoLink.php, and a re-ingest of a done file fails on its own', async () => {
    // Prepare
    const parameters = {
      filePath: 'https://storage.example.com/news.mp4',
      metadataPath: 'https://storage.example.com/news.json',
      destinationFolder: 'f-1',
      destinationFolderKind: 'queueTop',
      validate: 'true',
    };
    const addUrl = new URL(simulator.addVideoLinkPath, baseUrl);
    const authorization = `Basic ${Buffer.from(`${simulator.credentials.username}:${simulator.credentials.password}`).toString('base64')}`;
    const submit = () =>
      fetch(addUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
        body: new URLSearchParams(parameters).toString(),
      });
    expect((await submit()).status).toBe(200);
    const first = new WatchedIngest(parameters, new Date(clock.now()), 'first');
    clock.advance(120);
    expect((await submit()).status).toBe(200);
    const second = new WatchedIngest(parameters, new Date(clock.now()), 'second');
    clock.advance(10);

    // Act
    const firstObservation = await first.poll(context());
    const secondObservation = await second.poll(context());

    // Assess
    expect(firstObservation).toMatchObject({
      status: 'SUCCEEDED',
      details: { destinationFolderKind: 'queueTop', sameFileIngests: 2 },
    });
    expect(secondObservation).toMatchObject({
      status: 'FAILED',
      error: { message: 'File already exists in database' },
      adapterState: { requestTime: '2024-0119 12:02:00' },
    });
  });

  it('serves the published list as is and matches the right entry among repeats', async () => {
    // Prepare
    simulator.loadEntries(seedEntries());
    const watched = new WatchedIngest(
      {
        filePath: 'https://my_storage_system/sample_9-16_blurred_background.mp4',
        metadataPath: 'https://my_storage_system/ingest-okast.json',
        submittedAt: '2022-10-18T14:22:50Z',
      },
      new Date(clock.now()),
    );

    // Act
    const observation = await watched.poll(context());

    // Assess
    expect(observation).toMatchObject({
      status: 'FAILED',
      rawStatus: 'ERRORED',
      message: 'File already exists in database',
      adapterState: { requestTime: '2022-1018 14:22:49' },
      details: { sameFileIngests: 3 },
    });
  });

  it('stays with the entry it matched first even when a closer one shows up later', async () => {
    // Prepare: the request at +1 s is listed only after 50 s; the one at +40 s is seen first.
    const paths = { filePath: 'https://s/b.mp4', metadataPath: 'https://s/b.json' };
    const submittedAt = new Date(clock.now());
    simulator.addIngest(paths, { requestedAt: START + 1000, listedAfterSeconds: 50 });
    simulator.addIngest(paths, {
      requestedAt: START + 40_000,
      steps: [
        { at: 0, state: { status: 'PROCESSING' } },
        { at: 100, state: { status: 'DONE' } },
      ],
    });
    const watched = new WatchedIngest(paths, submittedAt);
    clock.advance(45);

    // Act
    const first = await watched.poll(context());
    clock.advance(60);
    const later = await watched.poll(context());

    // Assess
    expect(first.adapterState).toMatchObject({ requestTime: '2024-0119 12:00:40' });
    expect(later).toMatchObject({ status: 'RUNNING', rawStatus: 'PROCESSING' });
  });

  it('says QUEUED while the ingest is not listed yet, then follows it once it is', async () => {
    // Prepare
    const paths = { filePath: 'https://s/c.mp4', metadataPath: 'https://s/c.json' };
    simulator.addIngest(paths, { listedAfterSeconds: 30 });
    const watched = new WatchedIngest(paths, new Date(clock.now()));

    // Act
    const notYet = await watched.poll(context({ notListedGraceSeconds: 120 }));
    clock.advance(40);
    const listed = await watched.poll(context({ notListedGraceSeconds: 120 }));

    // Assess
    expect(notYet).toMatchObject({ status: 'QUEUED', rawStatus: 'not listed' });
    expect(notYet.message).toContain('LOST if still missing 120 s after 2024-01-19T12:00:00.000Z');
    expect(listed).toMatchObject({ status: 'RUNNING', rawStatus: 'PROCESSING' });
  });

  it('without submittedAt, does not take an ingest that ended before the watch: the re-submission listed next wins', async () => {
    // Prepare: the file was ingested 40 min ago (DONE 30 min ago); the pipeline has just
    // re-submitted it, and Okast lists the new request only a few seconds later.
    const paths = { filePath: 'https://s/again.mp4', metadataPath: 'https://s/again.json' };
    simulator.addIngest(paths, {
      requestedAt: START - 40 * 60_000,
      steps: [
        { at: 0, state: { status: 'PENDING' } },
        { at: 600, state: { status: 'DONE' } },
      ],
    });
    simulator.addIngest(paths, {
      requestedAt: START,
      listedAfterSeconds: 10,
      steps: [
        { at: 0, state: { status: 'PENDING' } },
        { at: 30, state: { status: 'ERRORED', statusError: 'File already exists in database' } },
      ],
    });
    const watched = new WatchedIngest(paths, new Date(clock.now()));
    const okast = context({ notListedGraceSeconds: 120 });

    // Act
    const first = await watched.poll(okast);
    clock.advance(15);
    const second = await watched.poll(okast);
    clock.advance(30);
    const last = await watched.poll(okast);

    // Assess
    expect(first).toMatchObject({ status: 'QUEUED', rawStatus: 'not listed' });
    expect(first.message).toContain('ended (DONE) before this watch began');
    expect(second).toMatchObject({ status: 'RUNNING', rawStatus: 'PENDING' });
    expect(last).toMatchObject({ status: 'FAILED', rawStatus: 'ERRORED' });
  });

  it('without submittedAt, takes the ingest that ended before the watch once the grace period passed with no newer one', async () => {
    // Prepare
    const paths = { filePath: 'https://s/once.mp4', metadataPath: 'https://s/once.json' };
    simulator.addIngest(paths, {
      requestedAt: START - 40 * 60_000,
      steps: [
        { at: 0, state: { status: 'PENDING' } },
        { at: 600, state: { status: 'DONE' } },
      ],
    });
    const watched = new WatchedIngest(paths, new Date(clock.now()));
    const okast = context({ notListedGraceSeconds: 120 });

    // Act
    const first = await watched.poll(okast);
    clock.advance(121);
    const after = await watched.poll(okast);

    // Assess
    expect(first).toMatchObject({ status: 'QUEUED' });
    expect(first.message).toContain(
      'taken if no newer request of the file is listed by 2024-01-19T12:02:00.000Z',
    );
    expect(after).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'DONE' });
  });

  it('without submittedAt, still takes at once an older ingest that is still running', async () => {
    const paths = { filePath: 'https://s/long.mp4', metadataPath: 'https://s/long.json' };
    simulator.addIngest(paths, {
      requestedAt: START - 40 * 60_000,
      steps: [{ at: 0, state: { status: 'PROCESSING' } }],
    });
    const watched = new WatchedIngest(paths, new Date(clock.now()));

    const first = await watched.poll(context({ notListedGraceSeconds: 120 }));

    expect(first).toMatchObject({ status: 'RUNNING', rawStatus: 'PROCESSING' });
  });

  it('gives up with LOST when the ingest is still not listed after the grace period', async () => {
    // Prepare
    const watched = new WatchedIngest(
      { filePath: 'https://s/never.mp4', metadataPath: 'https://s/never.json' },
      new Date(clock.now()),
    );
    const okast = context({ notListedGraceSeconds: 120 });

    // Act
    const early = await watched.poll(okast);
    clock.advance(119);
    const stillWaiting = await watched.poll(okast);
    clock.advance(1);
    const lost = await watched.poll(okast);

    // Assess
    expect(early.status).toBe('QUEUED');
    expect(stillWaiting).toEqual(early);
    expect(lost).toMatchObject({ status: 'LOST', rawStatus: 'not listed' });
    expect(lost.message).toContain('within 120 s of submission');
  });

  it('reports LOST when the entry it matched disappears from the list', async () => {
    // Prepare
    const reference = simulator.createDemoJob(60);
    const watched = new WatchedIngest(reference, new Date(clock.now()));
    await watched.poll(context());
    simulator.remove(1);
    clock.advance(10);

    // Act
    const observation = await watched.poll(context());

    // Assess
    expect(observation).toMatchObject({ status: 'LOST', rawStatus: 'no longer listed' });
    expect(observation.message).toContain('requested at "2024-0119 12:00:00"');
  });

  it('reads request times in the instance time zone it is configured with', async () => {
    // Prepare
    await simulator.close();
    await startSimulator({ timeZone: 'America/New_York' });
    const reference = simulator.createDemoJob(60);
    const watched = new WatchedIngest(reference, new Date(clock.now()));
    const misconfigured = new WatchedIngest(reference, new Date(clock.now()), 'misconfigured');

    // Act
    const observation = await watched.poll(context());
    const withUtc = await misconfigured.poll(context({ timeZone: 'UTC' }));

    // Assess
    expect(simulator.connectionOptions()).toEqual({ timeZone: 'America/New_York' });
    expect(observation).toMatchObject({
      status: 'RUNNING',
      vendorUpdatedAt: new Date(START).toISOString(),
      adapterState: { requestTime: '2024-0119 07:00:00' },
    });
    // Read as UTC, the entry seems to be requested five hours before the submission: not ours.
    expect(withUtc.status).toBe('QUEUED');
  });

  it('finds the status page under another base path when the connection says where', async () => {
    // Prepare
    await simulator.close();
    await startSimulator({ phpPath: 'okast/manager/php/' });
    const reference = simulator.createDemoJob(60);

    // Act
    const observation = await new WatchedIngest(reference, new Date(clock.now())).poll(context());

    // Assess
    expect(simulator.connectionOptions()).toEqual({ statusPath: 'okast/manager/php/_getIngestStatus.php' });
    expect(observation.status).toBe('RUNNING');
    expect(simulator.server.requests[0]?.path).toBe('/okast/manager/php/_getIngestStatus.php');
  });

  it.each([
    { scheme: 'header' as const, headerName: 'X-Okast-Key', headerValue: 'k3y-header-secret' },
    { scheme: 'query' as const, paramName: 'apiKey', paramValue: 'k3y-query-secret' },
    { scheme: 'none' as const },
  ])('authenticates with the $scheme scheme', async (auth) => {
    // Prepare
    await simulator.close();
    await startSimulator({ auth });
    const reference = simulator.createDemoJob(60);

    // Act
    const observation = await new WatchedIngest(reference, new Date(clock.now())).poll(context());

    // Assess
    expect(observation.status).toBe('RUNNING');
  });

  describe('one status request per instance and poll window', () => {
    it('serves jobs polled concurrently from a single request', async () => {
      // Prepare
      const jobs = Array.from(
        { length: 8 },
        (_, index) => new WatchedIngest(simulator.createDemoJob(60), new Date(clock.now()), `job-${index}`),
      );
      const okast = context();

      // Act
      const observations = await Promise.all(jobs.map((job) => job.poll(okast)));

      // Assess
      expect(observations.map((observation) => observation.status)).toEqual(Array(8).fill('RUNNING'));
      expect(statusRequests()).toBe(1);
    });

    it('serves many jobs from one large list of old ingests', async () => {
      // Prepare: 50,000 earlier ingests of other files, every one with a date in the published format.
      simulator.loadEntries(
        Array.from({ length: 50_000 }, (_, index) => ({
          request: { filePath: `https://s/archive-${index}.mp4`, metadataPath: 'https://s/archive.json' },
          requestTime: '2023-0101 00:00:00',
          lastStatusUpdate: '2023-0101 00:00:05',
          status: index % 7 === 0 ? 'ERRORED' : 'DONE',
        })),
      );
      const jobs = Array.from(
        { length: 20 },
        (_, index) => new WatchedIngest(simulator.createDemoJob(60), new Date(clock.now()), `job-${index}`),
      );
      const okast = context();

      // Act
      const observations = await Promise.all(jobs.map((job) => job.poll(okast)));

      // Assess
      expect(observations.every((observation) => observation.rawStatus === 'PENDING')).toBe(true);
      expect(statusRequests()).toBe(1);
    });

    it('reuses the list within listCacheSeconds and asks again after', async () => {
      // Prepare
      const okast = context({ listCacheSeconds: 5 });
      const first = new WatchedIngest(simulator.createDemoJob(60), new Date(clock.now()), 'a');
      const second = new WatchedIngest(simulator.createDemoJob(60), new Date(clock.now()), 'b');

      // Act
      await first.poll(okast);
      clock.advance(4);
      await second.poll(okast);
      const withinWindow = statusRequests();
      clock.advance(1);
      await first.poll(okast);

      // Assess
      expect(withinWindow).toBe(1);
      expect(statusRequests()).toBe(2);
    });

    it('keeps connections apart even on the same instance', async () => {
      // Prepare
      const reference = simulator.createDemoJob(60);

      // Act
      await new WatchedIngest(reference, new Date(clock.now())).poll(context());
      await new WatchedIngest(reference, new Date(clock.now())).poll(context());

      // Assess
      expect(statusRequests()).toBe(2);
    });

    it('shares a failure with the callers waiting for it but does not keep it', async () => {
      // Prepare
      const okast = context();
      const jobs = [1, 2, 3].map(
        (index) => new WatchedIngest(simulator.createDemoJob(60), new Date(clock.now()), `job-${index}`),
      );
      simulator.server.inject({ kind: 'status', status: 503, body: 'busy' });

      // Act
      const failures = await Promise.all(jobs.map((job) => errorOf(job.poll(okast))));
      const recovered = await jobs[0]?.poll(okast);

      // Assess
      expect(failures.every((error) => error instanceof VendorTransportError)).toBe(true);
      expect(recovered?.status).toBe('RUNNING');
      expect(statusRequests()).toBe(2);
    });
  });

  describe('what it remembers of a job between polls', () => {
    it.each([
      ['a number', 42],
      ['text', 'garbage'],
      ['a request time that is not text', { requestTime: 42 }],
      ['an empty request time', { requestTime: '' }],
      ["another adapter's shape", { taskId: 'c0ffee' }],
    ])('reads a stored state that is %s as none, and matches the job afresh', async (_case, stored) => {
      // Prepare
      const reference = simulator.createDemoJob(60);
      const watched = new WatchedIngest(reference, new Date(clock.now()));
      watched.stored = stored;

      // Act
      const observation = await watched.poll(context());

      // Assess
      expect(observation).toMatchObject({ status: 'RUNNING', rawStatus: 'PENDING' });
      expect(watched.stored).toEqual({ requestTime: '2024-0119 12:00:00' });
    });

    it('reads a state an older version stored with more fields, and sticks to its entry', async () => {
      // Prepare: the remembered entry is no longer listed; a fresh match would find the demo ingest.
      const reference = simulator.createDemoJob(60);
      const watched = new WatchedIngest(reference, new Date(clock.now()));
      watched.stored = { requestTime: '2024-0119 11:00:00', requestedAt: '2024-01-19T11:00:00.000Z' };

      // Act
      const observation = await watched.poll(context());

      // Assess
      expect(watched.state).toEqual({ requestTime: '2024-0119 11:00:00' });
      expect(observation).toMatchObject({ status: 'LOST', rawStatus: 'no longer listed' });
    });
  });

  describe("the connection's memory", () => {
    it('serves a second context of the same connection from the list it already holds, like a warm container', async () => {
      // Prepare
      const sessions = new ConnectionSessions();
      const first = new WatchedIngest(simulator.createDemoJob(60), new Date(clock.now()), 'a');
      const second = new WatchedIngest(simulator.createDemoJob(60), new Date(clock.now()), 'b');

      // Act
      await first.poll(context({}, { connection: 'okast-main', sessions }));
      const observation = await second.poll(context({}, { connection: 'okast-main', sessions }));

      // Assess
      expect(observation.status).toBe('RUNNING');
      expect(statusRequests()).toBe(1);
    });

    it("keeps two connections to the same instance apart: neither is served the other one's list", async () => {
      // Prepare
      const sessions = new ConnectionSessions();
      const reference = simulator.createDemoJob(60);
      const one = context({}, { connection: 'okast-one', sessions });
      const other = context({}, { connection: 'okast-other', sessions });

      // Act
      await new WatchedIngest(reference, new Date(clock.now())).poll(one);
      await new WatchedIngest(reference, new Date(clock.now())).poll(other);

      // Assess
      expect(one.memory).not.toBe(other.memory);
      expect(statusRequests()).toBe(2);
    });

    it('starts a fresh memory when the credentials of the connection change', async () => {
      // Prepare
      await simulator.close();
      await startSimulator({
        auth: { scheme: 'header', headerName: 'X-Okast-Key', headerValue: 'k3y-rotation' },
      });
      const sessions = new ConnectionSessions();
      const reference = simulator.createDemoJob(60);
      const rewritten = { ...simulator.credentials, headerName: 'x-okast-key' };
      const before = context({}, { connection: 'okast-main', sessions });

      // Act
      await new WatchedIngest(reference, new Date(clock.now()), 'a').poll(before);
      const after = context({}, { connection: 'okast-main', sessions, credentials: rewritten });
      await new WatchedIngest(reference, new Date(clock.now()), 'b').poll(after);
      const again = context({}, { connection: 'okast-main', sessions, credentials: rewritten });
      await new WatchedIngest(reference, new Date(clock.now()), 'c').poll(again);

      // Assess
      expect(after.memory).not.toBe(before.memory);
      expect(again.memory).toBe(after.memory);
      expect(statusRequests()).toBe(2);
    });

    it("reads the list afresh when the connection's time zone changes: its dates were read in the old one", async () => {
      // Prepare
      const sessions = new ConnectionSessions();
      const reference = simulator.createDemoJob(60);
      await new WatchedIngest(reference, new Date(clock.now()), 'a').poll(
        context({}, { connection: 'okast-main', sessions }),
      );

      // Act
      const observation = await new WatchedIngest(reference, new Date(clock.now()), 'b').poll(
        context({ timeZone: 'America/New_York' }, { connection: 'okast-main', sessions }),
      );

      // Assess: read in New York, the entry lies five hours after the submission — still the closest.
      expect(statusRequests()).toBe(2);
      expect(observation.vendorUpdatedAt).toBe(new Date(START + 5 * 3600_000).toISOString());
    });

    it('has a memory of its own for every connection, made by the adapter', () => {
      // Act
      const memory = okastAdapter.createMemory?.();

      // Assess
      expect(memory).toEqual({ list: undefined });
      expect(okastAdapter.createMemory?.()).not.toBe(memory);
    });
  });
});
