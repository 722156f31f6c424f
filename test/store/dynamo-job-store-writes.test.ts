import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrentUpdateError, InvalidInputError, JobNotFoundError } from '../../lib/jobs/errors.js';
import { applyObservation, applyWatchIssue } from '../../lib/jobs/transitions.js';
import { DynamoJobStore } from '../../lib/store/dynamo-job-store.js';
import { CorruptJobItemError } from '../../lib/store/store-errors.js';
import { jobPartitionKey } from '../../lib/store/table-design.js';
import {
  bumpProgress,
  CURSOR_SECRET,
  gate,
  newJob,
  putOrphanHistory,
  rawHistory,
  StoreFixture,
  setFields,
} from './support/store-fixture.js';

const fixture = new StoreFixture();
beforeAll(() => fixture.start());
afterAll(() => fixture.stop());

function versionsOf(items: readonly Record<string, unknown>[]): unknown[] {
  return items.map((item) => item.version);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, offset) => from + offset);
}

describe('createJob', () => {
  it('stores version 1 as the latest snapshot and the first history entry', async () => {
    // Prepare
    const { store, tableName } = await fixture.freshStore();
    const raw = fixture.client().documentClient;

    // Act
    const result = await store.createJob(newJob());

    // Assess
    expect(result).toEqual({ job: newJob(), created: true });
    expect(await store.getJob('jw-test-1')).toEqual(newJob());
    expect(versionsOf(await rawHistory(raw, tableName, 'jw-test-1'))).toEqual([1]);
  });

  it('returns the existing job, unchanged, when the id is taken', async () => {
    // Prepare
    const { store } = await fixture.freshStore();
    await store.createJob(newJob());
    await store.update('jw-test-1', bumpProgress);

    // Act
    const again = await store.createJob(newJob({ message: 'a second start' }));

    // Assess
    expect(again.created).toBe(false);
    expect(again.job.version).toBe(2);
    expect(again.job.message).toBeUndefined();
  });

  it('creates exactly one job when many creators race for the same id', async () => {
    // Prepare
    const { store, tableName } = await fixture.freshStore();
    const raw = fixture.client().documentClient;

    // Act
    const results = await Promise.all(
      range(1, 12).map((creator) => store.createJob(newJob({ message: `creator ${creator}` }))),
    );

    // Assess
    const winners = results.filter((result) => result.created);
    expect(winners).toHaveLength(1);
    const stored = await store.getJob('jw-test-1');
    for (const result of results) expect(result.job).toEqual(stored);
    expect(versionsOf(await rawHistory(raw, tableName, 'jw-test-1'))).toEqual([1]);
  });

  it('finishes a creation whose creator crashed after writing the first history entry', async () => {
    // Prepare
    const { store, tableName } = await fixture.freshStore();
    const raw = fixture.client().documentClient;
    await putOrphanHistory(raw, tableName, newJob({ message: 'crashed creator' }));
    expect(await store.getJob('jw-test-1')).toBeUndefined();

    // Act
    const result = await store.createJob(newJob({ message: 'retry' }));

    // Assess
    expect(result.created).toBe(false);
    expect(result.job.message).toBe('crashed creator');
    expect(await store.getJob('jw-test-1')).toEqual(result.job);
  });

  it('refuses a job that is not at version 1 or does not match the job schema', async () => {
    // Prepare
    const { store } = await fixture.freshStore();

    // Act
    const atVersionTwo = store.createJob(newJob({ version: 2 }));
    const badProgress = store.createJob(newJob({ progress: 140 }));

    // Assess
    await expect(atVersionTwo).rejects.toThrow(InvalidInputError);
    await expect(badProgress).rejects.toMatchObject({
      name: 'InvalidInputError',
      issues: [expect.stringMatching(/^progress:/)],
    });
  });
});

