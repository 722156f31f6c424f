import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WAITERS_PER_JOB } from '../../lib/store/job-store.js';
import { TooManyWaitersError } from '../../lib/store/store-errors.js';
import { jobPartitionKey, WAITERS_SORT_KEY } from '../../lib/store/table-design.js';
import { errorOf } from '../support/watched-job.js';
import { bumpProgress, newJob, StoreFixture } from './support/store-fixture.js';

const fixture = new StoreFixture();
beforeAll(() => fixture.start());
afterAll(() => fixture.stop());

describe('waiters (task tokens kept on a job)', () => {
  it('keeps each token once, apart from the snapshots: no version, no history entry, no listing', async () => {
    // Prepare
    const { store } = await fixture.freshStore();
    await store.createJob(newJob());

    // Act
    await store.addWaiter('jw-test-1', 'token-a');
    await store.addWaiter('jw-test-1', 'token-b');
    await store.addWaiter('jw-test-1', 'token-a');

    // Assess
    expect(await store.waiters('jw-test-1')).toEqual(['token-a', 'token-b']);
    expect((await store.getJob('jw-test-1'))?.version).toBe(1);
    expect((await store.history('jw-test-1')).items.map((job) => job.version)).toEqual([1]);
    expect((await store.listJobs({})).items.map((job) => job.jobId)).toEqual(['jw-test-1']);
  });

  it('does not race the versioned writes: adds between updates leave history contiguous', async () => {
    // Prepare
    const { store } = await fixture.freshStore();
    await store.createJob(newJob());

    // Act
    await Promise.all([
      ...Array.from({ length: 5 }, () => store.update('jw-test-1', bumpProgress)),
      ...Array.from({ length: 5 }, (_, index) => store.addWaiter('jw-test-1', `token-${index}`)),
    ]);

    // Assess
    expect((await store.history('jw-test-1')).items.map((job) => job.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await store.waiters('jw-test-1')).toHaveLength(5);
  });

  it('removes answered tokens and deletes the item once none is left', async () => {
    // Prepare
    const { store, tableName } = await fixture.freshStore();
    await store.createJob(newJob());
    await store.addWaiter('jw-test-1', 'token-a');
    await store.addWaiter('jw-test-1', 'token-b');

    // Act
    await store.removeWaiters('jw-test-1', ['token-a', 'token-unknown']);
    const afterOne = await store.waiters('jw-test-1');
    await store.removeWaiters('jw-test-1', ['token-b']);
    await store.removeWaiters('jw-test-1', ['token-b']);

    // Assess
    expect(afterOne).toEqual(['token-b']);
    expect(await store.waiters('jw-test-1')).toEqual([]);
    const { Item: item } = await fixture.client().documentClient.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: jobPartitionKey('jw-test-1'), sk: WAITERS_SORT_KEY },
      }),
    );
    expect(item).toBeUndefined();
  });

  it(`refuses a waiter past ${MAX_WAITERS_PER_JOB} with a clear error, but accepts one already there`, async () => {
    // Prepare
    const { store } = await fixture.freshStore();
    await store.createJob(newJob());
    for (let index = 0; index < MAX_WAITERS_PER_JOB; index++)
      await store.addWaiter('jw-test-1', `t-${index}`);

    // Act
    const error = await errorOf(store.addWaiter('jw-test-1', 'one-too-many'));
    await store.addWaiter('jw-test-1', 't-7');

    // Assess
    expect(error).toBeInstanceOf(TooManyWaitersError);
    expect(error.message).toContain(`${MAX_WAITERS_PER_JOB} waiting callers`);
    expect(error.message).not.toContain('one-too-many');
    expect(await store.waiters('jw-test-1')).toHaveLength(MAX_WAITERS_PER_JOB);
  });
});
