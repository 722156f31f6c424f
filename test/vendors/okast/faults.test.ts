import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VendorAuthError, VendorProtocolError, VendorTransportError } from '../../../lib/jobs/errors.js';
import { okastAdapter } from '../../../lib/vendors/okast/okast-adapter.js';
import { type ManualClock, manualClock } from '../../../local/clock.js';
import { OkastSimulator, type OkastSimulatorOptions } from '../../../local/simulators/okast/index.js';
import type { Fault } from '../../../local/simulators/sim-server.js';
import { describeJsonFuzz, type FuzzTarget } from '../../security/vendor-fuzz.js';
import { contextFor, errorFrom, errorOf, WatchedIngest } from './support.js';

describe('Okast adapter when the instance misbehaves', () => {
  let simulator: OkastSimulator;
  let clock: ManualClock;
  let baseUrl: string;

  async function startSimulator(options: OkastSimulatorOptions = {}): Promise<void> {
    clock = manualClock();
    simulator = new OkastSimulator({ clock, ...options });
    baseUrl = await simulator.start();
  }

  function context(
    options: Record<string, unknown> = {},
    credentials = simulator.credentials,
    settings: { baseUrl?: string; timeoutMs?: number } = {},
  ) {
    const merged = { ...simulator.connectionOptions(), ...options };
    return contextFor(settings.baseUrl ?? baseUrl, credentials, merged, clock, {
      timeoutMs: settings.timeoutMs ?? 500,
    });
  }

  function demoJob(): WatchedIngest {
    return new WatchedIngest(simulator.createDemoJob(60), new Date(clock.now()));
  }

  beforeEach(async () => {
    await startSimulator();
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('treats a 503 in the middle of a job as a transport error, not a job failure, and carries on', async () => {
    // Prepare
    const watched = demoJob();
    const okast = context();
    await watched.poll(okast);
    clock.advance(10);
    simulator.server.inject({ kind: 'status', status: 503, body: 'Service Unavailable' });

    // Act
    const error = await errorOf(watched.poll(okast));
    const after = await watched.poll(okast);

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.message).toContain('503');
    expect(watched.job.latest.status).toBe('RUNNING');
    expect(after.status).toBe('RUNNING');
  });

  it.each<[string, Fault]>([
    ['a reset connection', { kind: 'reset' }],
    ['no answer at all', { kind: 'hang' }],
    ['a body cut off mid-transfer', { kind: 'truncate' }],
    ['a 429', { kind: 'status', status: 429 }],
  ])('reports %s as a transport error', async (_name, fault) => {
    // Prepare
    simulator.server.inject(fault);

    // Act
    const error = await errorOf(demoJob().poll(context()));

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
  });

  it.each<[string, string, string, string]>([
    ['truncated JSON', '[{"request": {"filePath": "https://s/a.mp4"', 'application/json', 'not JSON'],
    [
      'an HTML error page',
      '<html><head><title>Error</title></head><body><h1>Internal error</h1></body></html>',
      'text/html',
      'not JSON (text/html)',
    ],
    [
      'a PHP warning before the JSON',
      '<br />\n<b>Warning</b>:  mysqli_connect(): (HY000/2002) in <b>_getIngestStatus.php</b><br />\n[]',
      'text/html; charset=UTF-8',
      'not JSON',
    ],
    [
      'a JSON object instead of the array',
      '{"error": "session expired"}',
      'application/json',
      'JSON object (keys: error)',
    ],
    ['a JSON string', '"maintenance"', 'application/json', 'JSON string'],
    ['an empty body', '', 'application/json', 'empty body'],
  ])('fails with a clear protocol error on %s', async (_name, body, contentType, message) => {
    // Prepare
    simulator.server.inject({ kind: 'garbage', body, contentType });

    // Act
    const error = await errorOf(demoJob().poll(context()));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain(message);
  });

  it('refuses a 20 MB list with a protocol error naming the limit, and reads it when allowed more', async () => {
    // Prepare
    const filler = {
      request: { filePath: 'https://s/old.mp4', metadataPath: 'https://s/old.json' },
      status: 'DONE',
    };
    const entry = JSON.stringify(filler);
    const huge = `[${Array(Math.ceil((20 * 1024 * 1024) / entry.length))
      .fill(entry)
      .join(',')}]`;
    simulator.server.inject({ kind: 'garbage', body: huge }, { count: 2 });

    // Act
    // Twenty megabytes take a while on a busy machine: more than the short timeout of the other cases.
    const slow = { timeoutMs: 10_000 };
    const error = await errorOf(demoJob().poll(context({}, simulator.credentials, slow)));
    const allowed = await demoJob().poll(
      context({ maxBytes: 32 * 1024 * 1024, notListedGraceSeconds: 60 }, simulator.credentials, slow),
    );

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('16777216');
    expect(allowed).toMatchObject({ status: 'QUEUED', rawStatus: 'not listed' });
  });

  it('names the statusPath when the status page is not there', async () => {
    // Act
    const error = await errorOf(demoJob().poll(context({ statusPath: 'okast/wrong/_getIngestStatus.php' })));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('404');
    expect(error.message).toContain('statusPath "okast/wrong/_getIngestStatus.php"');
  });

  it('reports refused credentials as an auth error', async () => {
    // Prepare
    const wrong = { scheme: 'basic', username: 'okast-ops', password: 'not-the-password' };

    // Act
    const error = await errorOf(demoJob().poll(context({}, wrong)));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toContain('401');
  });

  it('never lets a credential value into an error message', async () => {
    // Prepare
    const faults: Fault[] = [
      { kind: 'status', status: 503, body: 'echo: okast-query-secret-4711' },
      { kind: 'reset' },
      { kind: 'garbage', body: 'okast-query-secret-4711 is not JSON', contentType: 'text/html' },
      { kind: 'garbage', body: '{"key": "okast-query-secret-4711"}' },
      { kind: 'status', status: 403, body: 'key okast-query-secret-4711 refused' },
    ];
    await simulator.close();
    await startSimulator({
      auth: { scheme: 'query', paramName: 'apiKey', paramValue: 'okast-query-secret-4711' },
    });
    const messages: string[] = [];

    // Act
    for (const fault of faults) {
      simulator.server.inject(fault);
      const error = await errorOf(demoJob().poll(context()));
      messages.push(error.message, JSON.stringify((error as { context?: unknown }).context ?? {}));
    }
    const wrongKey = { scheme: 'query', paramName: 'apiKey', paramValue: 'okast-wrong-secret-0815' };
    const refused = await errorOf(demoJob().poll(context({}, wrongKey)));
    messages.push(refused.message);

    // Assess
    expect(messages).toHaveLength(11);
    for (const message of messages) {
      expect(message).not.toContain('okast-query-secret-4711');
      expect(message).not.toContain('okast-wrong-secret-0815');
    }
  });

  it('refuses unusable credentials as a configuration problem without echoing them', async () => {
    // Act
    const error = await errorFrom(() =>
      demoJob().poll(context({}, { username: 'ops', password: 'half-configured-secret' })),
    );

    // Assess
    expect(error.name).toBe('ConfigurationError');
    expect(error.message).not.toContain('half-configured-secret');
  });

  it('treats a 500 HTML page as a transport error', async () => {
    // Prepare
    simulator.server.inject({
      kind: 'status',
      status: 500,
      body: '<html><body><b>Fatal error</b>: Uncaught PDOException</body></html>',
      contentType: 'text/html',
    });

    // Act
    const error = await errorOf(demoJob().poll(context()));

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
  });

  it('treats a 403 as an auth error', async () => {
    // Prepare
    simulator.server.inject({ kind: 'status', status: 403, body: 'Forbidden', contentType: 'text/html' });

    // Act
    const error = await errorOf(demoJob().poll(context()));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
  });

  it.each([
    ['a wrapper that says it failed', '{"success": false, "data": []}', 'JSON object (keys: success, data)'],
    [
      'a wrapper carrying an error',
      '{"error": "session expired", "data": []}',
      'JSON object (keys: error, data)',
    ],
    ['an object under an unknown name', '{"rows_of_something": [], "total": 0}', 'JSON object'],
    // Only the published bare array is the list: anything else might be an error in disguise.
    [
      'the list wrapped in an object',
      '{"data": [{"request": {"filePath": "https://s/a.mp4"}}]}',
      'JSON object',
    ],
    ['a PHP object with numeric keys', '{"0": {"request": {"filePath": "https://s/a.mp4"}}}', 'JSON object'],
    ['null', 'null', 'JSON null'],
  ])('refuses %s with a protocol error, never as an empty list', async (_case, body, message) => {
    // Prepare
    simulator.server.inject({ kind: 'garbage', body, contentType: 'application/json' });

    // Act
    const error = await errorOf(demoJob().poll(context()));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain(message);
    expect(error.message).toContain("where Okast's array of ingest requests was expected");
  });

  it('refuses a statusPath that leads outside the base URL as a configuration problem, asking nothing', async () => {
    // Act
    const error = await errorOf(
      demoJob().poll(
        context({ statusPath: '../../elsewhere/_getIngestStatus.php' }, simulator.credentials, {
          baseUrl: `${baseUrl}tenant-1/okast/`,
        }),
      ),
    );

    // Assess
    expect(error.name).toBe('ConfigurationError');
    expect(simulator.server.requests).toHaveLength(0);
  });
});

const FIXTURES_DIRECTORY = new URL('./fixtures/', import.meta.url);
const FIXTURES = readdirSync(FIXTURES_DIRECTORY).map((name) =>
  readFileSync(new URL(name, FIXTURES_DIRECTORY), 'utf8'),
);

const base: FuzzTarget = {
  adapter: okastAdapter,
  options: {},
  credentials: {},
  reference: { filePath: 'https://s/a.mp4', metadataPath: 'https://s/a.json' },
  contentType: 'application/json',
};

/** The recorded answers' own jobs, so edited answers reach the mappers, and one they do not list. */
const TARGETS: FuzzTarget[] = [
  {
    filePath: 'https://my_storage_system/sample_9-16_blurred_background.mp4',
    metadataPath: 'https://my_storage_system/ingest-okast.json',
  },
  { filePath: 'https://s/a.mp4', metadataPath: 'https://s/a.json' },
].map((reference) => ({ ...base, reference }));

const VOCABULARY = [
  'request',
  'filePath',
  'metadataPath',
  'destinationFolder',
  'destinationFolderKind',
  'reschedule',
  'requestTime',
  'lastStatusUpdate',
  'status',
  'statusError',
];

describeJsonFuzz('Okast ingest status answers, fuzzed', {
  targets: TARGETS,
  vocabulary: VOCABULARY,
  fixtures: FIXTURES,
});
