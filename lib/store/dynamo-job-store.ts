import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { forEachLimited } from '../async/for-each-limited.js';
import { ConcurrentUpdateError, InvalidInputError, JobNotFoundError } from '../jobs/errors.js';
import { type Job, JobSchema, VendorNameSchema } from '../jobs/job.js';
import { FINAL_STATUSES, isFinal, JobStatusSchema } from '../jobs/job-status.js';
import type { TransitionResult } from '../jobs/transitions.js';
import {
  type JobStore,
  type ListJobsQuery,
  MAX_WAITERS_PER_JOB,
  type Page,
  type UpdateResult,
} from './job-store.js';
import { PageCursors, queryFingerprint, type StartKey } from './page-cursor.js';
import { CorruptJobItemError, StoreInvariantError, TooManyWaitersError } from './store-errors.js';
import {
  ALL_JOBS_PARTITION,
  canonicalTimestamp,
  GSI_SORT_KEY,
  historySortKey,
  INDEXES,
  jobPartitionKey,
  LATEST_SORT_KEY,
  type ListingIndex,
  listingSortKey,
  PARTITION_KEY,
  SORT_KEY,
  STORAGE_ATTRIBUTES,
  TTL_ATTRIBUTE,
  WAITER_TOKENS_ATTRIBUTE,
  WAITERS_SORT_KEY,
} from './table-design.js';

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

type Item = Record<string, unknown>;

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;
/** Queries one page may spend when a FilterExpression thins results out; then it returns short. */
const MAX_QUERY_ROUNDS = 8;
/** Items one filtered Query evaluates, per item still wanted: filters drop items after the read. */
const FILTERED_READ_FACTOR = 4;
const STAMPING_CONCURRENCY = 8;
const SECONDS_PER_DAY = 86_400;
const TABLE_CURSOR_INDEX = 'table';

const FINAL_STATUS_VALUES: Record<string, string> = Object.fromEntries(
  [...FINAL_STATUSES].map((status, position) => [`:final${position}`, status]),
);
const NOT_FINAL_CONDITION = `NOT #status IN (${Object.keys(FINAL_STATUS_VALUES).join(', ')})`;

const IsoTimestamp = z.iso.datetime({ offset: true });
const ListJobsQuerySchema = z.object({
  statuses: z.array(JobStatusSchema).optional(),
  vendor: VendorNameSchema.optional(),
  connection: z.string().min(1).optional(),
  updatedSince: IsoTimestamp.optional(),
  updatedUntil: IsoTimestamp.optional(),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  cursor: z.string().optional(),
});
const HistoryOptionsSchema = z.object({
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  cursor: z.string().optional(),
});

let sharedClient: DynamoDBDocumentClient | undefined;
function defaultClient(): DynamoDBDocumentClient {
  sharedClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return sharedClient;
}

/** One listing query: the index to read, its partition, and what the key cannot express. */
interface ListingPlan {
  index: ListingIndex;
  partitionValue: string;
  keyCondition: string;
  filter?: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
  fingerprint: string;
}

/**
 * The job store on DynamoDB, without transactions (local DynamoDB has none).
 *
 * Write protocol for version n → n+1:
 * 1. put history item `V#n+1` if it does not exist — whoever succeeds *owns* version n+1;
 * 2. put the latest item if its version is still n.
 *
 * A writer that loses step 1 finds the owner's history item and completes step 2 for it ("roll
 * forward") before re-reading and re-applying its own transition, so a writer that crashed
 * between the steps never blocks the job and its change is never lost. Consequences: the latest
 * item at version n always equals history `V#n`; history has no gaps; at most one history item
 * (the next version) is ahead of the latest one.
 *
 * @example
 * const store = new DynamoJobStore({ tableName: 'jobs', client, cursorSecret });
 * await store.createJob(job);
 * await store.update(job.jobId, (current) => applyObservation(current, observation, new Date()));
 */
export class DynamoJobStore implements JobStore {
  readonly #tableName: string;
  readonly #client: DynamoDBDocumentClient;
  readonly #cursors: PageCursors;
  readonly #retentionSeconds: number;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;

