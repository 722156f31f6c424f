import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../lib/jobs/errors.js';
import { type Job, VENDORS } from '../../lib/jobs/job.js';
import type { JobStatus } from '../../lib/jobs/job-status.js';
import { DynamoJobStore } from '../../lib/store/dynamo-job-store.js';
import type { ListJobsQuery } from '../../lib/store/job-store.js';
import {
  bumpProgress,
  newJob,
  type RecordingClient,
  StoreFixture,
  setFields,
} from './support/store-fixture.js';

const fixture = new StoreFixture();
const STATUSES: readonly JobStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'];
const BASE_TIME = Date.parse('2025-06-01T00:00:00.000Z');

function minutesAfterBase(minutes: number): string {
  return new Date(BASE_TIME + minutes * 60_000).toISOString();
}

/** 57 jobs, one a minute, cycling through statuses, vendors and connections. */
function catalogue(): Job[] {
  return Array.from({ length: 57 }, (_, position) =>
    newJob({
      jobId: `jw-${String(position).padStart(3, '0')}`,
      status: STATUSES[position % STATUSES.length] ?? 'QUEUED',
      vendor: VENDORS[position % VENDORS.length] ?? 'okast',
      connection: `connection-${position % 3}`,
      createdAt: minutesAfterBase(position),
      updatedAt: minutesAfterBase(position),
    }),
  );
}

const jobs = catalogue();
const newestFirst = [...jobs].reverse();
let store: DynamoJobStore;
let recording: RecordingClient;
let tableName: string;
const queries: Record<string, unknown>[] = [];

beforeAll(async () => {
  await fixture.start();
  ({ store, recording, tableName } = await fixture.freshStore());
  recording.hooks.push((commandName, input) => {
    if (commandName === 'QueryCommand') queries.push(input);
  });
  for (const job of jobs) await store.createJob(job);
});
afterAll(() => fixture.stop());

/** Follows `next` to the end, returning every page's ids. */
async function allPages(query: ListJobsQuery): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listJobs({ ...query, ...(cursor ? { cursor } : {}) });
    pages.push(page.items.map((job) => job.jobId));
    cursor = page.next;
    if (pages.length > 100) throw new Error('pagination does not end');
  } while (cursor);
  return pages;
}

function ids(selected: readonly Job[]): string[] {
  return selected.map((job) => job.jobId);
}

/** The page's cursor, which the test needs to exist. */
function nextOf(page: { next?: string }): string {
  if (!page.next) throw new Error('expected a cursor');
  return page.next;
}

function lastQueryIndex(): unknown {
  return queries.at(-1)?.IndexName;
}

