import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConnections } from '../../../lib/config/connection-registry.js';
import type { PublicJob } from '../../../lib/jobs/job.js';
import { OkastOptionsSchema } from '../../../lib/vendors/okast/okast-options.js';
import { echoDisagrees, parseOkastDate } from '../../../lib/vendors/okast/okast-quirks.js';
import { type ManualClock, manualClock, scaledClock } from '../../../local/clock.js';
import {
  DEFAULT_PHP_PATH,
  type OkastSimQuirks,
  OkastSimulator,
  okastDate,
} from '../../../local/simulators/okast/index.js';
import { type LocalStack, startLocalStack } from '../../../local/stack.js';
import { TEST_SPEED } from '../../support/avid-stack.js';
import { contextFor, seedEntries, WatchedIngest } from './support.js';

/*
 * Documented other readings of Okast's list, what another stand-in for Okast written from the
 * same documents may do differently from ours, and what a tester driving jobwatch through the
 * API does.
 */
const START = Date.UTC(2024, 0, 19, 12, 0, 0);
const PAGE = `${DEFAULT_PHP_PATH}_getIngestStatus.php`;
const FILES = {
  filePath: 'https://storage.example.com/news/evening.mp4',
  metadataPath: 'https://storage.example.com/news/evening.json',
};

describe('parseOkastDate', () => {
  it.each([
    // The published shape: no dash between month and day, no zone.
    ['2022-1018 14:20:00', 'UTC', '2022-10-18T14:20:00.000Z'],
    // The other spellings of YYYY-?MM-?DD[ T]hh:mm:ss.
    ['2022-10-18 14:20:00', 'UTC', '2022-10-18T14:20:00.000Z'],
    ['20221018 14:20:00', 'UTC', '2022-10-18T14:20:00.000Z'],
    ['2022-10-18T14:20:00', 'UTC', '2022-10-18T14:20:00.000Z'],
    // Instance-local time: summer and winter offsets.
    ['2022-1018 14:20:00', 'Europe/Paris', '2022-10-18T12:20:00.000Z'],
    ['2022-1218 14:20:00', 'Europe/Paris', '2022-12-18T13:20:00.000Z'],
    ['2022-1018 14:20:00', 'America/New_York', '2022-10-18T18:20:00.000Z'],
    ['2022-1218 14:20:00', 'America/New_York', '2022-12-18T19:20:00.000Z'],
    ['2022-1018 14:20:00', 'Asia/Kolkata', '2022-10-18T08:50:00.000Z'],
    // A fixed offset is an IANA zone too (note the sign: Etc/GMT-2 is UTC+02:00).
    ['2022-1018 14:20:00', 'Etc/GMT-2', '2022-10-18T12:20:00.000Z'],
    // Clocks go forward in Paris at 02:00 → 03:00: 02:30 never happens, read as 03:30 summer time.
    ['2022-0327 02:30:00', 'Europe/Paris', '2022-03-27T01:30:00.000Z'],
    ['2022-0327 01:59:59', 'Europe/Paris', '2022-03-27T00:59:59.000Z'],
    ['2022-0327 03:00:00', 'Europe/Paris', '2022-03-27T01:00:00.000Z'],
    // Clocks go back in Paris at 03:00 → 02:00: 02:30 happens twice, the earlier one is taken.
    ['2022-1030 02:30:00', 'Europe/Paris', '2022-10-30T00:30:00.000Z'],
    ['2022-1030 01:59:59', 'Europe/Paris', '2022-10-29T23:59:59.000Z'],
    ['2022-1030 03:00:00', 'Europe/Paris', '2022-10-30T02:00:00.000Z'],
    // New York's autumn change at 02:00 → 01:00.
    ['2022-1106 01:30:00', 'America/New_York', '2022-11-06T05:30:00.000Z'],
    // A half-hour daylight saving shift (Lord Howe Island, 02:00 → 01:30 on 3 April 2022).
    ['2022-0403 01:45:00', 'Australia/Lord_Howe', '2022-04-02T14:45:00.000Z'],
  ])('reads %j in %s as %s', (text, timeZone, expected) => {
    // Act
    const parsed = parseOkastDate(text, timeZone);

    // Assess
    expect(parsed?.toISOString()).toBe(expected);
  });

  it.each([
    [''],
    ['yesterday'],
    ['2022-1018'],
    ['18/10/2022 14:20:00'],
    ['2022-1318 14:20:00'],
    ['2022-0230 10:00:00'],
    ['2022-1018 24:00:00'],
    ['2022-1018 14:60:00'],
    ['2022-10-273T13:30:36'],
    ['20221318142000'],
    ['12345'],
    ['Tue, 18 Oct 2022 14:20:00'],
    // Shapes the documents never show are not guessed at.
    ['  2022-1018 14:20:00 '],
    ['2022-10-18 14:20'],
    ['2022-10-18 14:20:00.250'],
    ['2022-10-18T14:20:00Z'],
    ['2022-10-18T14:20:00+02:00'],
    ['2022/10/18 14:20:00'],
    ['20221018142000'],
    ['1666102800'],
    ['Tue, 18 Oct 2022 14:20:00 +0200'],
  ])('cannot read %j and says so without throwing', (text) => {
    // Act
    const parsed = parseOkastDate(text, 'Europe/Paris');

    // Assess
    expect(parsed).toBeUndefined();
  });

  it('reads nothing from a missing date', () => {
    // Act and Assess
    expect(parseOkastDate(undefined, 'UTC')).toBeUndefined();
    expect(parseOkastDate(null, 'UTC')).toBeUndefined();
  });
});

