import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../lib/jobs/job.js';
import type { JobStatus } from '../../lib/jobs/job-status.js';
import type { DynamoJobStore } from '../../lib/store/dynamo-job-store.js';
import type { ListJobsQuery } from '../../lib/store/job-store.js';
import { INDEXES } from '../../lib/store/table-design.js';
import { newJob, type RecordingClient, StoreFixture, setFields } from './support/store-fixture.js';

const fixture = new StoreFixture();
const BASE_TIME = Date.parse('2025-06-01T00:00:00.000Z');
const STATUSES: readonly JobStatus[] = ['RUNNING', 'RUNNING', 'QUEUED', 'FAILED'];

function secondsAfterBase(seconds: number): string {
  return new Date(BASE_TIME + seconds * 1000).toISOString();
}

/** 150 jobs, one every 7 seconds, ids that hash all over the shards. */
const jobs: Job[] = Array.from({ length: 150 }, (_, position) =>
  newJob({
    jobId: `jw-shard-${position}`,
    status: STATUSES[position % STATUSES.length] ?? 'RUNNING',
    connection: `connection-${position % 2}`,
    createdAt: secondsAfterBase(position * 7),
    updatedAt: secondsAfterBase(position * 7),
  }),
);
const newestFirst = [...jobs].reverse();

let store: DynamoJobStore;
let recording: RecordingClient;
let tableName: string;

beforeAll(async () => {
  await fixture.start();
  ({ store, recording, tableName } = await fixture.freshStore());
  for (const job of jobs) await store.createJob(job);
});
afterAll(() => fixture.stop());

async function allPages(target: DynamoJobStore, query: ListJobsQuery): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await target.listJobs({ ...query, ...(cursor ? { cursor } : {}) });
    pages.push(page.items.map((job) => job.jobId));
    cursor = page.next;
    if (pages.length > 200) throw new Error('pagination does not end');
  } while (cursor);
  return pages;
}

describe('listing over write shards', () => {
  it('stores the jobs of one status, vendor and connection across many index partitions', async () => {
    // Act: the RUNNING partitions as DynamoDB holds them.
    const partitions = new Set<string>();
    for (let shard = 0; shard < INDEXES.byStatus.shards; shard++) {
      const response = await recording.documentClient.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEXES.byStatus.indexName,
          KeyConditionExpression: 'gsiStatusPk = :pk',
          ExpressionAttributeValues: { ':pk': `RUNNING#${String(shard).padStart(2, '0')}` },
        }),
      );
      if ((response.Count ?? 0) > 0) partitions.add(String(shard));
    }

    // Assess: 75 RUNNING jobs in at least 30 of the 64 shards, none in a bare `RUNNING`.
    expect(partitions.size).toBeGreaterThanOrEqual(30);
    const bare = await recording.documentClient.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INDEXES.byStatus.indexName,
        KeyConditionExpression: 'gsiStatusPk = :pk',
        ExpressionAttributeValues: { ':pk': 'RUNNING' },
      }),
    );
    expect(bare.Count).toBe(0);
  });

  it('merges every shard newest first, page after page, to the end', async () => {
    // Act
    const pages = await allPages(store, { limit: 7 });

    // Assess
    expect(pages.flat()).toEqual(newestFirst.map((job) => job.jobId));
    expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);
  });

  it('filters across shards: statuses, connection and an updatedAt range together', async () => {
    // Prepare
    const query: ListJobsQuery = {
      statuses: ['RUNNING', 'FAILED'],
      connection: 'connection-1',
      updatedSince: secondsAfterBase(100),
      updatedUntil: secondsAfterBase(900),
      limit: 4,
    };

    // Act
    const pages = await allPages(store, query);

    // Assess
    const expected = newestFirst.filter(
      (job) =>
        (job.status === 'RUNNING' || job.status === 'FAILED') &&
        job.connection === 'connection-1' &&
        job.updatedAt >= secondsAfterBase(100) &&
        job.updatedAt <= secondsAfterBase(900),
    );
    expect(expected.length).toBeGreaterThan(10);
    expect(pages.flat()).toEqual(expected.map((job) => job.jobId));
  });

  it('reads a page with small per-shard Queries, not shards × limit items, and a short cursor', async () => {
    // Prepare
    const queries: Record<string, unknown>[] = [];
    recording.hooks.push((commandName, input) => {
      if (commandName === 'QueryCommand') queries.push(input);
    });

    // Act
    const page = await store.listJobs({ limit: 25 });
    recording.hooks.pop();

    // Assess
    const evaluated = queries.reduce((sum, input) => sum + Number(input.Limit), 0);
    const shards = INDEXES.allJobs.shards;
    expect(page.items).toHaveLength(25);
    expect(evaluated).toBeLessThanOrEqual(2 * shards + 3 * 26);
    expect(evaluated).toBeLessThan((shards * 25) / 5);
    expect(page.next?.length).toBeLessThan(80);
  });
});

/**
 * Between two pages, one job already listed and the newest one not yet listed change (so both
 * move to the top), and a new job arrives. Returns the ids it changed.
 */
async function changeBetweenPages(
  target: DynamoJobStore,
  catalogue: readonly Job[],
  seen: readonly string[],
  page: number,
): Promise<string[]> {
  const now = secondsAfterBase(10_000 + page);
  const unlisted = [...catalogue].reverse().find((job) => !seen.includes(job.jobId));
  const targets = [seen.at(-1), unlisted?.jobId].filter((jobId) => jobId !== undefined);
  for (const jobId of targets) {
    await target.update(jobId, setFields({ message: `changed on page ${page}`, updatedAt: now }));
  }
  await target.createJob(newJob({ jobId: `jw-late-${page}`, createdAt: now, updatedAt: now }));
  return targets;
}

describe('paging while jobs change', () => {
  it('lists every unchanged job exactly once, and never a job twice', async () => {
    // Prepare
    const own = await fixture.freshStore();
    const catalogue = jobs.slice(0, 90);
    for (const job of catalogue) await own.store.createJob(job);
    const seen: string[] = [];
    const changed = new Set<string>();
    let cursor: string | undefined;
    let page = 0;

    // Act
    do {
      const result = await own.store.listJobs({ limit: 8, ...(cursor ? { cursor } : {}) });
      seen.push(...result.items.map((job) => job.jobId));
      cursor = result.next;
      page += 1;
      const remaining = catalogue.filter((job) => !changed.has(job.jobId));
      for (const jobId of await changeBetweenPages(own.store, remaining, seen, page)) changed.add(jobId);
    } while (cursor && page < 50);

    // Assess
    expect(cursor).toBeUndefined();
    expect(new Set(seen).size).toBe(seen.length);
    const unchanged = catalogue.filter((job) => !changed.has(job.jobId));
    expect(unchanged.length).toBeGreaterThan(50);
    for (const job of unchanged) expect(seen).toContain(job.jobId);
    // What moved to the top, or arrived, is where a fresh listing starts.
    const fresh = await own.store.listJobs({ limit: 2 });
    expect(fresh.items.map((job) => job.updatedAt)).toEqual([
      secondsAfterBase(10_000 + page),
      secondsAfterBase(10_000 + page),
    ]);
  });
});
