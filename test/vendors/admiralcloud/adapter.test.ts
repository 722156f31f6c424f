import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { VendorAuthError } from '../../../lib/jobs/errors.js';
import { admiralcloudAdapter } from '../../../lib/vendors/admiralcloud/admiralcloud-adapter.js';
import {
  findActivities,
  requestTimestamp,
  type SignatureInput,
  signAdmiralCloudRequest,
} from '../../../lib/vendors/admiralcloud/admiralcloud-client.js';
import { signedParams } from '../../../lib/vendors/admiralcloud/admiralcloud-quirks.js';
import { ConnectionSessions } from '../../../lib/watch/connection-sessions.js';
import { scaledClock } from '../../../local/clock.js';
import {
  AdmiralCloudSimulator,
  type AdmiralCloudSimulatorOptions,
} from '../../../local/simulators/admiralcloud/index.js';
import {
  type AdmiralCloudContext,
  contextFor,
  fixture,
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

  it('signs numeric ids as numbers for older API servers only when told to', async () => {
    // Prepare: the simulator's connectionOptions() tell; `false` here overrides it.
    const older = await setUp({ quirks: { numericGetParams: true } }, { signNumericParamsAsNumbers: false });
    const olderJob = older.simulator.createJob({ jobId: '4711' });
    const told = await setUp({ quirks: { numericGetParams: true } });
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

describe('AdmiralCloud adapter: what it remembers of a job', () => {
  it('reads a stored state of another shape as none, and the poll still works', async () => {
    // Prepare: a state that says "seen at 40%", but not in the shape the adapter writes.
    const { clock, simulator, context } = await setUp({}, { missingPollsBeforeVanished: 1 });
    const jobId = simulator.createJob({ listed: false, parts: [{ durationSeconds: 100 }] });
    const unreadable = new WatchedAdmiralCloudJob({ jobId });
    unreadable.stored = { seen: true, lastPercent: '40', missingPolls: 0, activityIds: [] };
    const readable = new WatchedAdmiralCloudJob({ jobId });
    readable.stored = { seen: true, lastPercent: 40, missingPolls: 0, activityIds: [] };
    clock.advance(10);

    // Act
    const fresh = await unreadable.poll(context);
    const remembered = await readable.poll(context);

    // Assess: read as none, the job starts afresh; the readable state is believed.
    expect(fresh).toMatchObject({ status: 'RUNNING', rawStatus: 'pending' });
    expect(fresh.progress).toBeUndefined();
    expect(fresh.message).toContain('no activity of it is listed for this API user');
    expect(unreadable.state).toEqual({ seen: false, missingPolls: 0, activityIds: [] });
    expect(remembered).toMatchObject({ status: 'LOST', rawStatus: 'activity-vanished', progress: 40 });
  });

  it('returns the whole state each poll, and reads it back through JSON', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp();
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 100 }, { durationSeconds: 100 }] });
    const watched = new WatchedAdmiralCloudJob({ jobId });
    clock.advance(30);

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.adapterState).toEqual({
      seen: true,
      lastPercent: 30,
      missingPolls: 0,
      activityIds: [expect.any(String), expect.any(String)],
    });
    expect(watched.state).toEqual(observation.adapterState);
  });

  it('destroys the activities remembered at the last poll when the listing fails at cancel', async () => {
    // Prepare
    const { clock, simulator, context } = await setUp();
    const jobId = simulator.createJob({ parts: [{ durationSeconds: 100 }] });
    const watched = new WatchedAdmiralCloudJob({ jobId });
    clock.advance(10);
    await watched.poll(context);
    // Faults match by path text: a no-op fault for jobResult first, so the 503 lands on the listing.
    simulator.server.inject({ kind: 'delay', ms: 0 }, { pathIncludes: 'jobResult' });
    simulator.server.inject({ kind: 'status', status: 503, body: 'busy' }, { pathIncludes: '/v5/activity' });

    // Act
    const outcome = await watched.cancel(context);

    // Assess
    expect(outcome.cancelled).toBe(true);
    expect(outcome.message).toContain(`activity ${watched.state?.activityIds[0]} of job ${jobId}`);
  });
});