describe("the simulator's wall clock and the adapter's reading of it", () => {
  it.each([['Europe/Paris'], ['America/New_York'], ['Australia/Lord_Howe'], ['Asia/Kolkata']])(
    'agree on every instant of a year in %s (a repeated wall time reads as its first instant)',
    (timeZone) => {
      // Prepare: every 37 minutes through 2022, both daylight saving changes included.
      const instants = Array.from({ length: 14_300 }, (_, step) => Date.UTC(2022, 0, 1) + step * 37 * 60_000);

      // Act
      const disagreements = instants.filter((instant) => {
        const text = okastDate(instant, timeZone);
        const read = parseOkastDate(text, timeZone)?.getTime();
        return read === undefined || read > instant || okastDate(read, timeZone) !== text;
      });

      // Assess
      expect(disagreements).toEqual([]);
    },
  );
});

describe('echoed request parameters', () => {
  it.each([
    ['queueTop', 'queueBottom', true],
    ['queueTop', 'queueTop', false],
    // The published example echoes some parameters for some requests only, and some empty.
    ['queueTop', undefined, false],
    ['queueTop', null, false],
    ['3', '', false],
    [undefined, 'queueBottom', false],
    // Compared as Okast echoes what it was given: another spelling is another value.
    ['queueBottom', 'queuebottom', true],
    ['3', '03', true],
  ])('wanted %j, echoed %j: rules the entry out = %s', (wanted, echoed, expected) => {
    // Act and Assess
    expect(echoDisagrees(wanted, echoed)).toBe(expected);
  });
});

