import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { VendorAuthError, VendorProtocolError, VendorTransportError } from '../../../lib/jobs/errors.js';
import { admiralcloudAdapter } from '../../../lib/vendors/admiralcloud/admiralcloud-adapter.js';
import type {
  AdmiralCloudSimulator,
  AdmiralCloudSimulatorOptions,
} from '../../../local/simulators/admiralcloud/index.js';
import { describeJsonFuzz, type FuzzTarget } from '../../security/vendor-fuzz.js';
import {
  contextFor,
  fixture,
  manualClock,
  rejection,
  startSimulator,
  WatchedAdmiralCloudJob,
} from './support.js';

const running: AdmiralCloudSimulator[] = [];

const setUp = (
  simulator: Omit<AdmiralCloudSimulatorOptions, 'clock'> = {},
  connectionOptions: Record<string, unknown> = {},
  credentialOverrides: Record<string, string> = {},
) => startSimulator(running, { simulator, connectionOptions, credentialOverrides });

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

describe('AdmiralCloud auth failures', () => {
  it('reports a wrong secret as VendorAuthError with hashMismatch, not as a job failure', async () => {
    // Prepare
    const { simulator, context } = await setUp({}, {}, { accessSecret: 'not-the-right-secret' });
    const jobId = simulator.createJob();

    // Act
    const error = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toContain('acsignature_hashMismatch');
  });

  it('reports a clock more than 10 s apart as VendorAuthError with rtsDeviation', async () => {
    // Prepare
    const { simulator, context } = await setUp({ serverClockSkewSeconds: 60 });
    const jobId = simulator.createJob();

    // Act
    const error = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toContain('acsignature_rtsDeviation');
    expect(error.message).toContain('clock');
  });

  it('answers hashMissing to an unsigned request', async () => {
    // Prepare
    const { simulator, baseUrl } = await setUp();
    const jobId = simulator.createJob();

    // Act
    const response = await fetch(new URL(`v5/activity/jobResult/${jobId}`, baseUrl));

    // Assess
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'acsignature_hashMissing' });
  });

  it('costs one request per poll for a wrong secret, and names what to check', async () => {
    // Prepare
    const { clock, simulator } = await setUp();
    const jobId = simulator.createJob();
    const wrong = contextFor(
      simulator.server.url,
      { ...simulator.credentials, accessSecret: 'wrong-secret' },
      {},
      clock,
    );

    // Act
    const first = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(wrong));
    const afterFirst = simulator.server.requests.length;
    const second = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(wrong));

    // Assess
    expect(first).toBeInstanceOf(VendorAuthError);
    expect(first.message).toContain('acsignature_hashMismatch');
    expect(first.message).toContain('accessSecret');
    expect(first.message).toContain('signatureVersion');
    expect(second).toBeInstanceOf(VendorAuthError);
    expect(afterFirst).toBe(1);
    expect(simulator.server.requests.length - afterFirst).toBe(1);
  });

  it('asks once and names the clock for rtsDeviation: the clock is wrong, not the secret', async () => {
    // Prepare
    const { simulator, context } = await setUp({ serverClockSkewSeconds: -30 });
    const jobId = simulator.createJob();

    // Act
    const error = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toContain('acsignature_rtsDeviation');
    expect(error.message).toContain('NTP');
    expect(simulator.server.requests).toHaveLength(1);
  });

  it('never puts a credential value into an error message', async () => {
    // Prepare
    const { simulator, context, credentials } = await setUp({}, {}, { clientId: 'client-secretish-77' });
    const jobId = simulator.createJob();
    const echo = JSON.stringify({
      message: `acsignature_hashMismatch for ${credentials.accessKey} / ${credentials.accessSecret}`,
    });
    const faults = [
      { kind: 'status' as const, status: 401, body: echo, contentType: 'application/json' },
      { kind: 'status' as const, status: 400, body: echo, contentType: 'application/json' },
      { kind: 'status' as const, status: 500, body: echo },
      {
        kind: 'garbage' as const,
        body: `<html>${credentials.accessSecret}</html>`,
        contentType: 'text/html',
      },
    ];
    const errors: Error[] = [];

    // Act
    for (const fault of faults) {
      // Repeated, so the listing meets the fault too when jobResult gets past it.
      simulator.server.clearFaults();
      simulator.server.inject(fault, { pathIncludes: 'jobResult', count: 20 });
      errors.push(await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(context)));
    }
    const wrongSecret = contextFor(
      context.http.baseUrl.href,
      { ...credentials, accessSecret: 'wrong-secret-123' },
      {},
      manualClock(),
    );
    errors.push(await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(wrongSecret)));

    // Assess
    expect(errors).toHaveLength(5);
    for (const error of errors) {
      for (const value of [...Object.values(credentials), 'wrong-secret-123']) {
        expect(error.message).not.toContain(value);
      }
    }
  });
});

