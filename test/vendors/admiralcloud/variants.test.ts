import { afterEach, describe, expect, it } from 'vitest';
import { VendorAuthError, VendorProtocolError } from '../../../lib/jobs/errors.js';
import type {
  AdmiralCloudSimulator,
  AdmiralCloudSimulatorOptions,
} from '../../../local/simulators/admiralcloud/index.js';
import { rejection, startSimulator, WatchedAdmiralCloudJob } from './support.js';

/*
 * The documents (vendors.md §4, the seed) leave details open that an AdmiralCloud server, or a
 * fake written from the same documents, may read differently from our simulator's defaults.
 * Each test switches the simulator to one such reading and checks that jobwatch follows the
 * job — by itself where the documents justify a tolerance, or with the connection option an
 * operator sets for that server (one way for each, never both).
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
  it('reaches /v5/activity/… from the API root', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp();
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

  it('names the paths when the base URL already ends in the API version', async () => {
    // Prepare: the paths start with v5/ [CODE]; an operator who ends the base in /v5/ sets them.
    const { simulator, context } = await setUp({}, {}, 'v5/');
    const jobId = simulator.createJob();

    // Act
    const error = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('error_routeNotFound');
    expect(error.message).toContain('check the base URL and jobResultPath');
    expect(simulator.server.requests[0]?.path).toBe(`/v5/v5/activity/jobResult/${jobId}`);
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

describe('AdmiralCloud signature readings: one per connection, set by its options', () => {
  it('signs with v1 for a server that checks only controller/action, when configured so', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp(
      { quirks: { signatureVersions: [1] } },
      { signatureVersion: 1 },
    );
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 100 }] });
    const watched = new WatchedAdmiralCloudJob({ jobId });
    clock.advance(40);

    // Act
    const first = await watched.poll(context);
    const second = await watched.poll(context);

    // Assess
    expect(first).toMatchObject({ status: 'RUNNING', progress: 40 });
    expect(second).toMatchObject({ status: 'RUNNING', progress: 40 });
    expect(simulator.refusals).toEqual([]);
    expect(simulator.server.requests).toHaveLength(4);
    expect(simulator.server.requests.at(-1)?.headers['x-admiralcloud-version']).toBe('1');
  });

  it('sends only the configured version: a v1-only server refuses v2 once, naming the option', async () => {
    // Prepare
    const { simulator, context } = await setUp({ quirks: { signatureVersions: [1] } });
    const jobId = simulator.createJob();

    // Act
    const error = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toContain('acsignature_hashMismatch');
    expect(error.message).toContain('signatureVersion');
    expect(simulator.server.requests).toHaveLength(1);
    expect(simulator.server.requests[0]?.headers['x-admiralcloud-version']).toBe('2');
  });

  it('signs with v2 by default for a server that checks only the path, and v1 is refused there', async () => {
    // Prepare
    const byDefault = await setUp({ quirks: { signatureVersions: [2] } });
    const defaultJob = byDefault.simulator.createJob();
    const v1 = await setUp({ quirks: { signatureVersions: [2] } }, { signatureVersion: 1 });
    const v1Job = v1.simulator.createJob();

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId: defaultJob }).poll(byDefault.context);
    const refused = await rejection(new WatchedAdmiralCloudJob({ jobId: v1Job }).poll(v1.context));

    // Assess
    expect(observation.status).toBe('RUNNING');
    expect(byDefault.simulator.server.requests.at(-1)?.headers['x-admiralcloud-version']).toBe('2');
    expect(refused).toBeInstanceOf(VendorAuthError);
    expect(v1.simulator.server.requests).toHaveLength(1);
  });

  it('follows an older server that hashes numeric GET parameters as numbers, when configured so', async () => {
    // Prepare
    const { simulator, context } = await setUp(
      { quirks: { numericGetParams: true } },
      { signNumericParamsAsNumbers: true },
    );
    simulator.createJob({ jobId: '90210' });

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId: '90210' }).poll(context);

    // Assess
    expect(observation.status).toBe('RUNNING');
  });

  it('needs no option on an older server for ids that are not numbers', async () => {
    // Prepare
    const { simulator, context } = await setUp({ quirks: { numericGetParams: true } });
    const jobId = simulator.createJob({ jobId: '7c1e9a40-batch' });

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId }).poll(context);

    // Assess
    expect(observation.status).toBe('RUNNING');
    expect(simulator.refusals).toEqual([]);
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