describe('listJobs', () => {
  it('lists all jobs newest first, 25 by default', async () => {
    // Act
    const page = await store.listJobs({});

    // Assess
    expect(page.items.map((job) => job.jobId)).toEqual(ids(newestFirst.slice(0, 25)));
    expect(page.items[0]).toEqual(jobs[56]);
    expect(page.next).toBeDefined();
    expect(lastQueryIndex()).toBe('allJobs');
  });

  it('pages through 57 jobs ten at a time with no duplicate and no gap', async () => {
    // Act
    const pages = await allPages({ limit: 10 });

    // Assess
    expect(pages.map((page) => page.length)).toEqual([10, 10, 10, 10, 10, 7]);
    expect(pages.flat()).toEqual(ids(newestFirst));
  });

  it('ends without a cursor when the last page is exactly full', async () => {
    // Act
    const pages = await allPages({ limit: 19 });

    // Assess
    expect(pages.map((page) => page.length)).toEqual([19, 19, 19]);
  });

  it('lists one status from the status index', async () => {
    // Act
    const pages = await allPages({ statuses: ['FAILED'], limit: 5 });

    // Assess
    expect(pages.flat()).toEqual(ids(newestFirst.filter((job) => job.status === 'FAILED')));
    expect(lastQueryIndex()).toBe('byStatus');
    expect(queries.at(-1)?.FilterExpression).toBeUndefined();
  });

  it('lists several statuses, across pages, without losing or repeating any', async () => {
    // Act
    const pages = await allPages({ statuses: ['SUCCEEDED', 'QUEUED'], limit: 4 });

    // Assess
    const expected = ids(newestFirst.filter((job) => job.status === 'SUCCEEDED' || job.status === 'QUEUED'));
    expect(pages.flat()).toEqual(expected);
    expect(pages.slice(0, -1).every((page) => page.length === 4)).toBe(true);
  });

  it('lists one vendor from the vendor index', async () => {
    // Act
    const pages = await allPages({ vendor: 'okast', limit: 4 });

    // Assess
    expect(pages.flat()).toEqual(ids(newestFirst.filter((job) => job.vendor === 'okast')));
    expect(lastQueryIndex()).toBe('byVendor');
  });

  it('prefers the connection index and filters the rest', async () => {
    // Act
    const pages = await allPages({
      connection: 'connection-1',
      vendor: 'vdg-sense',
      statuses: ['RUNNING', 'FAILED'],
    });

    // Assess
    const expected = newestFirst.filter(
      (job) =>
        job.connection === 'connection-1' &&
        job.vendor === 'vdg-sense' &&
        (job.status === 'RUNNING' || job.status === 'FAILED'),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(pages.flat()).toEqual(ids(expected));
    expect(lastQueryIndex()).toBe('byConnection');
  });

  it('bounds updatedAt inclusively, as a key condition, whatever offset the bounds use', async () => {
    // Prepare: minute 10 and minute 20, the first bound written in +02:00.
    const since = '2025-06-01T02:10:00+02:00';
    const until = minutesAfterBase(20);

    // Act
    const pages = await allPages({ updatedSince: since, updatedUntil: until, limit: 4 });

    // Assess
    expect(pages.flat()).toEqual(ids(newestFirst.filter((_, position) => position >= 36 && position <= 46)));
    expect(queries.at(-1)?.KeyConditionExpression).toContain('BETWEEN');
  });

  it('accepts an open-ended updatedAt range on either side', async () => {
    // Act
    const recent = await allPages({ updatedSince: minutesAfterBase(50), statuses: ['RUNNING'] });
    const old = await allPages({ updatedUntil: minutesAfterBase(3) });

    // Assess
    expect(recent.flat()).toEqual(
      ids(newestFirst.filter((job, position) => position <= 6 && job.status === 'RUNNING')),
    );
    expect(old.flat()).toEqual(['jw-003', 'jw-002', 'jw-001', 'jw-000']);
  });

  it('refuses an updatedAt range that ends before it starts', async () => {
    // Act
    const listing = store.listJobs({ updatedSince: minutesAfterBase(5), updatedUntil: minutesAfterBase(4) });

    // Assess
    await expect(listing).rejects.toThrow(InvalidInputError);
  });

  it.each([0, 101, 2.5])('refuses a page size of %s', async (limit) => {
    // Act
    const listing = store.listJobs({ limit });

    // Assess
    await expect(listing).rejects.toThrow(InvalidInputError);
  });

  it('rejects a cursor that was tampered with', async () => {
    // Prepare
    const { next } = await store.listJobs({ limit: 5 });
    if (!next) throw new Error('expected a cursor');
    const [payload = '', signature = ''] = next.split('.');
    // The same boundary moved to another job id: what a client would try to steer the read.
    const bytes = Buffer.from(payload, 'base64url');
    bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 1;
    const forgedKey = bytes.toString('base64url');

    // Act
    const attempts = [
      store.listJobs({ limit: 5, cursor: `${forgedKey}.${signature}` }),
      store.listJobs({ limit: 5, cursor: `${payload}.${signature.slice(0, -2)}xx` }),
      store.listJobs({ limit: 5, cursor: 'not-a-cursor' }),
    ];

    // Assess
    for (const attempt of attempts) await expect(attempt).rejects.toThrow('cursor is malformed');
  });

  it('rejects a cursor reused with another query', async () => {
    // Prepare
    const { next } = await store.listJobs({ statuses: ['RUNNING'], limit: 2 });
    if (!next) throw new Error('expected a cursor');

    // Act
    const withAnotherStatus = store.listJobs({ statuses: ['FAILED'], limit: 2, cursor: next });
    const withAnotherFilter = store.listJobs({
      statuses: ['RUNNING'],
      vendor: 'okast',
      limit: 2,
      cursor: next,
    });

    // Assess
    await expect(withAnotherStatus).rejects.toThrow('cursor does not belong to this query');
    await expect(withAnotherFilter).rejects.toThrow('cursor does not belong to this query');
  });

  it('accepts a cursor with another page size, and with the statuses in another order', async () => {
    // Prepare
    const first = await store.listJobs({ statuses: ['RUNNING', 'FAILED'], limit: 3 });
    if (!first.next) throw new Error('expected a cursor');

    // Act
    const second = await store.listJobs({ statuses: ['FAILED', 'RUNNING'], limit: 5, cursor: first.next });

    // Assess
    const expected = ids(newestFirst.filter((job) => job.status === 'RUNNING' || job.status === 'FAILED'));
    expect([...first.items, ...second.items].map((job) => job.jobId)).toEqual(expected.slice(0, 8));
  });

  it("rejects another store's cursor (another secret)", async () => {
    // Prepare
    const { next } = await store.listJobs({ limit: 5 });
    if (!next) throw new Error('expected a cursor');
    const otherStore = new DynamoJobStore({
      tableName,
      client: recording.documentClient,
      cursorSecret: 'another-secret-of-sufficient-length',
    });

    // Act
    const listing = otherStore.listJobs({ limit: 5, cursor: next });

    // Assess
    await expect(listing).rejects.toThrow('cursor is malformed');
  });
});

describe('listJobs with a sparse filter', () => {
  it('follows short pages to the end without skipping the rare matches', async () => {
    // Prepare: two matches, oldest, behind 80 jobs that do not match.
    const sparse = await fixture.freshStore();
    await sparse.store.createJob(
      newJob({ jobId: 'jw-failed', status: 'FAILED', updatedAt: minutesAfterBase(0) }),
    );
    await sparse.store.createJob(
      newJob({ jobId: 'jw-lost', status: 'LOST', updatedAt: minutesAfterBase(1) }),
    );
    for (let position = 2; position < 82; position++) {
      await sparse.store.createJob(
        newJob({ jobId: `jw-run-${position}`, status: 'RUNNING', updatedAt: minutesAfterBase(position) }),
      );
    }

    // Act
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await sparse.store.listJobs({
        statuses: ['FAILED', 'LOST'],
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      pages.push(page.items.map((job) => job.jobId));
      cursor = page.next;
    } while (cursor && pages.length < 50);

    // Assess
    expect(pages.flat()).toEqual(['jw-lost', 'jw-failed']);
  });
});

describe('listings and updates', () => {
  it('moves an updated job to the top and never lists history entries', async () => {
    // Prepare
    const own = await fixture.freshStore();
    for (const job of jobs.slice(0, 5)) await own.store.createJob(job);

    // Act
    await own.store.update('jw-000', bumpProgress);
    await own.store.update('jw-000', setFields({ updatedAt: minutesAfterBase(100), message: 'latest news' }));
    const page = await own.store.listJobs({});
    const running = await own.store.listJobs({ statuses: ['RUNNING'] });
    const queued = await own.store.listJobs({ statuses: ['QUEUED'] });

    // Assess
    expect(page.items.map((job) => job.jobId)).toEqual(['jw-000', 'jw-004', 'jw-003', 'jw-002', 'jw-001']);
    expect(page.items[0]).toMatchObject({ version: 3, message: 'latest news' });
    expect(running.items.map((job) => job.jobId)).toEqual(['jw-000', 'jw-001']);
    expect(queued.items.map((job) => job.jobId)).toEqual(['jw-004']);
  });
});

describe('history', () => {
  it('pages through one job’s snapshots oldest first', async () => {
    // Prepare
    const own = await fixture.freshStore();
    await own.store.createJob(newJob());
    for (let change = 0; change < 11; change++) await own.store.update('jw-test-1', bumpProgress);

    // Act
    const first = await own.store.history('jw-test-1', { limit: 5 });
    const second = await own.store.history('jw-test-1', { limit: 5, cursor: nextOf(first) });
    const third = await own.store.history('jw-test-1', { limit: 5, cursor: nextOf(second) });

    // Assess
    const versions = [first, second, third].map((page) => page.items.map((job) => job.version));
    expect(versions).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
      [11, 12],
    ]);
    expect(third.next).toBeUndefined();
  });

  it("rejects a cursor from another job's history, or from a listing", async () => {
    // Prepare
    const own = await fixture.freshStore();
    await own.store.createJob(newJob({ jobId: 'jw-a' }));
    await own.store.createJob(newJob({ jobId: 'jw-b' }));
    await own.store.update('jw-a', bumpProgress);
    const historyCursor = nextOf(await own.store.history('jw-a', { limit: 1 }));
    const listingCursor = nextOf(await own.store.listJobs({ limit: 1 }));

    // Act
    const fromOtherJob = own.store.history('jw-b', { cursor: historyCursor });
    const fromListing = own.store.history('jw-a', { cursor: listingCursor });
    const historyInListing = own.store.listJobs({ cursor: historyCursor });

    // Assess
    await expect(fromOtherJob).rejects.toThrow('cursor does not belong to this query');
    await expect(fromListing).rejects.toThrow('cursor does not belong to this query');
    await expect(historyInListing).rejects.toThrow('cursor does not belong to this query');
  });

  it('is empty for an unknown job', async () => {
    // Act
    const page = await store.history('jw-nobody');

    // Assess
    expect(page).toEqual({ items: [] });
  });
});

describe('reads', () => {
  it('never issues a Scan', () => {
    // Assess (after every listing and history read above)
    expect(fixture.commandsSent()).toContain('QueryCommand');
    expect(fixture.commandsSent()).not.toContain('ScanCommand');
  });
});