describe('AdmiralCloud adapter: what it keeps per connection', () => {
  it('keeps no memory between calls: every request is signed from the credentials alone', () => {
    // Act + Assess
    expect(admiralcloudAdapter.createMemory).toBeUndefined();
  });

  it('signs with a changed credential at once on the same connection', async () => {
    // Prepare
    const { clock, simulator, baseUrl } = await setUp();
    const jobId = simulator.createJob();
    const shared = { connection: 'admiralcloud-rotated', sessions: new ConnectionSessions() };
    const stale = contextFor(
      baseUrl,
      { ...simulator.credentials, accessSecret: 'the-old-secret' },
      {},
      clock,
      shared,
    );
    const rotated = contextFor(baseUrl, simulator.credentials, {}, clock, shared);

    // Act
    const refused = await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(stale));
    const requestsWhenRefused = simulator.server.requests.length;
    const accepted = await new WatchedAdmiralCloudJob({ jobId }).poll(rotated);

    // Assess
    expect(refused.message).toContain('acsignature_hashMismatch');
    expect(requestsWhenRefused).toBe(1);
    expect(accepted.status).toBe('RUNNING');
    expect(simulator.refusals).toHaveLength(1);
  });

  it("lets one connection's refused secret cost another connection nothing", async () => {
    // Prepare
    const { clock, simulator, baseUrl } = await setUp();
    const jobId = simulator.createJob();
    const sessions = new ConnectionSessions();
    const wrong = contextFor(baseUrl, { ...simulator.credentials, accessSecret: 'wrong' }, {}, clock, {
      connection: 'admiralcloud-a',
      sessions,
    });
    const right = contextFor(baseUrl, simulator.credentials, {}, clock, {
      connection: 'admiralcloud-b',
      sessions,
    });

    // Act
    await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(wrong));
    await rejection(new WatchedAdmiralCloudJob({ jobId }).poll(wrong));
    const observation = await new WatchedAdmiralCloudJob({ jobId }).poll(right);

    // Assess: one refused jobResult per poll of the first, jobResult and listing for the second.
    expect(observation.status).toBe('RUNNING');
    expect(simulator.server.requests).toHaveLength(4);
  });
});

/*
 * Fixed vectors. The strings to sign are written out by hand from the scheme (vendors.md §4 and
 * ac-signature's `sign`); the hashes were computed outside this code base with an unrelated
 * HMAC-SHA256 implementation over those exact strings. The secret is the example value of
 * AdmiralCloud's signing library documentation.
 */
const SECRET = 'my-very-good-accessSecret';
const TS = 1_700_000_000;