  constructor(options: DynamoJobStoreOptions) {
    this.#tableName = options.tableName;
    this.#client = options.client ?? defaultClient();
    this.#cursors = new PageCursors(options.cursorSecret);
    this.#retentionSeconds = (options.retentionDays ?? 90) * SECONDS_PER_DAY;
    this.#maxAttempts = options.retry?.maxAttempts ?? 8;
    this.#baseDelayMs = options.retry?.baseDelayMs ?? 10;
    this.#maxDelayMs = options.retry?.maxDelayMs ?? 200;
  }

  /**
   * Stores a new job as history `V#1`, then as latest. Idempotent: if the id is taken, returns
   * the stored job (finishing its creation if its creator stopped half-way).
   *
   * @example const { job, created } = await store.createJob(initialJob);
   */
  async createJob(input: Job): Promise<{ job: Job; created: boolean }> {
    const job = parseOwnJob(input, 'job');
    if (job.version !== 1) throw new InvalidInputError('A new job starts at version 1', ['version']);
    if (!(await this.#claimVersion(job))) {
      let existing = await this.#readLatest(job.jobId);
      if (!existing) {
        // Its creator is mid-way or crashed after writing V#1.
        await this.#rollForward(job.jobId, 1);
        existing = await this.#readLatest(job.jobId);
      }
      if (!existing) throw new StoreInvariantError(`Job ${job.jobId}: history exists but no latest snapshot`);
      return { job: existing, created: false };
    }
    // Losing here means another createJob found our V#1 and already rolled it forward: same job.
    await this.#putLatest(job);
    return { job, created: true };
  }

  /**
   * The latest snapshot, or undefined. Strongly consistent: a caller sees its own writes.
   *
   * @example const job = await store.getJob('jw-1f');
   */
  async getJob(jobId: string): Promise<Job | undefined> {
    return this.#readLatest(jobId);
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
  async update(jobId: string, transition: (current: Job) => TransitionResult): Promise<UpdateResult> {
    let current = await this.#readLatest(jobId);
    for (let attempt = 1; ; attempt++) {
      if (!current) throw new JobNotFoundError(jobId);
      // Checked here and not only in the transitions: no version may ever be claimed after a final
      // one, or it could never be rolled forward (the latest item's condition refuses it).
      if (isFinal(current.status)) return { job: current, previous: current, changed: false };
      const result = transition(current);
      if (!result.changed && result.refresh) {
        const refreshed = checkedRefresh(current, result.job);
        if (await this.#refreshWatchIssue(refreshed))
          return { job: refreshed, previous: current, changed: false };
        // Another writer moved the job on: apply the transition to what it wrote.
        if (attempt >= this.#maxAttempts) {
          throw new ConcurrentUpdateError(`Job ${jobId}: lost ${attempt} races to refresh its watch issue`);
        }
        current = await this.#readLatest(jobId);
        continue;
      }
      if (!result.changed) return { job: current, previous: current, changed: false };
      const next = checkedSuccessor(current, result.job);

      if (await this.#claimVersion(next)) {
        if (isFinal(next.status))
          await this.#stampHistoryExpiry(jobId, current.version, this.#expiresAt(next));
        if (!(await this.#putLatest(next))) {
          // We own version n+1, so the latest item can only have left version n through a roll
          // forward of our own history item: the change is stored. Re-applying would apply it twice.
          const latest = await this.#readLatest(jobId);
          if (!latest || latest.version < next.version) {
            throw new StoreInvariantError(
              `Job ${jobId}: version ${next.version} is claimed but cannot become latest`,
            );
          }
        }
        return { job: next, previous: current, changed: true };
      }

      // Version n+1 belongs to another writer. Give it a moment to finish; if the latest item is
      // still behind, the owner is slow or crashed: finish its write for it, then retry ours.
      if (attempt >= this.#maxAttempts) {
        await this.#rollForward(jobId, next.version);
        throw new ConcurrentUpdateError(`Job ${jobId}: lost ${attempt} races for a new version`);
      }
      await sleep(Math.random() * Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1)));
      current = await this.#readLatest(jobId);
      if (current && current.version < next.version) {
        await this.#rollForward(jobId, next.version);
        current = await this.#readLatest(jobId);
      }
    }
  }

  /**
   * Jobs newest `updatedAt` first. Reads one listing index, chosen by the most selective filter
   * (connection, then vendor, then a single status, else all jobs); the `updatedAt` range is a key
   * condition, other filters a FilterExpression. Never scans.
   *
   * @throws InvalidInputError for a bad query or a cursor that is not this query's.
   * @example
   * const page = await store.listJobs({ statuses: ['FAILED'], updatedSince: '2025-06-01T00:00:00Z' });
   * const more = page.next ? await store.listJobs({ statuses: ['FAILED'], updatedSince: '2025-06-01T00:00:00Z', cursor: page.next }) : undefined;
   */
  async listJobs(query: ListJobsQuery): Promise<Page<Job>> {
    const parsed = parseOwnInput(ListJobsQuerySchema, query, 'Invalid job listing query');
    const plan = listingPlan(parsed);
    const limit = parsed.limit ?? DEFAULT_PAGE_SIZE;
    const start = parsed.cursor ? this.#cursors.decode(parsed.cursor, plan.fingerprint) : undefined;
    if (start && start.index !== plan.index.indexName)
      throw new InvalidInputError('cursor is malformed', ['cursor']);

    const keyAttributes = [PARTITION_KEY, SORT_KEY, plan.index.partitionKey, GSI_SORT_KEY];
    const page = await this.#collectPage(
      {
        TableName: this.#tableName,
        IndexName: plan.index.indexName,
        KeyConditionExpression: plan.keyCondition,
        FilterExpression: plan.filter,
        ExpressionAttributeNames: plan.names,
        ExpressionAttributeValues: plan.values,
        ScanIndexForward: false,
      },
      limit,
      start?.startKey,
      keyAttributes,
    );
    return {
      items: page.items.map((item) => toJob(item)),
      ...(page.nextKey
        ? {
            next: this.#cursors.encode(plan.fingerprint, {
              index: plan.index.indexName,
              startKey: page.nextKey,
            }),
          }
        : {}),
    };
  }

  /**
   * One job's snapshots, oldest first, up to the version `getJob` shows (a version still being
   * written is not listed yet). An unknown job has an empty history.
   *
   * @example const { items, next } = await store.history('jw-1f', { limit: 50 });
   */
  async history(jobId: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<Job>> {
    const parsed = parseOwnInput(HistoryOptionsSchema, options, 'Invalid history query');
    const fingerprint = queryFingerprint(['history', jobId]);
    const start = parsed.cursor ? this.#cursors.decode(parsed.cursor, fingerprint) : undefined;
    if (start && start.index !== TABLE_CURSOR_INDEX)
      throw new InvalidInputError('cursor is malformed', ['cursor']);

    const latestVersion = await this.#readLatestVersion(jobId);
    if (latestVersion === undefined) return { items: [] };
    const page = await this.#collectPage(
      {
        TableName: this.#tableName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :first AND :last',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
        ExpressionAttributeValues: {
          ':pk': jobPartitionKey(jobId),
          ':first': historySortKey(1),
          ':last': historySortKey(latestVersion),
        },
        ScanIndexForward: true,
        ConsistentRead: true,
      },
      parsed.limit ?? DEFAULT_PAGE_SIZE,
      start?.startKey,
      [PARTITION_KEY, SORT_KEY],
    );
    return {
      items: page.items.map((item) => toJob(item)),
      ...(page.nextKey
        ? { next: this.#cursors.encode(fingerprint, { index: TABLE_CURSOR_INDEX, startKey: page.nextKey }) }
        : {}),
    };
  }

  /**
   * Adds a task token to the job's waiters item (a string set): one conditional UpdateItem, no
   * version, so it never races a snapshot write. A token already there is a no-op, even at the cap.
   *
   * @throws TooManyWaitersError when {@link MAX_WAITERS_PER_JOB} other tokens are waiting.
   * @example await store.addWaiter('jw-1f', taskToken);
   */
  async addWaiter(jobId: string, taskToken: string): Promise<void> {
    if (!taskToken) throw new InvalidInputError('A task token is required', ['taskToken']);
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: this.#waitersKey(jobId),
          UpdateExpression: 'ADD #tokens :token',
          // Race: many callers adding at once. The size check is evaluated on the item as it is at
          // the write, so the cap holds however they interleave.
          ConditionExpression:
            'attribute_not_exists(#tokens) OR size(#tokens) < :max OR contains(#tokens, :one)',
          ExpressionAttributeNames: { '#tokens': WAITER_TOKENS_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':token': new Set([taskToken]),
            ':one': taskToken,
            ':max': MAX_WAITERS_PER_JOB,
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new TooManyWaitersError(jobId, MAX_WAITERS_PER_JOB);
      throw error;
    }
  }

  /** @example const tokens = await store.waiters('jw-1f'); */
  async waiters(jobId: string): Promise<string[]> {
    const { Item: item } = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: this.#waitersKey(jobId), ConsistentRead: true }),
    );
    const tokens = item?.[WAITER_TOKENS_ATTRIBUTE];
    return tokens instanceof Set ? [...tokens].filter((token) => typeof token === 'string').sort() : [];
  }

  /**
   * Deletes tokens from the set; when none is left the item goes too (only if still empty, so a
   * waiter added meanwhile stays).
   *
   * @example await store.removeWaiters('jw-1f', [taskToken]);
   */
  async removeWaiters(jobId: string, taskTokens: readonly string[]): Promise<void> {
    const tokens = [...new Set(taskTokens.filter(Boolean))];
    if (tokens.length === 0) return;
    let remaining: unknown;
    try {
      const { Attributes: attributes } = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: this.#waitersKey(jobId),
          UpdateExpression: 'DELETE #tokens :tokens',
          // Never create an item only to delete from it.
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#tokens': WAITER_TOKENS_ATTRIBUTE, '#pk': PARTITION_KEY },
          ExpressionAttributeValues: { ':tokens': new Set(tokens) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      remaining = attributes?.[WAITER_TOKENS_ATTRIBUTE];
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw error;
    }
    if (remaining instanceof Set && remaining.size > 0) return;
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: this.#waitersKey(jobId),
          // Race: a waiter added between the update and this delete must not be lost.
          ConditionExpression: 'attribute_not_exists(#tokens)',
          ExpressionAttributeNames: { '#tokens': WAITER_TOKENS_ATTRIBUTE },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  #waitersKey(jobId: string): Record<string, string> {
    return { [PARTITION_KEY]: jobPartitionKey(jobId), [SORT_KEY]: WAITERS_SORT_KEY };
  }

  /**
   * Queries until `limit + 1` items are in hand (the extra one only says that more exist), the
   * results run out, or the round budget is spent. The next cursor is the key of the last item
   * *returned*, not DynamoDB's LastEvaluatedKey, which may lie past items read but not returned;
   * only when the budget ran out is LastEvaluatedKey used, since nothing before it matched.
   */
  async #collectPage(
    input: QueryCommandInput,
    limit: number,
    startKey: StartKey | undefined,
    keyAttributes: readonly string[],
  ): Promise<{ items: Item[]; nextKey?: StartKey }> {
    const wanted = limit + 1;
    const collected: Item[] = [];
    let exclusiveStartKey: StartKey | undefined = startKey;
    for (let round = 0; round < MAX_QUERY_ROUNDS; round++) {
      const missing = wanted - collected.length;
      const response = await this.#client.send(
        new QueryCommand({
          ...input,
          ExclusiveStartKey: exclusiveStartKey,
          Limit: input.FilterExpression ? Math.min(1000, missing * FILTERED_READ_FACTOR) : missing,
        }),
      );
      collected.push(...((response.Items ?? []) as Item[]));
      if (collected.length > limit) {
        const items = collected.slice(0, limit);
        const last = items[items.length - 1];
        return { items, ...(last ? { nextKey: keyOf(last, keyAttributes) } : {}) };
      }
      if (!response.LastEvaluatedKey) return { items: collected };
      exclusiveStartKey = keyOf(response.LastEvaluatedKey, keyAttributes);
    }
    return { items: collected, ...(exclusiveStartKey ? { nextKey: exclusiveStartKey } : {}) };
  }

  async #readLatest(jobId: string): Promise<Job | undefined> {
    const { Item: item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { [PARTITION_KEY]: jobPartitionKey(jobId), [SORT_KEY]: LATEST_SORT_KEY },
        ConsistentRead: true,
      }),
    );
    return item ? toJob(item) : undefined;
  }

  async #readLatestVersion(jobId: string): Promise<number | undefined> {
    const { Item: item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { [PARTITION_KEY]: jobPartitionKey(jobId), [SORT_KEY]: LATEST_SORT_KEY },
        ProjectionExpression: '#version',
        ExpressionAttributeNames: { '#version': 'version' },
        ConsistentRead: true,
      }),
    );
    if (!item) return undefined;
    const version = item.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      throw new CorruptJobItemError(`${jobPartitionKey(jobId)}/${LATEST_SORT_KEY}`, [
        'version: not a version',
      ]);
    }
    return version;
  }

  /** Writes history `V#<job.version>`; false when that version is already someone's. */
  async #claimVersion(job: Job): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: this.#historyItem(job),
          // Race: two writers computing the same next version. Exactly one may own it; the other
          // must not overwrite the owner's snapshot, and learns here that it lost.
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Moves the latest item from version n-1 to `job` (version n); false when it is no longer at n-1. */
  async #putLatest(job: Job): Promise<boolean> {
    const first = job.version === 1;
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: this.#latestItem(job),
          ...(first
            ? {
                // Race: concurrent creators of one job id. The latest item is written once; a
                // later creator must not reset a job that has moved on to version 1.
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': PARTITION_KEY },
              }
            : {
                // Race: a stale writer (or a roll-forward arriving after the owner) replacing a newer
                // snapshot. Only the move from exactly the previous version is allowed, so versions
                // never go back. The status clause is redundant under the protocol (version n is one
                // immutable snapshot, checked non-final before n+1 was claimed); it keeps a writer
                // that bypasses the protocol from ever reopening a final job.
                ConditionExpression: `#version = :previous AND ${NOT_FINAL_CONDITION}`,
                ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
                ExpressionAttributeValues: { ':previous': job.version - 1, ...FINAL_STATUS_VALUES },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Keeps the latest text of the current watch issue (and its count, last seen, retry time) on the
   * latest item, in place: no new version, no history entry, `updatedAt` and the listing keys
   * unchanged. History `V#n` keeps the issue as it was when version n was written, which is what
   * the history is for (the trouble's kind, and when it began). False when the job left version n.
   */
  async #refreshWatchIssue(job: Job): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { [PARTITION_KEY]: jobPartitionKey(job.jobId), [SORT_KEY]: LATEST_SORT_KEY },
          UpdateExpression: 'SET #watchIssue = :watchIssue',
          // Race: a writer that claimed version n+1 meanwhile. Its snapshot wins; this refresh
          // must not land on it (the caller re-reads and re-applies), nor on a final job.
          ConditionExpression: `#version = :version AND ${NOT_FINAL_CONDITION}`,
          ExpressionAttributeNames: {
            '#watchIssue': 'watchIssue',
            '#version': 'version',
            '#status': 'status',
          },
          ExpressionAttributeValues: {
            ':watchIssue': plainData(job).watchIssue,
            ':version': job.version,
            ...FINAL_STATUS_VALUES,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Completes another writer's claimed `version`: its history item becomes latest, if still due. */
  async #rollForward(jobId: string, version: number): Promise<void> {
    const { Item: item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { [PARTITION_KEY]: jobPartitionKey(jobId), [SORT_KEY]: historySortKey(version) },
        ConsistentRead: true,
      }),
    );
    if (!item) return;
    const claimed = toJob(item);
    if (isFinal(claimed.status)) await this.#stampHistoryExpiry(jobId, version - 1, this.#expiresAt(claimed));
    // False: the owner (or another roll-forward) got there first. Either way it is done.
    await this.#putLatest(claimed);
  }

  /**
   * Gives history versions 1..`throughVersion` the final job's expiry. Runs before a final
   * snapshot becomes latest (by its writer or by a roll-forward), so a final latest item implies a
   * fully stamped history even if a writer crashed mid-way; repeating it is harmless.
   */
  async #stampHistoryExpiry(jobId: string, throughVersion: number, expiresAt: number): Promise<void> {
    if (throughVersion < 1) return;
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const response = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :first AND :last',
          FilterExpression: 'attribute_not_exists(#ttl)',
          ProjectionExpression: '#pk, #sk',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY, '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':pk': jobPartitionKey(jobId),
            ':first': historySortKey(1),
            ':last': historySortKey(throughVersion),
          },
          ConsistentRead: true,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      await forEachLimited(response.Items ?? [], STAMPING_CONCURRENCY, async (item) => {
        try {
          await this.#client.send(
            new UpdateCommand({
              TableName: this.#tableName,
              Key: { [PARTITION_KEY]: item[PARTITION_KEY], [SORT_KEY]: item[SORT_KEY] },
              UpdateExpression: 'SET #ttl = :expiresAt',
              // Race: the item being deleted (by TTL or an operator) between the query and this
              // update. An update of a missing item would create a keys-only stub; refuse instead.
              ConditionExpression: 'attribute_exists(#pk)',
              ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#ttl': TTL_ATTRIBUTE },
              ExpressionAttributeValues: { ':expiresAt': expiresAt },
            }),
          );
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      });
      exclusiveStartKey = response.LastEvaluatedKey;
    } while (exclusiveStartKey);
  }

  /** Epoch seconds; derived from the snapshot alone so every writer computes the same value. */
  #expiresAt(job: Job): number {
    return Math.floor(Date.parse(job.finishedAt ?? job.updatedAt) / 1000) + this.#retentionSeconds;
  }

  #expiry(job: Job): Item {
    return isFinal(job.status) ? { [TTL_ATTRIBUTE]: this.#expiresAt(job) } : {};
  }

  #historyItem(job: Job): Item {
    return {
      ...plainData(job),
      [PARTITION_KEY]: jobPartitionKey(job.jobId),
      [SORT_KEY]: historySortKey(job.version),
      ...this.#expiry(job),
    };
  }

  #latestItem(job: Job): Item {
    return {
      ...plainData(job),
      [PARTITION_KEY]: jobPartitionKey(job.jobId),
      [SORT_KEY]: LATEST_SORT_KEY,
      [GSI_SORT_KEY]: listingSortKey(job.updatedAt, job.jobId),
      [INDEXES.byConnection.partitionKey]: job.connection,
      [INDEXES.byVendor.partitionKey]: job.vendor,
      [INDEXES.byStatus.partitionKey]: job.status,
      [INDEXES.allJobs.partitionKey]: ALL_JOBS_PARTITION,
      ...this.#expiry(job),
    };
  }
}

