import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VendorAuthError, VendorProtocolError, VendorTransportError } from '../../../lib/jobs/errors.js';
import { clearOkastListCache } from '../../../lib/vendors/okast/index.js';
import { type ManualClock, manualClock } from '../../../local/clock.js';
import {
  DEFAULT_PHP_PATH,
  type OkastSimQuirks,
  OkastSimulator,
} from '../../../local/simulators/okast/index.js';
import { contextFor, errorOf, fixtureText, WatchedIngest } from './support.js';

/**
 * What another stand-in for Okast, written from the same documents, may legitimately do
 * differently from ours — and what a tester driving it through the API would do.
 */
const START = Date.UTC(2024, 0, 19, 12, 0, 0);
const PAGE = `${DEFAULT_PHP_PATH}_getIngestStatus.php`;
const FILES = {
  filePath: 'https://storage.example.com/news/evening.mp4',
  metadataPath: 'https://storage.example.com/news/evening.json',
};

describe('Okast adapter against a differently written instance', () => {
  let simulator: OkastSimulator;
  let clock: ManualClock;
  let root: string;

  function context(
    options: Record<string, unknown> = {},
    settings: { baseUrl?: string; connection?: string } = {},
  ) {
    return contextFor(settings.baseUrl ?? root, simulator.credentials, options, clock, {
      connection: settings.connection,
    });
  }

  function statusRequests(): string[] {
    return simulator.server.requests
      .filter((request) => request.path.endsWith('_getIngestStatus.php'))
      .map((request) => request.path);
  }

  beforeEach(async () => {
    clearOkastListCache();
    clock = manualClock(START);
    simulator = new OkastSimulator({ clock, auth: { scheme: 'none' } });
    root = await simulator.start();
  });

  afterEach(async () => {
    await simulator.close();
  });

  describe('where the status page is', () => {
    const none = () => ({});
    it.each<[string, (url: string) => string, (url: string) => Record<string, unknown>]>([
      ['the root without a trailing slash', (url) => url.replace(/\/$/, ''), none],
      ['the PHP folder', (url) => `${url}${DEFAULT_PHP_PATH}`, none],
      ['the PHP folder without a trailing slash', (url) => `${url}${DEFAULT_PHP_PATH.slice(0, -1)}`, none],
      ['part of the path', (url) => `${url}synthesia/okast-channels/`, none],
      ['the page itself', (url) => `${url}${PAGE}`, none],
      ['the root, with a statusPath starting with /', (url) => url, () => ({ statusPath: `/${PAGE}` })],
      [
        'the PHP folder, with the full statusPath',
        (url) => `${url}${DEFAULT_PHP_PATH}`,
        () => ({ statusPath: PAGE }),
      ],
      ['the root, with statusPath as a full URL', (url) => url, (url) => ({ statusPath: `${url}${PAGE}` })],
    ])('finds it when baseUrl is %s', async (_case, baseUrlOf, optionsOf) => {
      // Prepare
      simulator.addIngest(FILES);
      const watched = new WatchedIngest(FILES, new Date(clock.now()));

      // Act
      const observation = await watched.poll(context(optionsOf(root), { baseUrl: baseUrlOf(root) }));

      // Assess
      expect(observation).toMatchObject({ status: 'RUNNING', rawStatus: 'PENDING' });
      expect(statusRequests()).toEqual([`/${PAGE}`]);
    });

    it('refuses a statusPath URL outside the base URL as a configuration problem', async () => {
      // Act
      const error = await errorOf(
        new WatchedIngest(FILES, new Date(clock.now())).poll(
          context({ statusPath: `http://127.0.0.2:1/${PAGE}` }),
        ),
      );

      // Assess
      expect(error.name).toBe('ConfigurationError');
      expect(statusRequests()).toEqual([]);
    });
  });

  describe('how the list is written', () => {
    it.each<[string, OkastSimQuirks]>([
      ['wrapped in {"data": …}', { wrapListIn: 'data' }],
      ['wrapped in {"ingests": …}', { wrapListIn: 'ingests' }],
      ['with the request echoed at the top level of each entry', { flattenRequest: true }],
      ['sent as text/html', { contentType: 'text/html; charset=UTF-8' }],
      ['sent with a byte order mark', { byteOrderMark: true, contentType: 'text/html' }],
      ['with ISO dates in UTC', { dateFormat: 'iso' }],
      ['with ISO dates carrying the instance offset', { dateFormat: 'isoOffset' }],
      ['with Unix seconds', { dateFormat: 'unixSeconds' }],
      ['with dashed dates', { dateFormat: 'dashed' }],
      ['with Title-case statuses', { statusCase: 'title' }],
    ])('follows an ingest to DONE in a list %s', async (_case, quirks) => {
      // Prepare: the instance runs on Paris time, and the connection says so.
      await simulator.close();
      simulator = new OkastSimulator({ clock, auth: { scheme: 'none' }, timeZone: 'Europe/Paris', quirks });
      root = await simulator.start();
      const id = simulator.addIngest(FILES, { requestedAt: START - 20_000 });
      const watched = new WatchedIngest(FILES, new Date(clock.now()));
      const okast = context({ timeZone: 'Europe/Paris', listCacheSeconds: 0 });

      // Act
      const running = await watched.poll(okast);
      clock.advance(30);
      simulator.finish(id);
      const done = await watched.poll(okast);

      // Assess
      expect(running.status).toBe('RUNNING');
      expect(running.adapterState).toMatchObject({ requestedAt: new Date(START - 20_000).toISOString() });
      expect(done).toMatchObject({
        status: 'SUCCEEDED',
        vendorUpdatedAt: new Date(START + 30_000).toISOString(),
      });
    });

    it.each<[string, OkastSimQuirks]>([
      ['a {"message": …} object', { statusErrorShape: 'object' }],
      ['an array of messages', { statusErrorShape: 'array' }],
    ])("reads a statusError written as %s as the job's error", async (_case, quirks) => {
      // Prepare
      simulator.setQuirks(quirks);
      const id = simulator.addIngest(FILES);
      simulator.fail(id, 'File already exists in database');

      // Act
      const observation = await new WatchedIngest(FILES, new Date(clock.now())).poll(context());

      // Assess
      expect(observation).toMatchObject({
        status: 'FAILED',
        error: { message: 'File already exists in database' },
      });
    });

    it.each([
      ['a wrapper that says it failed', '{"success": false, "data": []}'],
      ['a wrapper carrying an error', '{"error": "session expired", "data": []}'],
      ['an object under an unknown name', '{"rows_of_something": [], "total": 0}'],
    ])('still refuses %s with a protocol error', async (_case, body) => {
      // Prepare
      simulator.server.inject({ kind: 'garbage', body, contentType: 'application/json' });

      // Act
      const error = await errorOf(new WatchedIngest(FILES, new Date(clock.now())).poll(context()));

      // Assess
      expect(error).toBeInstanceOf(VendorProtocolError);
    });

    it('matches entries echoing a re-encoded URL, no metadataPath, and parameters written otherwise', async () => {
      // Prepare
      simulator.loadEntries([
        {
          request: {
            filePath: 'https://Storage.example.com/news/late evening.mp4',
            destinationFolderKind: 'queuebottom',
            destinationFolderIndexReplace: 1,
            destinationFolderIndex: '03',
          },
          requestTime: '2024-0119 11:59:58',
          status: 'PROCESSING',
        },
      ]);
      const reference = {
        filePath: 'https://storage.example.com/news/late%20evening.mp4',
        metadataPath: FILES.metadataPath,
        destinationFolderKind: 'queueBottom',
        destinationFolderIndexReplace: true,
        destinationFolderIndex: 3,
      };

      // Act
      const observation = await new WatchedIngest(reference, new Date(clock.now())).poll(context());
      const otherIndex = await new WatchedIngest(
        { ...reference, destinationFolderIndex: 4 },
        new Date(clock.now()),
        'other',
      ).poll(context({ notListedGraceSeconds: 60 }));

      // Assess
      expect(observation).toMatchObject({ status: 'RUNNING', rawStatus: 'PROCESSING' });
      expect(otherIndex.status).toBe('QUEUED');
    });
  });

  describe('what a tester does: create the ingest, then ask jobwatch to watch it', () => {
    it('finds an ingest requested minutes before the watch started, without submittedAt', async () => {
      // Prepare
      const id = simulator.addIngest(FILES, { requestedAt: START - 5 * 60_000 });
      simulator.finish(id);
      const watched = new WatchedIngest(FILES, new Date(clock.now()));

      // Act
      const observation = await watched.poll(context());

      // Assess
      expect(observation).toMatchObject({
        status: 'SUCCEEDED',
        adapterState: { requestTime: '2024-0119 11:55:00' },
      });
    });

    it('takes the newest of several old ingests of the file, and the fresh one when there is one', async () => {
      // Prepare: the published example — one file DONE, then ERRORED twice — is the old history.
      simulator.loadEntries(
        JSON.parse(fixtureText('seed-ingest-status.txt').replaceAll('\u00a0', ' ')) as unknown[],
      );
      const seedFiles = {
        filePath: 'https://my_storage_system/sample_9-16_blurred_background.mp4',
        metadataPath: 'https://my_storage_system/ingest-okast.json',
      };
      const old = new WatchedIngest(seedFiles, new Date(clock.now()), 'old');
      // Its grace period over (none here): an ingest that ended before the watch is taken only then.
      const oldObservation = await old.poll(context({ notListedGraceSeconds: 0 }));
      simulator.addIngest(seedFiles, { requestedAt: START + 10_000 });
      clock.advance(20);
      const fresh = new WatchedIngest(seedFiles, new Date(clock.now()), 'fresh');

      // Act
      const freshObservation = await fresh.poll(context());

      // Assess
      expect(oldObservation).toMatchObject({
        status: 'FAILED',
        adapterState: { requestTime: '2022-1018 14:33:41' },
        details: { sameFileIngests: 3 },
      });
      expect(freshObservation).toMatchObject({
        status: 'RUNNING',
        adapterState: { requestTime: '2024-0119 12:00:10' },
      });
    });

    it('never takes an ingest requested before an explicit submittedAt, and says why', async () => {
      // Prepare
      simulator.addIngest(FILES, { requestedAt: START - 5 * 60_000 });
      const watched = new WatchedIngest(
        { ...FILES, submittedAt: new Date(START).toISOString() },
        new Date(clock.now()),
      );

      // Act
      const observation = await watched.poll(context());

      // Assess
      expect(observation).toMatchObject({ status: 'QUEUED', rawStatus: 'not listed' });
      expect(observation.message).toContain(
        '1 ingest of this file requested earlier (newest "2024-0119 11:55:00")',
      );
      expect(observation.message).toContain('timeZone option (UTC)');
    });

    it("reads a submittedAt without a zone in the instance's zone, as Okast writes requestTime", async () => {
      // Prepare
      await simulator.close();
      simulator = new OkastSimulator({ clock, auth: { scheme: 'none' }, timeZone: 'America/New_York' });
      root = await simulator.start();
      // Read as UTC, 07:00:00 would be five hours earlier, and the 06:55 ingest the closer one.
      simulator.addIngest(FILES, { requestedAt: START - 5 * 60_000 });
      simulator.addIngest(FILES, { requestedAt: START });
      const watched = new WatchedIngest(
        { ...FILES, submittedAt: '2024-0119 07:00:00' },
        new Date(clock.now()),
      );

      // Act
      const observation = await watched.poll(context({ timeZone: 'America/New_York' }));

      // Assess
      expect(observation).toMatchObject({
        status: 'RUNNING',
        adapterState: { requestTime: '2024-0119 07:00:00', requestedAt: new Date(START).toISOString() },
      });
    });

    it('does not take an old ingest of the file from a list fetched before the watch started', async () => {
      // Prepare: another job's poll cached the list while only an old, DONE ingest of the file existed.
      const old = simulator.addIngest(FILES, { requestedAt: START - 3600_000 });
      simulator.finish(old);
      const okast = context({ listCacheSeconds: 30 });
      await new WatchedIngest(
        { filePath: 'https://s/other.mp4', metadataPath: 'https://s/other.json' },
        new Date(clock.now()),
        'other',
      ).poll(okast);
      clock.advance(5);
      simulator.addIngest(FILES);
      const watched = new WatchedIngest(FILES, new Date(clock.now()));

      // Act
      const observation = await watched.poll(okast);
      clock.advance(5);
      const next = await watched.poll(okast);

      // Assess
      expect(observation).toMatchObject({
        status: 'RUNNING',
        adapterState: { requestTime: '2024-0119 12:00:05' },
      });
      expect(next.status).toBe('RUNNING');
      // One request for the first job, one for the new watch; its next poll is served from the cache.
      expect(statusRequests()).toHaveLength(2);
    });
  });

  describe('errors are never job states', () => {
    it('treats a 500 HTML page as a transport error', async () => {
      // Prepare
      simulator.server.inject({
        kind: 'status',
        status: 500,
        body: '<html><body><b>Fatal error</b>: Uncaught PDOException</body></html>',
        contentType: 'text/html',
      });

      // Act
      const error = await errorOf(new WatchedIngest(FILES, new Date(clock.now())).poll(context()));

      // Assess
      expect(error).toBeInstanceOf(VendorTransportError);
    });

    it('treats a 403 as an auth error', async () => {
      // Prepare
      simulator.server.inject({ kind: 'status', status: 403, body: 'Forbidden', contentType: 'text/html' });

      // Act
      const error = await errorOf(new WatchedIngest(FILES, new Date(clock.now())).poll(context()));

      // Assess
      expect(error).toBeInstanceOf(VendorAuthError);
    });
  });
});
