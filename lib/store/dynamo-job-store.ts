import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Job } from '../jobs/job.js';
import type { TransitionResult } from '../jobs/transitions.js';
import { historyFingerprint, historyQuery, isHistorySortKey } from './history-plan.js';
import { retentionSeconds } from './job-item.js';
import type { JobStore, ListJobsQuery, Page, PollLedger, PollRecord, UpdateResult } from './job-store.js';
import { defaultClient, readLatest, readLatestVersion } from './job-table.js';
import { checkHistoryOptions, checkListJobsQuery } from './list-query.js';
import { listingQuery, planListing } from './listing-plan.js';
import { collectMergedPage, isListingSortKey } from './merged-listing.js';
import { PageCursors } from './page-cursor.js';
import { afterOf, collectPage, jobPage } from './paging.js';
import { readPollLedger, recordPoll } from './poll-ledger.js';
import type { VersionedTable } from './version-steps.js';
import { createVersionOne, type RetryBudget, updateVersioned } from './versioned-writes.js';
import { addWaiter, readWaiters, removeWaiters } from './waiters.js';

export interface DynamoJobStoreOptions {
  tableName: string;
  /** Defaults to one shared client for the Lambda's region. */
  client?: DynamoDBDocumentClient;
  /** Signs page cursors (at least 16 characters). Rotating it invalidates outstanding cursors. */
  cursorSecret: string;
  /** How long a final job and its history are kept after it finished (TTL). Default 90. */
  retentionDays?: number;
  /**
   * Optimistic-concurrency budget of `update` (default 8 attempts, full-jitter back-off from 10 ms
   * up to 200 ms). Every lost attempt means another writer stored a change, so N writers racing on
   * one job all succeed when `maxAttempts >= N`; jobwatch expects two or three (poll, cancel,
   * failure record).
   */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
}

/**
 * The job store on DynamoDB, without transactions (local DynamoDB has none): the versioned-write
 * protocol (`versioned-writes.ts`), the listing planner (`listing-plan.ts`), paging with signed
 * cursors (`paging.ts`) and the waiters item (`waiters.ts`), wired to one table.
 *
 * @example
 * const store = new DynamoJobStore({ tableName: 'jobs', client, cursorSecret });
 * await store.createJob(job);
 * await store.update(job.jobId, (current) => applyObservation(current, observation, new Date()));
 */
export class DynamoJobStore implements JobStore {
  readonly #table: VersionedTable;
  readonly #cursors: PageCursors;
  readonly #retry: RetryBudget;