/** Chooses the index and splits the query into key condition and filter. */
function listingPlan(query: z.infer<typeof ListJobsQuerySchema>): ListingPlan {
  const statuses = [...new Set(query.statuses ?? [])].sort();
  const since = query.updatedSince === undefined ? undefined : canonicalTimestamp(query.updatedSince);
  const until = query.updatedUntil === undefined ? undefined : canonicalTimestamp(query.updatedUntil);
  if (since !== undefined && until !== undefined && since > until) {
    throw new InvalidInputError('updatedSince is after updatedUntil', ['updatedSince', 'updatedUntil']);
  }

  let index: ListingIndex;
  let partitionValue: string;
  if (query.connection !== undefined) {
    index = INDEXES.byConnection;
    partitionValue = query.connection;
  } else if (query.vendor !== undefined) {
    index = INDEXES.byVendor;
    partitionValue = query.vendor;
  } else if (statuses.length === 1 && statuses[0] !== undefined) {
    index = INDEXES.byStatus;
    partitionValue = statuses[0];
  } else {
    index = INDEXES.allJobs;
    partitionValue = ALL_JOBS_PARTITION;
  }

  const names: Record<string, string> = { '#pk': index.partitionKey };
  const values: Record<string, unknown> = { ':pk': partitionValue };
  // `<time>#<jobId>` keys: `<since>#` sorts before every key at `since`, `<until>$` after every key at `until`.
  let keyCondition = '#pk = :pk';
  // DynamoDB refuses unused attribute names, so `#sk` only comes with a range.
  if (since !== undefined || until !== undefined) names['#sk'] = GSI_SORT_KEY;
  if (since !== undefined && until !== undefined) {
    keyCondition += ' AND #sk BETWEEN :since AND :until';
    values[':since'] = `${since}#`;
    values[':until'] = `${until}$`;
  } else if (since !== undefined) {
    keyCondition += ' AND #sk >= :since';
    values[':since'] = `${since}#`;
  } else if (until !== undefined) {
    keyCondition += ' AND #sk <= :until';
    values[':until'] = `${until}$`;
  }

  const filters: string[] = [];
  if (index !== INDEXES.byStatus && statuses.length > 0) {
    names['#status'] = 'status';
    const placeholders = statuses.map((status, position) => {
      values[`:status${position}`] = status;
      return `:status${position}`;
    });
    filters.push(
      placeholders.length === 1 ? `#status = ${placeholders[0]}` : `#status IN (${placeholders.join(', ')})`,
    );
  }
  if (index === INDEXES.byConnection && query.vendor !== undefined) {
    names['#vendor'] = 'vendor';
    values[':vendor'] = query.vendor;
    filters.push('#vendor = :vendor');
  }

  return {
    index,
    partitionValue,
    keyCondition,
    ...(filters.length > 0 ? { filter: filters.join(' AND ') } : {}),
    names,
    values,
    fingerprint: queryFingerprint([
      'list',
      statuses,
      query.vendor ?? null,
      query.connection ?? null,
      since ?? null,
      until ?? null,
    ]),
  };
}

