import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEXES, jobPartitionKey, POLLS_SORT_KEY, TTL_ATTRIBUTE } from '../../lib/store/table-design.js';
import { newJob, StoreFixture } from './support/store-fixture.js';

const fixture = new StoreFixture();
beforeAll(() => fixture.start());
afterAll(() => fixture.stop());

const execution = { name: 'jw-test-1' };

describe('the poll ledger (every poll counted, outside the snapshots)', () => {
  it('counts each poll with one UpdateItem: no version, no history entry, no index attribute', async () => {
    // Prepare
    const { store, tableName, recording } = await fixture.freshStore();
    await store.createJob(newJob());
    recording.commands.length = 0;

    // Act
    await store.recordPoll('jw-test-1', {
      execution,
      at: '2026-12-03T08:00:00.000Z',
      nextPollAt: '2026-12-03T08:05:00.000Z',
    });
    await store.recordPoll('jw-test-1', {
      execution,
      at: '2026-12-03T08:05:00.000Z',
      nextPollAt: '2026-12-03T08:10:00.000Z',
    });

    // Assess
    expect(recording.commands).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
    expect(await store.pollLedger('jw-test-1')).toEqual({
      polls: 2,
      execution,
      lastPolledAt: '2026-12-03T08:05:00.000Z',
      nextPollAt: '2026-12-03T08:10:00.000Z',
    });
    expect((await store.getJob('jw-test-1'))?.version).toBe(1);
    expect((await store.history('jw-test-1')).items.map((job) => job.version)).toEqual([1]);
    const { Item: item } = await recording.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { pk: jobPartitionKey('jw-test-1'), sk: POLLS_SORT_KEY } }),
    );
    for (const index of Object.values(INDEXES)) expect(item?.[index.partitionKey]).toBeUndefined();
    // It outlives the last poll by the retention (90 days by default), then DynamoDB may delete it.
    expect(item?.[TTL_ATTRIBUTE]).toBe(Date.parse('2026-12-03T08:05:00.000Z') / 1000 + 90 * 86_400);
  });

  it('counts racing polls once each, and forgets the next poll once none is planned', async () => {
    // Prepare
    const { store } = await fixture.freshStore();
    await store.createJob(newJob());

    // Act
    await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        store.recordPoll('jw-test-1', {
          execution,
          at: `2026-12-03T08:0${index}:00.000Z`,
          nextPollAt: '2026-12-03T09:00:00.000Z',
        }),
      ),
    );
    await store.recordPoll('jw-test-1', { execution, at: '2026-12-03T08:30:00.000Z' });

    // Assess
    const ledger = await store.pollLedger('jw-test-1');
    expect(ledger?.polls).toBe(6);
    expect(ledger?.nextPollAt).toBeUndefined();
  });

  it('has nothing for a job never polled', async () => {
    const { store } = await fixture.freshStore();
    await store.createJob(newJob());
    expect(await store.pollLedger('jw-test-1')).toBeUndefined();
  });
});
