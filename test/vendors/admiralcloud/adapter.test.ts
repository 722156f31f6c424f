import { afterEach, describe, expect, it } from 'vitest';
import { VendorAuthError, VendorProtocolError, VendorTransportError } from '../../../lib/jobs/errors.js';
import { scaledClock } from '../../../local/clock.js';
import {
  AdmiralCloudSimulator,
  type AdmiralCloudSimulatorOptions,
} from '../../../local/simulators/admiralcloud/index.js';
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

describe('AdmiralCloud adapter against the simulator: final states', () => {
  it('follows a batch job and its :1 follow-up to SUCCEEDED with a result outline', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp();
    const jobId = simulator.createJob({
      parts: [{ durationSeconds: 100 }, { durationSeconds: 40, startAfterSeconds: 10 }],
      outcome: { kind: 'result', result: { processed: [{ id: 1 }, { id: 2 }], failed: [] } },
    });
    const watched = new WatchedAdmiralCloudJob({ jobId });

    // Act
    clock.advance(30);
    const midway = await watched.poll(context);
    clock.advance(30);
    const later = await watched.poll(context);
    clock.advance(45);
    const done = await watched.poll(context);

    // Assess
    expect(midway).toMatchObject({ status: 'RUNNING', rawStatus: 'pending', progress: 30 });
    expect(midway.details).toMatchObject({
      partCount: 2,
      parts: [
        { jobId, percent: 30 },
        { jobId: `${jobId}:1`, percent: 50 },
      ],
    });
    expect(midway.message).toContain('0 of 2 parts at 100%');
    // The follow-up is done, the job is not: min keeps the job's own 60%.
    expect(later).toMatchObject({ status: 'RUNNING', progress: 60 });
    expect(later.message).toContain('1 of 2 parts at 100%');
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      rawStatus: 'result',
      progress: 100,
      details: {
        result: { type: 'object', keys: ['processed', 'failed'], arrayLengths: { processed: 2, failed: 0 } },
      },
    });
  });

  it('reports the mean of the parts when the connection asks for it', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp({}, { batchProgress: 'mean' });
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 100 }, { durationSeconds: 50 }] });
    const watched = new WatchedAdmiralCloudJob({ jobId });

    // Act
    clock.advance(25);
    const observation = await watched.poll(context);

    // Assess
    expect(observation.progress).toBe(37.5);
  });

  it('ends SUCCEEDED without result details when jobResult answers {}', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp();
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 10 }], outcome: { kind: 'empty' } });
    const watched = new WatchedAdmiralCloudJob({ jobId });

    // Act
    clock.advance(11);
    const observation = await watched.poll(context);

    // Assess
    expect(observation).toEqual({
      status: 'SUCCEEDED',
      rawStatus: 'done',
      progress: 100,
      message: `AdmiralCloud job ${jobId} completed without a result`,
    });
  });

  it('never copies the temporary S3 credentials of a createUpload result', async () => {
    // Prepare
    const { simulator, context } = await setUp();
    const result = JSON.parse(fixture('job-result-create-upload.json'));
    const jobId = simulator.createJob({ outcome: { kind: 'result', result } });
    simulator.complete(jobId);

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId }).poll(context);

    // Assess
    expect(observation.status).toBe('SUCCEEDED');
    expect(JSON.stringify(observation)).not.toMatch(
      /ASIAEXAMPLE|example\/secret|session-token|top-level-token/,
    );
  });

  it('reports LOST when jobResult says the job is not found', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp();
    const jobId = simulator.createJob({ phases: [{ at: 20, state: { kind: 'vanished' } }] });
    const watched = new WatchedAdmiralCloudJob({ jobId });
    clock.advance(10);
    await watched.poll(context);

    // Act
    clock.advance(15);
    const observation = await watched.poll(context);

    // Assess
    expect(observation).toMatchObject({
      status: 'LOST',
      rawStatus: 'not-found',
      error: { message: 'error_notFound', httpCode: 404 },
    });
    expect(observation.message).toContain('no longer knows job');
  });

  it('reports LOST once a destroyed activity stays missing before 100%', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp();
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 100 }] });
    const watched = new WatchedAdmiralCloudJob({ jobId });
    clock.advance(40);
    await watched.poll(context);
    simulator.destroy(jobId);

    // Act
    clock.advance(5);
    const first = await watched.poll(context);
    clock.advance(5);
    const second = await watched.poll(context);

    // Assess
    expect(first).toMatchObject({ status: 'RUNNING', progress: 40 });
    expect(first.message).toContain('missing from the listing (1×)');
    expect(second).toMatchObject({ status: 'LOST', rawStatus: 'activity-vanished', progress: 40 });
    expect(second.message).toContain('disappeared at 40% before completing');
  });

  it('reports CANCELLED for a vanished activity when the operator chose so', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp(
      {},
      { vanishedActivityStatus: 'CANCELLED', missingPollsBeforeVanished: 1 },
    );
    const jobId = simulator.createJob({ phases: [{ at: 15, state: { kind: 'destroyed' } }] });
    const watched = new WatchedAdmiralCloudJob({ jobId });
    clock.advance(10);
    await watched.poll(context);

    // Act
    clock.advance(10);
    const observation = await watched.poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'CANCELLED', rawStatus: 'activity-vanished' });
  });

  it('keeps a job whose activity is never listed for this user RUNNING, never LOST', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp();
    const jobId = simulator.createJob({ listed: false, parts: [{ durationSeconds: 30 }] });
    const watched = new WatchedAdmiralCloudJob({ jobId });

    // Act
    const observations = [];
    for (let poll = 0; poll < 4; poll += 1) {
      clock.advance(5);
      observations.push(await watched.poll(context));
    }
    clock.advance(20);
    const done = await watched.poll(context);

    // Assess
    for (const observation of observations) {
      expect(observation.status).toBe('RUNNING');
      expect(observation.progress).toBeUndefined();
    }
    expect(observations[0]?.message).toContain('no activity of it is listed for this API user');
    expect(done.status).toBe('SUCCEEDED');
  });

  it('waits for the result, never LOST, when a finished activity leaves the listing first', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp({ quirks: { completedActivityTtlSeconds: 5 } });
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 10 }], outcome: { kind: 'empty' } });
    const watched = new WatchedAdmiralCloudJob({ jobId });
    // The result lags behind the activity: jobResult still answers pending for a while.
    const pending = { kind: 'garbage' as const, body: '{"ok":true}' };
    simulator.server.inject(pending, { pathIncludes: 'jobResult', count: 3 });
    clock.advance(11);
    const atHundred = await watched.poll(context);

    // Act
    clock.advance(30);
    const afterListing = [await watched.poll(context), await watched.poll(context)];
    const done = await watched.poll(context);

    // Assess
    expect(atHundred).toMatchObject({ status: 'RUNNING', progress: 100 });
    for (const observation of afterListing) {
      expect(observation).toMatchObject({ status: 'RUNNING', progress: 100 });
      expect(observation.message).toContain('waiting for its result');
    }
    expect(done.status).toBe('SUCCEEDED');
  });

  it('detects a forgotten job from the listing when jobResult keeps answering pending', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp({ quirks: { unknownJobPending: true } });
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 100 }] });
    const watched = new WatchedAdmiralCloudJob({ jobId });
    clock.advance(30);
    await watched.poll(context);
    simulator.vanish(jobId);

    // Act
    const first = await watched.poll(context);
    const second = await watched.poll(context);

    // Assess
    expect(first.status).toBe('RUNNING');
    expect(second).toMatchObject({ status: 'LOST', rawStatus: 'activity-vanished', progress: 30 });
  });

  it('takes an activity status saying "destroyed" as the vendor\'s CANCELLED verdict', async () => {
    // Prepare
    const { simulator, context } = await setUp();
    const jobId = simulator.createJob();
    const listing = { activities: [{ id: 9, jobId, percent: 35, type: 'upload', status: 'destroyed' }] };
    simulator.server.inject({ kind: 'delay', ms: 0 }, { pathIncludes: 'jobResult' });
    simulator.server.inject(
      { kind: 'garbage', body: JSON.stringify(listing) },
      { pathIncludes: '/v5/activity' },
    );

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'CANCELLED', rawStatus: 'activity destroyed', progress: 35 });
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
});