const vectors: { name: string; input: SignatureInput; text: string; hash: string }[] = [
  {
    name: 'v1 with the jobId payload AdmiralCloud examples sign for jobResult',
    input: {
      accessSecret: SECRET,
      target: { version: 1, controller: 'activity', action: 'jobResult' },
      payload: { jobId: 'a1b2c3' },
      timestamp: TS,
    },
    text: 'activity\njobresult\n1700000000\n{"jobId":"a1b2c3"}',
    hash: 'ff777cb99c2d8bbf74f3561f9aff03be5d27373446211524ce1c45a959052610',
  },
  {
    name: 'v1 without payload: no trailing newline, names lower-cased',
    input: {
      accessSecret: SECRET,
      target: { version: 1, controller: 'Activity', action: 'Find' },
      timestamp: TS,
    },
    text: 'activity\nfind\n1700000000',
    hash: '3036aca0aec35b8690ae4eba48c5971738b42c0c0f374347718ed49eab2972d4',
  },
  {
    name: 'v2 lower-cases the whole path but not the payload',
    input: {
      accessSecret: SECRET,
      target: { version: 2, path: '/v5/activity/jobResult/A1B2C3' },
      payload: { jobId: 'A1B2C3' },
      timestamp: TS,
    },
    text: '/v5/activity/jobresult/a1b2c3\n1700000000\n{"jobId":"A1B2C3"}',
    hash: '93bde6960c5852d5b1260b4d2a4da2f1f1958887450cd6a60f3927ba49042c18',
  },
  {
    name: 'v2 with an empty payload ignores the query string',
    input: {
      accessSecret: SECRET,
      target: { version: 2, path: '/v5/activity?types=activities' },
      payload: {},
      timestamp: TS,
    },
    text: '/v5/activity\n1700000000',
    hash: '054118dd2cfa27f9071ce20dcca8916432188fd2c9cb651e99f40101398254e5',
  },
  {
    name: 'v2 sorts the top level only, upper case before lower case, as ac-signature signs v1/v2',
    input: {
      accessSecret: SECRET,
      target: { version: 2, path: '/v5/search' },
      payload: { zeta: 1, alpha: { delta: true, charlie: [{ b: 2, a: 1 }] }, Beta: 'x' },
      timestamp: TS,
    },
    text: '/v5/search\n1700000000\n{"Beta":"x","alpha":{"delta":true,"charlie":[{"b":2,"a":1}]},"zeta":1}',
    hash: '1e2a65fce6d3190e152f4885150d99e09a5c84fbf28a126d7e57ad48f8163e0d',
  },
  {
    name: 'numeric-string keys first and compared as numbers; "01" is not a number key',
    input: {
      accessSecret: SECRET,
      target: { version: 1, controller: 'activity', action: 'find' },
      payload: { b: '1', '10': 'ten', a: '0', '2': 'two', '01': 'lead' },
      timestamp: TS,
    },
    text: 'activity\nfind\n1700000000\n{"2":"two","10":"ten","01":"lead","a":"0","b":"1"}',
    hash: 'd32f3705574413186db9348373aeb17cd0bfe65e124afc025e0fa1b7a72dd840',
  },
];

describe('AdmiralCloud request signature (ac-signature)', () => {
  it.each(vectors)('the vector is self-consistent: $name', ({ text, hash }) => {
    // Act
    const computed = createHmac('sha256', SECRET).update(text).digest('hex');

    // Assess
    expect(computed).toBe(hash);
  });

  it.each(vectors)('computes the published HMAC: $name', ({ input, hash }) => {
    // Act
    const signature = signAdmiralCloudRequest(input);

    // Assess
    expect(signature).toEqual({ hash, timestamp: TS });
  });

  it('changes the hash when the secret differs', () => {
    // Prepare
    const [first] = vectors;
    if (!first) throw new Error('no vector');

    // Act
    const signature = signAdmiralCloudRequest({ ...first.input, accessSecret: 'another-secret' });

    // Assess
    expect(signature.hash).not.toBe(first.hash);
  });

  it('uses whole wall-clock seconds for rts', () => {
    // Act
    const timestamp = requestTimestamp(1_700_000_000_999);

    // Assess
    expect(timestamp).toBe(1_700_000_000);
  });

  it('turns only canonical integers into numbers when told to', () => {
    // Prepare
    const params = { a: '0', b: '0815', c: '7c1e', d: '12' };

    // Act
    const asNumbers = signedParams(params, true);
    const asSent = signedParams(params, false);

    // Assess
    expect(asNumbers).toEqual({ a: 0, b: '0815', c: '7c1e', d: 12 });
    expect(asSent).toEqual(params);
  });
});

async function fetchActivityId(
  simulator: AdmiralCloudSimulator,
  context: AdmiralCloudContext,
): Promise<string> {
  const [first] = await findActivities(context);
  if (!first?.id) throw new Error(`no activity listed by ${simulator.server.url}`);
  return first.id;
}