describe('AdmiralCloud outages and malformed answers', () => {
  it('surfaces a 503 in the middle as a transport error and carries on afterwards', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp();
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 100 }] });
    const watched = new WatchedAdmiralCloudJob({ jobId });
    clock.advance(20);
    await watched.poll(context);
    simulator.server.inject({ kind: 'status', status: 503, body: 'busy' }, { pathIncludes: 'jobResult' });

    // Act
    clock.advance(20);
    const error = await rejection(watched.poll(context));
    const next = await watched.poll(context);

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(next).toMatchObject({ status: 'RUNNING', progress: 40 });
  });

  it('still reports the status when only the activity listing fails, without progress', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp();
    const jobId = simulator.createJob();
    // Faults match by path text and `/v5/activity` is also part of jobResult's path: a no-op
    // fault for jobResult goes first, so the 503 lands on the listing.
    simulator.server.inject({ kind: 'delay', ms: 0 }, { pathIncludes: 'jobResult' });
    simulator.server.inject({ kind: 'status', status: 503, body: 'busy' }, { pathIncludes: '/v5/activity' });
    clock.advance(10);

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'RUNNING', rawStatus: 'pending' });
    expect(observation.progress).toBeUndefined();
    expect(String(observation.details?.activityListError)).toContain('503');
  });

  it('keeps the poll when the listing answers the seed modelChangesES text instead of JSON', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp();
    const jobId = simulator.createJob();
    const watched = new WatchedAdmiralCloudJob({ jobId });
    clock.advance(12);
    await watched.poll(context);
    simulator.server.inject({ kind: 'delay', ms: 0 }, { pathIncludes: 'jobResult' });
    simulator.server.inject(
      { kind: 'garbage', body: fixture('seed-model-changes-es.txt'), contentType: 'text/plain' },
      { pathIncludes: '/v5/activity' },
    );

    // Act
    clock.advance(12);
    const observation = await watched.poll(context);

    // Assess
    expect(observation.status).toBe('RUNNING');
    expect(observation.progress).toBeUndefined();
    expect(String(observation.details?.activityListError)).toContain('not JSON');
    expect(observation.adapterState).toMatchObject({ seen: true, lastPercent: 20 });
  });

  it.each([
    ['truncated JSON', { kind: 'garbage' as const, body: '{"ok":tr' }, VendorProtocolError, 'not JSON'],
    [
      'an HTML error page with status 200',
      {
        kind: 'garbage' as const,
        body: '<html><body><h1>Maintenance</h1></body></html>',
        contentType: 'text/html',
      },
      VendorProtocolError,
      'text/html',
    ],
    [
      'an HTML 404 page (a wrong path, not a lost job)',
      { kind: 'status' as const, status: 404, body: '<html>Not Found</html>', contentType: 'text/html' },
      VendorProtocolError,
      'not AdmiralCloud',
    ],
    [
      'a connection cut in the middle of the body',
      { kind: 'truncate' as const },
      VendorTransportError,
      'jobResult',
    ],
    [
      'a 502 HTML page from a proxy',
      { kind: 'status' as const, status: 502, body: '<html>Bad gateway</html>' },
      VendorTransportError,
      '502',
    ],
  ])('turns %s into a clear typed error', async (_name, fault, errorClass, text) => {
    // Prepare
    const { simulator, context } = await setUp();
    const jobId = simulator.createJob();
    simulator.server.inject(fault, { pathIncludes: 'jobResult' });

    // Act
    const error = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(errorClass);
    expect(error.message).toContain(text);
  });

  it('refuses a 20 MB body with a protocol error instead of reading it', async () => {
    // Prepare
    const { simulator, context } = await setUp();
    const jobId = simulator.createJob();
    const huge = `{"processed":["${'x'.repeat(20 * 1024 * 1024)}"]}`;
    simulator.server.inject({ kind: 'garbage', body: huge }, { pathIncludes: 'jobResult' });

    // Act
    const error = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('more than the');
  });

  it('turns a jobResult error body into a protocol error naming the vendor message', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp();
    const jobId = simulator.createJob();
    simulator.failWith(jobId, 400, 'error_jobResultInvalid');
    clock.advance(1);

    // Act
    const error = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('answered 400');
    expect(error.message).toContain('error_jobResultInvalid');
  });

  it('refuses a 204 No Content to jobResult as unreadable, not as a finished job', async () => {
    // Prepare: the documented empty answer is `{}`; an empty body says nothing about the job.
    const { simulator, context } = await setUp();
    const jobId = simulator.createJob();
    simulator.server.inject({ kind: 'status', status: 204 }, { pathIncludes: 'jobResult' });

    // Act
    const error = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('empty body');
  });

  it('reads only `message` of an error body: another key is no vendor message', async () => {
    // Prepare
    const { simulator, context } = await setUp();
    const jobId = simulator.createJob();
    simulator.server.inject(
      {
        kind: 'status',
        status: 400,
        body: '{"error":"error_jobIdInvalid"}',
        contentType: 'application/json',
      },
      { pathIncludes: 'jobResult' },
    );

    // Act
    const error = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('answered 400 to jobResult');
    expect(error.message).toContain('no message');
  });
});

const FIXTURES_DIRECTORY = new URL('./fixtures/', import.meta.url);
const FIXTURES = readdirSync(FIXTURES_DIRECTORY).map((name) =>
  readFileSync(new URL(name, FIXTURES_DIRECTORY), 'utf8'),
);

const base: FuzzTarget = {
  adapter: admiralcloudAdapter,
  options: {},
  credentials: { accessKey: 'fuzz-access-key', accessSecret: 'fuzz-access-secret' },
  reference: { jobId: 'b7' },
  contentType: 'application/json',
};

/** The recorded answers' own jobs, so edited answers reach the mappers, and one they do not list. */
const TARGETS: FuzzTarget[] = [{ jobId: '7c1e9a40-batch' }, { jobId: 'b7' }].map((reference) => ({
  ...base,
  reference,
}));

const VOCABULARY = [
  'ok',
  'jobId',
  'id',
  'percent',
  'activities',
  'status',
  'message',
  'result',
  'error',
  'createdAt',
  'updatedAt',
  'type',
  'data',
  'mediaContainerId',
];

describeJsonFuzz('AdmiralCloud activity answers, fuzzed', {
  targets: TARGETS,
  vocabulary: VOCABULARY,
  fixtures: FIXTURES,
});