describe('AdmiralCloud adapter against the simulator: signatures', () => {
  it('signs with v1 controller/action as well as with v2 paths', async () => {
    // Prepare
    const { simulator, context } = await setUp({}, { signatureVersion: 1 });
    const jobId = simulator.createJob();

    // Act
    const observation = await new WatchedAdmiralCloudJob({ jobId }).poll(context);

    // Assess
    expect(observation.status).toBe('RUNNING');
    expect(simulator.refusals).toEqual([]);
    expect(simulator.server.requests[0]?.headers['x-admiralcloud-version']).toBe('1');
  });

  it('sends the access key, the rts, the hash and the optional client id and identifier', async () => {
    // Prepare
    const { simulator, context } = await setUp({}, {}, { clientId: 'client-7', identifier: 'user-42' });
    const jobId = simulator.createJob();

    // Act
    await new WatchedAdmiralCloudJob({ jobId }).poll(context);

    // Assess
    const headers = simulator.server.requests[0]?.headers ?? {};
    expect(headers['x-admiralcloud-accesskey']).toBe(simulator.credentials.accessKey);
    expect(headers['x-admiralcloud-hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(Math.abs(Number(headers['x-admiralcloud-rts']) - Date.now() / 1000)).toBeLessThan(5);
    expect(headers['x-admiralcloud-clientid']).toBe('client-7');
    expect(headers['x-admiralcloud-identifier']).toBe('user-42');
  });

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

  it('signs numeric ids as numbers for older API servers only when told to', async () => {
    // Prepare: without the fallback, only the configured reading is sent.
    const older = await setUp(
      { quirks: { numericGetParams: true } },
      { signNumericParamsAsNumbers: false, signatureFallback: false },
    );
    const olderJob = older.simulator.createJob({ jobId: '4711' });
    const told = await setUp({ quirks: { numericGetParams: true } }, { signatureFallback: false });
    const toldJob = told.simulator.createJob({ jobId: '4711' });

    // Act
    const refused = await rejection(new WatchedAdmiralCloudJob({ jobId: olderJob }).poll(older.context));
    const accepted = await new WatchedAdmiralCloudJob({ jobId: toldJob }).poll(told.context);

    // Assess
    expect(refused).toBeInstanceOf(VendorAuthError);
    expect(accepted.status).toBe('RUNNING');
  });

  it('signs with wall-clock seconds even when the simulated clock runs 1000 times faster', async () => {
    // Prepare
    const clock = scaledClock(1000);
    const simulator = new AdmiralCloudSimulator({ clock });
    running.push(simulator);
    const baseUrl = await simulator.start();
    const context = contextFor(baseUrl, simulator.credentials, simulator.connectionOptions(), clock);
    const reference = simulator.createDemoJob(30);
    const watched = new WatchedAdmiralCloudJob(reference);

    // Act
    const first = await watched.poll(context);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const last = await watched.poll(context);

    // Assess
    expect(first.status).toBe('RUNNING');
    expect(last).toMatchObject({ status: 'SUCCEEDED', progress: 100 });
  });
});

describe('AdmiralCloud adapter against the simulator: faults and malformed answers', () => {
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
      // Repeated: a refused hash is retried under the other readings of the scheme.
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

describe('AdmiralCloud adapter against the simulator: cancel', () => {
  it('destroys every activity of a running batch job', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp({}, { missingPollsBeforeVanished: 1 });
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 100 }, { durationSeconds: 100 }] });
    const watched = new WatchedAdmiralCloudJob({ jobId });
    clock.advance(10);
    await watched.poll(context);

    // Act
    const outcome = await watched.cancel(context);
    clock.advance(5);
    const after = await watched.poll(context);

    // Assess
    expect(outcome.cancelled).toBe(true);
    expect(outcome.message).toMatch(/destroyed activities \d+, \d+ of job/);
    expect(simulator.server.requests.filter((request) => request.method === 'DELETE')).toHaveLength(2);
    expect(after.status).toBe('LOST');
  });

  it('destroys the activity the reference names without listing', async () => {
    // Prepare
    const { simulator, context } = await setUp();
    const jobId = simulator.createJob();
    const listing = await fetchActivityId(simulator, context);

    // Act
    const outcome = await new WatchedAdmiralCloudJob({ jobId, activityId: listing }).cancel(context);

    // Assess
    expect(outcome).toEqual({
      cancelled: true,
      message: `AdmiralCloud destroyed activity ${listing} of job ${jobId}`,
    });
  });

  it('does not cancel a job that has already completed', async () => {
    // Prepare
    const { simulator, context } = await setUp();
    const jobId = simulator.createJob();
    simulator.complete(jobId, { kind: 'result', result: { processed: [] } });

    // Act
    const outcome = await new WatchedAdmiralCloudJob({ jobId }).cancel(context);

    // Assess
    expect(outcome).toEqual({ cancelled: false, message: `AdmiralCloud job ${jobId} has already completed` });
    expect(simulator.server.requests.some((request) => request.method === 'DELETE')).toBe(false);
  });

  it('says there is nothing to destroy when the activity is not listed for this user', async () => {
    // Prepare
    const { simulator, context } = await setUp();
    const jobId = simulator.createJob({ listed: false });

    // Act
    const outcome = await new WatchedAdmiralCloudJob({ jobId }).cancel(context);

    // Assess
    expect(outcome.cancelled).toBe(false);
    expect(outcome.message).toContain('nothing to destroy');
  });
});

async function fetchActivityId(
  simulator: AdmiralCloudSimulator,
  context: ReturnType<typeof contextFor>,
): Promise<string> {
  const { findActivities } = await import('../../../lib/vendors/admiralcloud/index.js');
  const [first] = await findActivities(context);
  if (!first?.id) throw new Error(`no activity listed by ${simulator.server.url}`);
  return first.id;
}