describe('update', () => {
  it('writes nothing when the transition changes nothing', async () => {
    // Prepare
    const { store, tableName, recording } = await fixture.freshStore();
    const raw = fixture.client().documentClient;
    await store.createJob(newJob());
    const observation = { status: 'RUNNING' as const, rawStatus: 'running', progress: 10 };
    await store.update('jw-test-1', (current) =>
      applyObservation(current, observation, new Date('2025-06-01T10:01:00Z')),
    );
    recording.commands.length = 0;

    // Act
    const result = await store.update('jw-test-1', (current) =>
      applyObservation(current, observation, new Date('2025-06-01T10:02:00Z')),
    );

    // Assess
    expect(result.changed).toBe(false);
    expect(result.job).toEqual(result.previous);
    expect(result.job.version).toBe(2);
    expect(recording.commands).toEqual(['GetItemCommand']);
    expect(versionsOf(await rawHistory(raw, tableName, 'jw-test-1'))).toEqual([1, 2]);
  });

  it('keeps the latest text of the same watch issue in place: no new version, no history entry', async () => {
    // Prepare
    const { store, tableName, recording } = await fixture.freshStore();
    const raw = fixture.client().documentClient;
    await store.createJob(newJob());
    const at = (minute: number) => new Date(Date.UTC(2025, 5, 1, 10, minute));
    const first = await store.update('jw-test-1', (current) =>
      applyWatchIssue(current, { kind: 'transport', message: 'GET x answered 500' }, at(1)),
    );
    recording.commands.length = 0;

    // Act
    const second = await store.update('jw-test-1', (current) =>
      applyWatchIssue(current, { kind: 'transport', message: 'GET x answered 502' }, at(2)),
    );
    await store.update('jw-test-1', (current) =>
      applyWatchIssue(current, { kind: 'transport', message: 'GET x failed: ECONNRESET' }, at(3)),
    );
    const kindChanged = await store.update('jw-test-1', (current) =>
      applyWatchIssue(current, { kind: 'auth', message: 'GET x answered 401' }, at(4)),
    );

    // Assess
    expect(second.changed).toBe(false);
    expect(recording.commands.slice(0, 2)).toEqual(['GetItemCommand', 'UpdateItemCommand']);
    expect(kindChanged.changed).toBe(true);
    expect(kindChanged.previous).toMatchObject({
      version: first.job.version,
      updatedAt: first.job.updatedAt,
      watchIssue: {
        kind: 'transport',
        message: 'GET x failed: ECONNRESET',
        since: at(1).toISOString(),
        lastSeenAt: at(3).toISOString(),
        count: 3,
      },
    });
    expect(versionsOf(await rawHistory(raw, tableName, 'jw-test-1'))).toEqual([1, 2, 3]);
    expect((await store.getJob('jw-test-1'))?.watchIssue).toMatchObject({ kind: 'auth', count: 1 });
  });

  it('loses no new version to racing watch issue refreshes, and never refreshes onto a newer one', async () => {
    // Prepare
    const { store, tableName } = await fixture.freshStore({ retry: { maxAttempts: 30, maxDelayMs: 20 } });
    const raw = fixture.client().documentClient;
    await store.createJob(newJob());
    const at = (second: number) => new Date(Date.UTC(2025, 5, 1, 10, 0, second));
    await store.update('jw-test-1', (current) =>
      applyWatchIssue(current, { kind: 'transport', message: 'answered 500' }, at(1)),
    );

    // Act
    const results = await Promise.all([
      ...range(1, 10).map((writer) =>
        store.update('jw-test-1', (current) =>
          applyWatchIssue(
            current,
            { kind: 'transport', message: `answered 50${writer % 4}` },
            at(1 + writer),
          ),
        ),
      ),
      ...range(1, 10).map(() => store.update('jw-test-1', bumpProgress)),
    ]);

    // Assess
    expect(results.filter((result) => result.changed)).toHaveLength(10);
    const latest = await store.getJob('jw-test-1');
    expect(latest).toMatchObject({ version: 12, progress: 10, watchIssue: { kind: 'transport' } });
    expect(versionsOf(await rawHistory(raw, tableName, 'jw-test-1'))).toEqual(range(1, 12));
  });

  it('grows the version by one per change and keeps every snapshot, oldest first', async () => {
    // Prepare
    const { store } = await fixture.freshStore();
    await store.createJob(newJob());

    // Act
    for (let change = 0; change < 5; change++) await store.update('jw-test-1', bumpProgress);

    // Assess
    const latest = await store.getJob('jw-test-1');
    expect(latest?.version).toBe(6);
    expect(latest?.progress).toBe(5);
    const history = await store.history('jw-test-1');
    expect(history.items.map((job) => job.version)).toEqual(range(1, 6));
    expect(history.items.map((job) => job.progress)).toEqual([undefined, 1, 2, 3, 4, 5]);
    expect(history.next).toBeUndefined();
  });

  it('loses no update when twenty writers race with the default retry budget', async () => {
    // Prepare
    const { store, tableName } = await fixture.freshStore();
    const raw = fixture.client().documentClient;
    await store.createJob(newJob());

    // Act
    const settled = await Promise.allSettled(range(1, 20).map(() => store.update('jw-test-1', bumpProgress)));

    // Assess: a writer may give up (retryable), but every change reported stored is stored, once.
    const stored = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const gaveUp = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    for (const reason of gaveUp) expect(reason).toBeInstanceOf(ConcurrentUpdateError);
    expect(stored.length).toBeGreaterThan(0);
    const latest = await store.getJob('jw-test-1');
    expect(latest?.version).toBe(1 + stored.length);
    expect(latest?.progress).toBe(stored.length);
    expect(versionsOf(await rawHistory(raw, tableName, 'jw-test-1'))).toEqual(range(1, 1 + stored.length));
  });

  it('lets every one of twenty racing writers succeed when it may try as often as there are writers', async () => {
    // Prepare: each lost race means another writer stored its change, so 20 writers lose at most 19 times.
    const { store, tableName } = await fixture.freshStore({ retry: { maxAttempts: 20, maxDelayMs: 20 } });
    const raw = fixture.client().documentClient;
    await store.createJob(newJob());

    // Act
    const results = await Promise.all(range(1, 20).map(() => store.update('jw-test-1', bumpProgress)));

    // Assess
    expect(results.every((result) => result.changed)).toBe(true);
    const latest = await store.getJob('jw-test-1');
    expect(latest?.version).toBe(21);
    expect(latest?.progress).toBe(20);
    expect(new Set(results.map((result) => result.job.version))).toEqual(new Set(range(2, 21)));
    expect(versionsOf(await rawHistory(raw, tableName, 'jw-test-1'))).toEqual(range(1, 21));
  });

  it('counts only effective changes when racing writers mix changes and no-ops', async () => {
    // Prepare
    const { store, tableName } = await fixture.freshStore({ retry: { maxAttempts: 20, maxDelayMs: 20 } });
    const raw = fixture.client().documentClient;
    await store.createJob(newJob({ status: 'RUNNING' }));
    const messages = range(1, 10).map((writer) => `message ${writer}`);

    // Act
    const results = await Promise.all([
      ...messages.map((message) => store.update('jw-test-1', setFields({ message }))),
      ...range(1, 10).map(() => store.update('jw-test-1', setFields({ status: 'RUNNING' }))),
    ]);

    // Assess
    const changes = results.filter((result) => result.changed);
    expect(changes).toHaveLength(10);
    const history = await rawHistory(raw, tableName, 'jw-test-1');
    expect(versionsOf(history)).toEqual(range(1, 11));
    expect(new Set(history.slice(1).map((item) => item.message))).toEqual(new Set(messages));
  });

  it('never moves a job back to an older version when a writer is stale', async () => {
    // Prepare: the stale writer reads version 1, then stalls before claiming version 2.
    const { store, tableName } = await fixture.freshStore();
    const staleClient = fixture.client();
    const stale = new DynamoJobStore({
      tableName,
      client: staleClient.documentClient,
      cursorSecret: CURSOR_SECRET,
    });
    await store.createJob(newJob());
    const stalled = gate();
    const resume = gate();
    let fired = false;
    staleClient.hooks.push(async (commandName) => {
      if (commandName === 'PutItemCommand' && !fired) {
        fired = true;
        stalled.open();
        await resume.wait;
      }
    });

    // Act
    const staleUpdate = stale.update('jw-test-1', setFields({ message: 'stale writer' }));
    await stalled.wait;
    for (let change = 0; change < 3; change++) await store.update('jw-test-1', bumpProgress);
    resume.open();
    const staleResult = await staleUpdate;

    // Assess
    expect(staleResult.job.version).toBe(5);
    expect(staleResult.previous.version).toBe(4);
    const latest = await store.getJob('jw-test-1');
    expect(latest).toMatchObject({ version: 5, progress: 3, message: 'stale writer' });
    const history = await store.history('jw-test-1');
    expect(history.items.map((job) => job.version)).toEqual(range(1, 5));
  });

  it('counts a change as stored when another writer rolled it forward between its two writes', async () => {
    // Prepare: writer A claims version 2 and stalls before moving the latest item.
    const { store, tableName } = await fixture.freshStore();
    const clientA = fixture.client();
    const writerA = new DynamoJobStore({
      tableName,
      client: clientA.documentClient,
      cursorSecret: CURSOR_SECRET,
    });
    await store.createJob(newJob());
    const claimed = gate();
    const resume = gate();
    let puts = 0;
    clientA.hooks.push(async (commandName) => {
      if (commandName === 'PutItemCommand' && ++puts === 2) {
        claimed.open();
        await resume.wait;
      }
    });

    // Act
    const updateA = writerA.update('jw-test-1', setFields({ message: 'from A' }));
    await claimed.wait;
    const resultB = await store.update('jw-test-1', setFields({ stalled: true }));
    resume.open();
    const resultA = await updateA;

    // Assess
    expect(resultA).toMatchObject({ changed: true, job: { version: 2, message: 'from A' } });
    expect(resultB).toMatchObject({ changed: true, job: { version: 3, message: 'from A', stalled: true } });
    expect(await store.getJob('jw-test-1')).toMatchObject({ version: 3, message: 'from A', stalled: true });
  });

  it('rolls forward a change whose writer crashed between its two writes, losing nothing', async () => {
    // Prepare
    const { store, tableName } = await fixture.freshStore();
    const raw = fixture.client().documentClient;
    await store.createJob(newJob());
    const { job: second } = await store.update('jw-test-1', bumpProgress);
    await putOrphanHistory(raw, tableName, { ...second, version: 3, message: 'crashed writer' });
    expect((await store.getJob('jw-test-1'))?.version).toBe(2);
    expect((await store.history('jw-test-1')).items.map((job) => job.version)).toEqual([1, 2]);

    // Act
    const result = await store.update('jw-test-1', bumpProgress);

    // Assess
    expect(result.previous).toMatchObject({ version: 3, message: 'crashed writer' });
    expect(result.job).toMatchObject({ version: 4, message: 'crashed writer', progress: 2 });
    expect(await store.getJob('jw-test-1')).toEqual(result.job);
    expect(versionsOf(await rawHistory(raw, tableName, 'jw-test-1'))).toEqual([1, 2, 3, 4]);
  });

  it('keeps a final job final, whatever a later transition says', async () => {
    // Prepare
    const { store, tableName } = await fixture.freshStore();
    const raw = fixture.client().documentClient;
    await store.createJob(newJob({ status: 'RUNNING' }));
    await store.update('jw-test-1', (current) =>
      applyObservation(current, { status: 'SUCCEEDED', rawStatus: 'done' }, new Date('2025-06-01T11:00:00Z')),
    );

    // Act
    const viaTransition = await store.update('jw-test-1', (current) =>
      applyObservation(
        current,
        { status: 'RUNNING', rawStatus: 'running' },
        new Date('2025-06-01T12:00:00Z'),
      ),
    );
    const viaRogueTransition = await store.update('jw-test-1', setFields({ status: 'RUNNING' }));

    // Assess
    expect(viaTransition.changed).toBe(false);
    expect(viaRogueTransition.changed).toBe(false);
    expect(await store.getJob('jw-test-1')).toMatchObject({ status: 'SUCCEEDED', version: 2, progress: 100 });
    expect(versionsOf(await rawHistory(raw, tableName, 'jw-test-1'))).toEqual([1, 2]);
  });

  it('sets the expiry on a final job and on all of its history, after the retention period', async () => {
    // Prepare
    const { store, tableName } = await fixture.freshStore({ retentionDays: 10 });
    const raw = fixture.client().documentClient;
    await store.createJob(newJob({ status: 'RUNNING' }));
    await store.update('jw-test-1', bumpProgress);
    const finishedAt = new Date('2025-06-02T00:00:00Z');

    // Act
    await store.update('jw-test-1', (current) =>
      applyObservation(current, { status: 'FAILED', rawStatus: 'error' }, finishedAt),
    );

    // Assess
    const expected = finishedAt.getTime() / 1000 + 10 * 86_400;
    const history = await rawHistory(raw, tableName, 'jw-test-1');
    expect(history.map((item) => item.expiresAt)).toEqual([expected, expected, expected]);
    const { Item: latest } = await raw.send(
      new GetCommand({ TableName: tableName, Key: { pk: jobPartitionKey('jw-test-1'), sk: 'LATEST' } }),
    );
    expect(latest?.expiresAt).toBe(expected);
    expect(await store.getJob('jw-test-1')).not.toHaveProperty('expiresAt');
  });

  it('leaves running jobs and their history without an expiry', async () => {
    // Prepare
    const { store, tableName } = await fixture.freshStore();
    const raw = fixture.client().documentClient;
    await store.createJob(newJob());

    // Act
    await store.update('jw-test-1', bumpProgress);

    // Assess
    const history = await rawHistory(raw, tableName, 'jw-test-1');
    expect(history.every((item) => item.expiresAt === undefined)).toBe(true);
  });

  it('throws JobNotFoundError for an unknown job', async () => {
    // Prepare
    const { store } = await fixture.freshStore();

    // Act
    const result = store.update('jw-missing', bumpProgress);

    // Assess
    await expect(result).rejects.toThrow(JobNotFoundError);
  });

  it('refuses a transition that skips a version or changes the job id', async () => {
    // Prepare
    const { store } = await fixture.freshStore();
    await store.createJob(newJob());

    // Act
    const skipping = store.update('jw-test-1', (current) => ({
      job: { ...current, version: current.version + 2 },
      changed: true,
    }));

    // Assess
    await expect(skipping).rejects.toThrow(InvalidInputError);
    expect((await store.getJob('jw-test-1'))?.version).toBe(1);
  });

  it('gives up with a retryable ConcurrentUpdateError when it keeps losing', async () => {
    // Prepare: every attempt's version is claimed by someone else just before it tries.
    const { store, tableName, recording } = await fixture.freshStore({
      retry: { maxAttempts: 3, baseDelayMs: 0 },
    });
    const raw = fixture.client().documentClient;
    await store.createJob(newJob());
    const rival = new DynamoJobStore({ tableName, client: raw, cursorSecret: CURSOR_SECRET });
    recording.hooks.push(async (commandName, input) => {
      const item = input.Item as Record<string, unknown> | undefined;
      if (commandName === 'PutItemCommand' && typeof item?.sk === 'string' && item.sk.startsWith('V#')) {
        await rival.update('jw-test-1', bumpProgress);
      }
    });

    // Act
    const result = store.update('jw-test-1', setFields({ message: 'always late' }));

    // Assess
    await expect(result).rejects.toSatisfy(
      (error) => error instanceof ConcurrentUpdateError && error.retryable,
    );
    expect((await store.getJob('jw-test-1'))?.message).toBeUndefined();
  });

  it('reports a corrupt stored item clearly instead of returning it', async () => {
    // Prepare
    const { store, tableName } = await fixture.freshStore();
    const raw = fixture.client().documentClient;
    await raw.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: jobPartitionKey('jw-test-1'),
          sk: 'LATEST',
          jobId: 'jw-test-1',
          status: 'NOT-A-STATUS',
          version: 1,
        },
      }),
    );

    // Act
    const read = store.getJob('jw-test-1');

    // Assess
    await expect(read).rejects.toThrow(CorruptJobItemError);
    await expect(read).rejects.toThrow(/JOB#jw-test-1\/LATEST.*status/);
  });
});

describe('writes', () => {
  it('never issue a Scan', () => {
    // Assess (after every write above)
    expect(fixture.commandsSent()).toContain('PutItemCommand');
    expect(fixture.commandsSent()).not.toContain('ScanCommand');
  });
});
