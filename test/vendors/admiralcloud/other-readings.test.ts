import { afterEach, describe, expect, it } from 'vitest';
import { VendorAuthError, VendorProtocolError } from '../../../lib/jobs/errors.js';
import type {
  AdmiralCloudSimulator,
  AdmiralCloudSimulatorOptions,
} from '../../../local/simulators/admiralcloud/index.js';
import { contextFor, rejection, startSimulator, WatchedAdmiralCloudJob } from './support.js';

/*
 * The documents (vendors.md §4, the seed) leave details open that an AdmiralCloud server, or a
 * fake written from the same documents, may read differently from our simulator's defaults.
 * Each test switches the simulator to one such reading and checks that jobwatch still follows
 * the job.
 */

const running: AdmiralCloudSimulator[] = [];

const setUp = (
  simulator: Omit<AdmiralCloudSimulatorOptions, 'clock'> = {},
  connectionOptions: Record<string, unknown> = {},
  basePath = '',
) => startSimulator(running, { simulator, connectionOptions, basePath, tellQuirks: false });

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

function requestsTo(simulator: AdmiralCloudSimulator, path: string, method = 'GET') {
  return simulator.server.requests.filter((request) => request.path === path && request.method === method);
}

describe('AdmiralCloud base URL and ids', () => {
  it.each([
    ['the API root', ''],
    ['the API root with /v5/', 'v5/'],
    ['the API root with /v5 (no slash)', 'v5'],
  ])('reaches /v5/activity/… when the base URL is %s', async (_name, basePath) => {
    // Prepare
    const { clock, simulator, context } = await setUp({}, {}, basePath);
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 100 }] });
    clock.advance(25);

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'RUNNING', progress: 25 });
    expect(simulator.server.requests.map((request) => request.path)).toEqual([
      `/v5/activity/jobResult/${jobId}`,
      '/v5/activity',
    ]);
    expect(simulator.refusals).toEqual([]);
  });

  it('accepts a numeric jobId, as a createUpload answer may carry it, and signs it', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp();
    simulator.createJob({ jobId: '4711', parts: [{ durationSeconds: 10 }], outcome: { kind: 'empty' } });
    const watched = new WatchedAdmiralCloudJob({ jobId: 4711 });

    // Act
    clock.advance(11);
    const observation = await watched.poll(context);

    // Assess
    expect(watched.job.reference.jobId).toBe('4711');
    expect(observation).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'done' });
  });

  it('sends a ":" of a batch part id unencoded, so raw and decoded paths hash the same', async () => {
    // Prepare
    const { simulator, context } = await setUp();
    simulator.createJob({ jobId: 'b7:1' });

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId: 'b7:1' }).poll(context);

    // Assess
    expect(observation.status).toBe('RUNNING');
    expect(simulator.server.requests[0]?.path).toBe('/v5/activity/jobResult/b7:1');
    expect(simulator.refusals).toEqual([]);
  });
});

describe('AdmiralCloud signature readings', () => {
  it('falls back to v1 for a server that checks only controller/action, and keeps it', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp({ quirks: { signatureVersions: [1] } });
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 100 }] });
    const watched = new WatchedAdmiralCloudJob({ jobId });
    clock.advance(40);

    // Act
    const first = await watched.poll(context);
    const refusalsAfterFirst = simulator.refusals.length;
    const second = await watched.poll(context);

    // Assess
    expect(first).toMatchObject({ status: 'RUNNING', progress: 40 });
    expect(second).toMatchObject({ status: 'RUNNING', progress: 40 });
    // jobResult and the listing were each refused once under v2, then never again.
    expect(refusalsAfterFirst).toBe(2);
    expect(simulator.refusals).toHaveLength(2);
    expect(simulator.server.requests.at(-1)?.headers['x-admiralcloud-version']).toBe('1');
  });

  it('falls back to v2 for a server that checks only the path when v1 is configured', async () => {
    // Prepare
    const { simulator, context } = await setUp(
      { quirks: { signatureVersions: [2] } },
      { signatureVersion: 1 },
    );
    const jobId = simulator.createJob();

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId }).poll(context);

    // Assess
    expect(observation.status).toBe('RUNNING');
    expect(simulator.server.requests.at(-1)?.headers['x-admiralcloud-version']).toBe('2');
  });

  it('follows a server that hashes only the query, not the route parameters', async () => {
    // Prepare
    const { simulator, context } = await setUp({ quirks: { signRouteParams: false } });
    const jobId = simulator.createJob();
    simulator.complete(jobId, { kind: 'result', result: { processed: [1] } });

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'result' });
  });

  it('follows an older server that hashes numeric GET parameters as numbers', async () => {
    // Prepare
    const { simulator, context } = await setUp({ quirks: { numericGetParams: true } });
    simulator.createJob({ jobId: '90210' });

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId: '90210' }).poll(context);

    // Assess
    expect(observation.status).toBe('RUNNING');
  });

  it('sends only the configured reading when the fallback is switched off', async () => {
    // Prepare
    const { simulator, context } = await setUp(
      { quirks: { signatureVersions: [1] } },
      { signatureFallback: false },
    );
    const jobId = simulator.createJob();

    // Act
    const error = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toContain('acsignature_hashMismatch');
    expect(simulator.server.requests).toHaveLength(1);
  });

  it('tries the readings once for a wrong secret, then sticks to the configured one', async () => {
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
    expect(second).toBeInstanceOf(VendorAuthError);
    // v1/v2 × route signed or not: four readings of a non-numeric jobId, then one request.
    expect(afterFirst).toBe(4);
    expect(simulator.server.requests.length - afterFirst).toBe(1);
  });

  it('does not retry other readings for rtsDeviation: the clock is wrong, not the scheme', async () => {
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
});