  constructor(options: DynamoJobStoreOptions) {
    this.#table = {
      tableName: options.tableName,
      client: options.client ?? defaultClient(),
      retentionSeconds: retentionSeconds(options.retentionDays ?? 90),
    };
    this.#cursors = new PageCursors(options.cursorSecret);
    this.#retry = {
      maxAttempts: options.retry?.maxAttempts ?? 8,
      baseDelayMs: options.retry?.baseDelayMs ?? 10,
      maxDelayMs: options.retry?.maxDelayMs ?? 200,
    };
  }

  /**
   * Stores a new job as history `V#1`, then as latest. Idempotent: if the id is taken, returns
   * the stored job (finishing its creation if its creator stopped half-way).
   *
   * @example const { job, created } = await store.createJob(initialJob);
   */
  createJob(job: Job): Promise<{ job: Job; created: boolean }> {
    return createVersionOne(this.#table, job);
  }

  /**
   * The latest snapshot, or undefined. Strongly consistent: a caller sees its own writes.
   *
   * @example const job = await store.getJob('jw-1f');
   */
  getJob(jobId: string): Promise<Job | undefined> {
    return readLatest(this.#table, jobId);
  }

  /**
   * Applies `transition` to the latest snapshot and stores the result if it changed. Under
   * contention it re-reads and re-applies (with jittered back-off) until it wins a version or runs
   * out of attempts. A final job is returned unchanged whatever the transition says.
   *
   * @throws JobNotFoundError when the job does not exist.
   * @throws ConcurrentUpdateError after too many lost races (retryable).
   * @example
   * const { job, changed } = await store.update(jobId, (current) => applyStalled(current, true, now));
   */
  update(jobId: string, transition: (current: Job) => TransitionResult): Promise<UpdateResult> {
    return updateVersioned(this.#table, this.#retry, jobId, transition);
  }

  /**
   * Jobs newest `updatedAt` first. Reads one listing index, chosen by the most selective filter
   * (connection, then vendor, then a single status, else all jobs), in every write shard of it,
   * merged; the `updatedAt` range is a key condition, other filters a FilterExpression. Never scans.
   *
   * @throws InvalidInputError for a bad query or a cursor that is not this query's.
   * @example
   * const page = await store.listJobs({ statuses: ['FAILED'], updatedSince: '2025-06-01T00:00:00Z' });
   * const more = page.next ? await store.listJobs({ statuses: ['FAILED'], updatedSince: '2025-06-01T00:00:00Z', cursor: page.next }) : undefined;
   */
  async listJobs(query: ListJobsQuery): Promise<Page<Job>> {
    const checked = checkListJobsQuery(query);
    const plan = planListing(checked);
    const after = afterOf(this.#cursors, checked.cursor, plan.fingerprint, isListingSortKey);
    const { client, tableName } = this.#table;
    const page = await collectMergedPage(client, listingQuery(tableName, plan, checked.limit, after));
    return jobPage(page, this.#cursors, plan.fingerprint);
  }

  /**
   * One job's snapshots, oldest first, up to the version `getJob` shows (a version still being
   * written is not listed yet). An unknown job has an empty history.
   *
   * @example const { items, next } = await store.history('jw-1f', { limit: 50 });
   */
  async history(jobId: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<Job>> {
    const checked = checkHistoryOptions(options);
    const fingerprint = historyFingerprint(jobId);
    const after = afterOf(this.#cursors, checked.cursor, fingerprint, isHistorySortKey);
    const latestVersion = await readLatestVersion(this.#table, jobId);
    if (latestVersion === undefined) return { items: [] };
    const { client, tableName } = this.#table;
    const page = await collectPage(
      client,
      historyQuery(tableName, jobId, latestVersion, checked.limit, after),
    );
    return jobPage(page, this.#cursors, fingerprint);
  }

  /**
   * Adds a task token to the job's waiters item: no version, so it never races a snapshot write.
   * A token already there is a no-op, even at the cap.
   *
   * @throws TooManyWaitersError when {@link MAX_WAITERS_PER_JOB} other tokens are waiting.
   * @example await store.addWaiter('jw-1f', taskToken);
   */
  addWaiter(jobId: string, taskToken: string): Promise<void> {
    return addWaiter(this.#table, jobId, taskToken);
  }

  /** @example const tokens = await store.waiters('jw-1f'); */
  waiters(jobId: string): Promise<string[]> {
    return readWaiters(this.#table, jobId);
  }

  /**
   * Deletes tokens from the waiters item, and the item once empty (a waiter added meanwhile stays).
   *
   * @example await store.removeWaiters('jw-1f', [taskToken]);
   */
  removeWaiters(jobId: string, taskTokens: readonly string[]): Promise<void> {
    return removeWaiters(this.#table, jobId, taskTokens);
  }

  /**
   * Counts one poll in the job's poll ledger: one UpdateItem outside every index, so a poll that
   * changes nothing still writes no snapshot.
   *
   * @example await store.recordPoll('jw-1f', { execution: { name: 'jw-1f' }, at: now.toISOString(), nextPollAt });
   */
  recordPoll(jobId: string, poll: PollRecord): Promise<void> {
    return recordPoll(this.#table, jobId, poll);
  }

  /** @example const { polls, lastPolledAt } = (await store.pollLedger('jw-1f')) ?? {}; */
  pollLedger(jobId: string): Promise<PollLedger | undefined> {
    return readPollLedger(this.#table, jobId);
  }
}