describe('the timeZone option', () => {
  it('accepts IANA names and defaults to UTC', () => {
    // Act
    const defaults = OkastOptionsSchema.parse({});
    const paris = OkastOptionsSchema.parse({ timeZone: 'Europe/Paris' });

    // Assess
    expect(defaults.timeZone).toBe('UTC');
    expect(paris.timeZone).toBe('Europe/Paris');
    expect(OkastOptionsSchema.parse({ timeZone: 'Australia/Lord_Howe' }).timeZone).toBe(
      'Australia/Lord_Howe',
    );
  });

  it('accepts a fixed offset for an instance whose clock ignores daylight saving time', () => {
    // Act
    const offset = OkastOptionsSchema.parse({ timeZone: '+02:00' });

    // Assess
    expect(offset.timeZone).toBe('+02:00');
    expect(parseOkastDate('2022-1018 14:20:00', offset.timeZone)?.toISOString()).toBe(
      '2022-10-18T12:20:00.000Z',
    );
    expect(parseOkastDate('2022-1018 14:20:00', '-0530')?.toISOString()).toBe('2022-10-18T19:50:00.000Z');
  });

  it.each([['Mars/Olympus_Mons'], ['+2']])('refuses %j, naming the option', (timeZone) => {
    // Act
    const result = OkastOptionsSchema.safeParse({ timeZone });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['timeZone']);
    expect(result.error?.issues[0]?.message).toContain('IANA time zone');
  });
});

describe('the statusPath option', () => {
  it.each([
    ['/synthesia/x/_getIngestStatus.php', 'synthesia/x/_getIngestStatus.php'],
    ['okast/_getIngestStatus.php?instance=3', 'okast/_getIngestStatus.php?instance=3'],
  ])('takes %j as %j', (statusPath, expected) => {
    // Act and Assess
    expect(OkastOptionsSchema.parse({ statusPath }).statusPath).toBe(expected);
  });

  it.each([
    ['https://c.example.com/okast/_getIngestStatus.php'],
    ['ftp://c.example.com/_getIngestStatus.php'],
    ['javascript:alert(1)'],
    ['/'],
    ['  '],
  ])('refuses %j', (statusPath) => {
    // Act
    const result = OkastOptionsSchema.safeParse({ statusPath });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['statusPath']);
  });
});