describe('AdmiralCloud jobResult readings', () => {
  it('takes an error that says "not completed yet" for a running job', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp({
      quirks: { jobResultBeforeDone: { status: 400, message: 'error_jobNotCompleted' } },
    });
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 100 }], outcome: { kind: 'empty' } });
    const watched = new WatchedAdmiralCloudJob({ jobId });

    // Act
    clock.advance(50);
    const midway = await watched.poll(context);
    clock.advance(60);
    const done = await watched.poll(context);

    // Assess
    expect(midway).toMatchObject({ status: 'RUNNING', progress: 50 });
    expect(done).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'done' });
  });

  it('keeps a job RUNNING whose jobResult answers 404 while its activity is listed', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp({
      quirks: { jobResultBeforeDone: { status: 404, message: 'error_notFound' } },
    });
    const jobId = simulator.createJob({
      parts: [{ durationSeconds: 100 }],
      outcome: { kind: 'result', result: { processed: [{ id: 1 }] } },
    });
    const watched = new WatchedAdmiralCloudJob({ jobId });

    // Act
    clock.advance(30);
    const midway = await watched.poll(context);
    clock.advance(80);
    const done = await watched.poll(context);

    // Assess
    expect(midway).toMatchObject({ status: 'RUNNING', rawStatus: 'pending', progress: 30 });
    expect(midway.message).toContain(`jobResult answered "error_notFound", but the job's activity is listed`);
    expect(done).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'result', progress: 100 });
  });

  it('takes a JSON "route not found" for a wrong path, never for a lost job', async () => {
    // Prepare
    const { simulator, context } = await setUp({}, { jobResultPath: 'v4/activity/jobResult/{jobId}' });
    const jobId = simulator.createJob();

    // Act
    const error = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('error_routeNotFound');
    expect(error.message).toContain('jobResultPath');
  });

  it('reads a 204 No Content as done without a result', async () => {
    // Prepare
    const { simulator, context } = await setUp();
    const jobId = simulator.createJob();
    simulator.server.inject({ kind: 'status', status: 204 }, { pathIncludes: 'jobResult' });

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'done', progress: 100 });
  });

  it('takes an array as a result', async () => {
    // Prepare
    const { simulator, context } = await setUp();
    const jobId = simulator.createJob({ outcome: { kind: 'result', result: [{ id: 4711 }, { id: 4712 }] } });
    simulator.complete(jobId);

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId }).poll(context);

    // Assess
    expect(observation).toMatchObject({
      status: 'SUCCEEDED',
      rawStatus: 'result',
      details: { result: { type: 'array', length: 2 } },
    });
  });

  it('quotes an error body that says "error" instead of "message"', async () => {
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
    expect(error.message).toContain('error_jobIdInvalid');
  });
});

describe('AdmiralCloud activity listing readings', () => {
  it('follows a job from jobResult alone on a server without a listing, asking for it rarely', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp({ quirks: { noActivityListing: true } });
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 100 }], outcome: { kind: 'empty' } });
    const watched = new WatchedAdmiralCloudJob({ jobId });

    // Act
    const observations = [];
    for (let poll = 0; poll < 5; poll += 1) {
      clock.advance(10);
      observations.push(await watched.poll(context));
    }
    clock.advance(60);
    const done = await watched.poll(context);

    // Assess
    for (const observation of observations) {
      expect(observation).toMatchObject({ status: 'RUNNING', rawStatus: 'pending' });
      expect(observation.progress).toBeUndefined();
      expect(observation.message).toContain('offers no activity listing');
    }
    expect(String(observations[0]?.details?.activityListError)).toContain('error_routeNotFound');
    expect(observations[1]?.details).toBeUndefined();
    expect(requestsTo(simulator, '/v5/activity')).toHaveLength(1);
    expect(done).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'done' });
  });

  it('asks again for the listing every tenth poll, and uses it once it is there', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp({ quirks: { noActivityListing: true } });
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 1000 }] });
    const watched = new WatchedAdmiralCloudJob({ jobId });
    for (let poll = 0; poll < 10; poll += 1) await watched.poll(context);
    simulator.setQuirks({ noActivityListing: false });

    // Act
    clock.advance(100);
    const observation = await watched.poll(context);

    // Assess
    expect(requestsTo(simulator, '/v5/activity')).toHaveLength(2);
    expect(observation).toMatchObject({ status: 'RUNNING', progress: 10 });
  });

  it('explains a cancel it cannot do on a server without a listing instead of failing', async () => {
    // Prepare
    const { simulator, context } = await setUp({ quirks: { noActivityListing: true } });
    const jobId = simulator.createJob();

    // Act
    const outcome = await new WatchedAdmiralCloudJob({ jobId }).cancel(context);

    // Assess
    expect(outcome.cancelled).toBe(false);
    expect(outcome.message).toContain('activityId');
  });

  it('reads activities grouped by type (upload, miscActivities)', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp({ quirks: { groupedActivities: true } });
    const jobId = simulator.createJob({
      parts: [
        { durationSeconds: 100, type: 'upload' },
        { durationSeconds: 50, type: 'batchUpdate' },
      ],
    });
    clock.advance(20);

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'RUNNING', progress: 20, details: { partCount: 2 } });
  });

  it('cancels a job whose activities are grouped by type', async () => {
    // Prepare
    const { simulator, context } = await setUp({ quirks: { groupedActivities: true } });
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 100, type: 'upload' }] });

    // Act
    const outcome = await new WatchedAdmiralCloudJob({ jobId }).cancel(context);

    // Assess
    expect(outcome.cancelled).toBe(true);
    expect(simulator.server.requests.filter((request) => request.method === 'DELETE')).toHaveLength(1);
  });
});