/** The job a transition returned, checked before it is stored. */
function checkedSuccessor(current: Job, candidate: Job): Job {
  const next = parseOwnJob(candidate, 'transition result');
  if (next.jobId !== current.jobId || next.version !== current.version + 1) {
    throw new InvalidInputError(
      `A transition of job ${current.jobId} must return the same job at version ${current.version + 1}`,
      ['jobId', 'version'],
    );
  }
  return next;
}

/** A refresh may change the watch issue's text and counters only, never the version or the kind. */
function checkedRefresh(current: Job, candidate: Job): Job {
  const refreshed = parseOwnJob(candidate, 'transition result');
  if (
    refreshed.jobId !== current.jobId ||
    refreshed.version !== current.version ||
    refreshed.watchIssue?.kind === undefined ||
    refreshed.watchIssue.kind !== current.watchIssue?.kind
  ) {
    throw new InvalidInputError(
      `A refresh of job ${current.jobId} must keep version ${current.version} and its watch issue's kind`,
      ['version', 'watchIssue'],
    );
  }
  return { ...current, watchIssue: refreshed.watchIssue };
}

function parseOwnJob(job: Job, what: string): Job {
  return parseOwnInput(JobSchema, job, `Invalid ${what}`);
}

function parseOwnInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  message: string,
): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(message, describeIssues(parsed.error));
  return parsed.data;
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
}

/** A stored item as a job: storage attributes dropped, shape checked. */
function toJob(item: Item): Job {
  const fields: Item = { ...item };
  for (const attribute of STORAGE_ATTRIBUTES) delete fields[attribute];
  const parsed = JobSchema.safeParse(fields);
  if (!parsed.success) {
    throw new CorruptJobItemError(
      `${String(item[PARTITION_KEY])}/${String(item[SORT_KEY])}`,
      parsed.error.issues.map((issue) => issue.path.map(String).join('.') || '(root)'),
    );
  }
  return parsed.data;
}

/**
 * The job as JSON data: no `undefined` anywhere (the marshaller refuses it unless the injected
 * client was configured to drop it), no class instances in the free-form records.
 */
function plainData(job: Job): Item {
  return JSON.parse(JSON.stringify(job)) as Item;
}

function keyOf(item: Record<string, unknown>, attributes: readonly string[]): StartKey {
  const key: StartKey = {};
  for (const attribute of attributes) {
    const value = item[attribute];
    if (typeof value !== 'string')
      throw new StoreInvariantError(`Listed item lacks its key attribute ${attribute}`);
    key[attribute] = value;
  }
  return key;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