describe('Okast adapter against a differently written instance', () => {
  let simulator: OkastSimulator;
  let clock: ManualClock;
  let root: string;

  function context(options: Record<string, unknown> = {}, baseUrl = root) {
    return contextFor(baseUrl, simulator.credentials, options, clock);
  }

  function statusRequests(): string[] {
    return simulator.server.requests
      .filter((request) => request.path.endsWith('_getIngestStatus.php'))
      .map((request) => request.path);
  }

  beforeEach(async () => {
    clock = manualClock(START);
    simulator = new OkastSimulator({ clock, auth: { scheme: 'none' } });
    root = await simulator.start();
  });

  afterEach(async () => {
    await simulator.close();
  });

  describe('where the status page is', () => {
    it.each<[string, (url: string) => string, Record<string, unknown>]>([
      ['the root, with the default statusPath', (url) => url, {}],
      ['the root without a trailing slash', (url) => url.replace(/\/$/, ''), {}],
      ['the root, with a statusPath starting with /', (url) => url, { statusPath: `/${PAGE}` }],
      [
        'the PHP folder, with the page as statusPath',
        (url) => `${url}${DEFAULT_PHP_PATH}`,
        { statusPath: '_getIngestStatus.php' },
      ],
      [
        'part of the path, with the rest as statusPath',
        (url) => `${url}synthesia/okast-channels/`,
        { statusPath: 'playlist/manager/php/_getIngestStatus.php' },
      ],
    ])('finds it when baseUrl is %s', async (_case, baseUrlOf, options) => {
      // Prepare
      simulator.addIngest(FILES);
      const watched = new WatchedIngest(FILES, new Date(clock.now()));

      // Act
      const observation = await watched.poll(context(options, baseUrlOf(root)));

      // Assess
      expect(observation).toMatchObject({ status: 'RUNNING', rawStatus: 'PENDING' });
      expect(statusRequests()).toEqual([`/${PAGE}`]);
    });

    it('keeps a query string of statusPath', async () => {
      // Prepare
      simulator.addIngest(FILES);

      // Act
      await new WatchedIngest(FILES, new Date(clock.now())).poll(
        context({ statusPath: `${PAGE}?instance=3` }),
      );

      // Assess
      expect(simulator.server.requests[0]).toMatchObject({ path: `/${PAGE}`, query: '?instance=3' });
    });

    it('does not guess: the PHP folder as baseUrl with the default statusPath is another page', async () => {
      // Act
      const error = await new WatchedIngest(FILES, new Date(clock.now()))
        .poll(context({}, `${root}${DEFAULT_PHP_PATH}`))
        .catch((thrown: unknown) => thrown as Error);

      // Assess
      expect(error).toMatchObject({ name: 'VendorProtocolError' });
      expect(statusRequests()).toEqual([`/${DEFAULT_PHP_PATH}${PAGE}`]);
    });
  });

  describe('how the list is written', () => {
    it.each<[string, OkastSimQuirks]>([
      ['as published', {}],
      ['sent as text/html', { contentType: 'text/html; charset=UTF-8' }],
      ['with dashed dates', { dateFormat: 'dashed' }],
      ['with dates written with a T', { dateFormat: 'isoLocal' }],
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
      // Its last update (DOWNLOADING, 6 s after the request) read in Paris time.
      expect(running).toMatchObject({
        status: 'RUNNING',
        vendorUpdatedAt: new Date(START - 14_000).toISOString(),
      });
      expect(done).toMatchObject({
        status: 'SUCCEEDED',
        vendorUpdatedAt: new Date(START + 30_000).toISOString(),
      });
    });

    it('matches an entry echoing a re-encoded URL and an empty parameter, but no other spelling of a parameter', async () => {
      // Prepare
      const echoed = {
        filePath: 'https://Storage.example.com/news/late evening.mp4',
        metadataPath: FILES.metadataPath,
        destinationFolderIndex: '',
      };
      simulator.loadEntries([
        { request: echoed, requestTime: '2024-0119 11:59:58', status: 'PROCESSING' },
        {
          request: {
            ...echoed,
            filePath: 'https://storage.example.com/news/other.mp4',
            destinationFolderKind: 'queuebottom',
          },
          requestTime: '2024-0119 11:59:58',
          status: 'PROCESSING',
        },
        {
          request: { filePath: 'https://storage.example.com/news/bare.mp4' },
          requestTime: '2024-0119 11:59:58',
          status: 'PROCESSING',
        },
      ]);
      const watch = (reference: Record<string, unknown>, jobId: string) =>
        new WatchedIngest(
          { metadataPath: FILES.metadataPath, ...reference },
          new Date(clock.now()),
          jobId,
        ).poll(context({ notListedGraceSeconds: 60 }));

      // Act
      const reencoded = await watch(
        { filePath: 'https://storage.example.com/news/late%20evening.mp4', destinationFolderIndex: 3 },
        'reencoded',
      );
      const otherCase = await watch(
        { filePath: 'https://storage.example.com/news/other.mp4', destinationFolderKind: 'queueBottom' },
        'other-case',
      );
      const noMetadata = await watch(
        { filePath: 'https://storage.example.com/news/bare.mp4' },
        'no-metadata',
      );

      // Assess
      expect(reencoded).toMatchObject({ status: 'RUNNING', rawStatus: 'PROCESSING' });
      expect(otherCase.status).toBe('QUEUED');
      // Every published entry with a filePath echoes its metadataPath: one without is not this job's.
      expect(noMetadata.status).toBe('QUEUED');
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
      simulator.loadEntries(seedEntries());
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

    it("matches a submittedAt given with the instance's offset against its wall-clock request times", async () => {
      // Prepare
      await simulator.close();
      simulator = new OkastSimulator({ clock, auth: { scheme: 'none' }, timeZone: 'America/New_York' });
      root = await simulator.start();
      // Read as UTC, 07:00:00 would be five hours earlier, and the 06:55 ingest the closer one.
      simulator.addIngest(FILES, { requestedAt: START - 5 * 60_000 });
      simulator.addIngest(FILES, { requestedAt: START });
      const watched = new WatchedIngest(
        { ...FILES, submittedAt: '2024-01-19T07:00:00-05:00' },
        new Date(clock.now()),
      );

      // Act
      const observation = await watched.poll(context({ timeZone: 'America/New_York' }));

      // Assess
      expect(observation).toMatchObject({
        status: 'RUNNING',
        vendorUpdatedAt: new Date(START).toISOString(),
        adapterState: { requestTime: '2024-0119 07:00:00' },
      });
    });

    it('does not take an old ingest of the file from a list fetched before the watch started', async () => {
      // Prepare: another job's poll kept the list while only an old, DONE ingest of the file existed.
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
      // One request for the first job, one for the new watch; its next poll is served from memory.
      expect(statusRequests()).toHaveLength(2);
    });
  });
});

/**
 * The way a tester drives jobwatch against an Okast instance: configure a connection from the
 * documentation only, submit ingests to the instance over HTTP, then `POST /jobs` with the
 * reference — without `submittedAt`, some minutes after the ingest.
 */
describe('Okast through the API, as a tester drives it', () => {
  const clock = scaledClock(TEST_SPEED);
  const okast = new OkastSimulator({
    clock,
    auth: { scheme: 'header', headerName: 'X-Okast-Key', headerValue: 'okast-api-black-box-key' },
    timeZone: 'Europe/Paris',
    quirks: { contentType: 'text/html; charset=UTF-8' },
  });
  let stack: LocalStack;
  let root: string;

  beforeAll(async () => {
    root = await okast.start();
    stack = await startLocalStack({
      config: {
        connections: parseConnections(
          [
            {
              name: 'okast-tester',
              vendor: 'okast',
              // The PHP folder the operator was given, not the instance root: statusPath is the page.
              baseUrl: `${root}${DEFAULT_PHP_PATH}`,
              credentials: { ...okast.credentials },
              options: { timeZone: 'Europe/Paris', statusPath: '_getIngestStatus.php' },
            },
          ],
          'test',
        ),
      },
      clock,
    });
  });

  afterAll(async () => {
    await stack?.close();
    await okast.close();
  });

  async function addVideoLink(parameters: Record<string, string>): Promise<void> {
    const response = await fetch(new URL(okast.addVideoLinkPath, root), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-okast-key': okast.credentials.headerValue ?? '',
      },
      body: new URLSearchParams(parameters).toString(),
    });
    expect(response.status).toBe(200);
  }

  async function watch(job: Record<string, unknown>): Promise<string> {
    const response = await fetch(`${stack.apiUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connection: 'okast-tester', job }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as PublicJob).jobId;
  }

  const getJob = async (jobId: string) =>
    (await (await fetch(`${stack.apiUrl}/jobs/${jobId}`)).json()) as PublicJob;

  it('finds an ingest submitted minutes before the watch, and follows it to SUCCEEDED', async () => {
    // Prepare: submitted ten clock minutes ago; the simulator's ingests take a minute.
    const files = {
      filePath: 'https://storage.example.com/tester/early.mp4',
      metadataPath: 'https://storage.example.com/tester/early.json',
    };
    okast.addIngest(files, { requestedAt: clock.now() - 10 * 60_000 });

    // Act
    const jobId = await watch(files);
    const outcome = await stack.runner.waitFor(jobId);

    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    expect(await getJob(jobId)).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'DONE' });
  });

  it('follows the fresh ingest of a file already ingested, not the earlier one', async () => {
    // Prepare: the file was ingested (DONE) an hour ago; a second ingest is refused by Okast.
    const files = {
      filePath: 'https://storage.example.com/tester/again.mp4',
      metadataPath: 'https://storage.example.com/tester/again.json',
    };
    const first = okast.addIngest(files, { requestedAt: clock.now() - 3600_000 });
    okast.finish(first);
    await addVideoLink(files);

    // Act
    const jobId = await watch(files);
    const outcome = await stack.runner.waitFor(jobId);

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'JobFailed' });
    expect(await getJob(jobId)).toMatchObject({
      status: 'FAILED',
      error: { message: 'File already exists in database' },
    });
  });
});
