import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VendorAuthError, VendorProtocolError, VendorTransportError } from '../../../lib/jobs/errors.js';
import { clearOkastListCache } from '../../../lib/vendors/okast/index.js';
import { type ManualClock, manualClock } from '../../../local/clock.js';
import { OkastSimulator, type OkastSimulatorOptions } from '../../../local/simulators/okast/index.js';
import type { Fault } from '../../../local/simulators/sim-server.js';
import { contextFor, errorOf, WatchedIngest } from './support.js';

describe('Okast adapter when the instance misbehaves', () => {
  let simulator: OkastSimulator;
  let clock: ManualClock;
  let baseUrl: string;

  async function startSimulator(options: OkastSimulatorOptions = {}): Promise<void> {
    clock = manualClock();
    simulator = new OkastSimulator({ clock, ...options });
    baseUrl = await simulator.start();
  }

  function context(options: Record<string, unknown> = {}, credentials = simulator.credentials) {
    return contextFor(baseUrl, credentials, { ...simulator.connectionOptions(), ...options }, clock, {
      timeoutMs: 500,
    });
  }

  function demoJob(): WatchedIngest {
    return new WatchedIngest(simulator.createDemoJob(60), new Date(clock.now()));
  }

  beforeEach(async () => {
    clearOkastListCache();
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

  it.each<[string, string, string | undefined, string]>([
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
    const error = await errorOf(demoJob().poll(context()));
    const allowed = await demoJob().poll(context({ maxBytes: 32 * 1024 * 1024, notListedGraceSeconds: 60 }));

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
    const error = await errorOf(
      demoJob().poll(context({}, { username: 'ops', password: 'half-configured-secret' })),
    );

    // Assess
    expect(error.name).toBe('ConfigurationError');
    expect(error.message).not.toContain('half-configured-secret');
  });
});
