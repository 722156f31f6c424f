/*
 * A listing over write-sharded index partitions: one Query per shard, merged newest first.
 *
 * Every shard is sorted by the same `gsiSk`, so the merge is a k-way merge on it, and one boundary
 * resumes all shards: the next page starts, in every shard, just after the last key returned. A
 * shard is read in small pages and read again only when the merge cannot go on without it — when
 * its next item could still be newer than the best one in hand — so a page of 25 from 64 shards
 * reads about 64 + 25 items, not 64 × 25.
 */
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Item } from './job-item.js';
import type { StartKey } from './page-cursor.js';
import { type CollectedPage, FILTERED_READ_FACTOR, MAX_QUERY_ROUNDS, sortKeyOf } from './paging.js';
import { GSI_SORT_KEY, jobPartitionKey, LATEST_SORT_KEY, PARTITION_KEY, SORT_KEY } from './table-design.js';

/** The most items one shard's Query may evaluate in a round. */
const MAX_SHARD_LIMIT = 1000;
/** Items a shard reads beyond its even share, so that most pages need no second round. */
const SHARD_SLACK = 1;
/** `<UTC ISO, 24 characters>#<jobId>`: the listing sort key a cursor may resume from. */
const LISTING_SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#./;

/** One listing read: the Query without its partition value, start key and Limit, and its shards. */
export interface MergedQuery {
  /** `:pk` in its key condition is each shard's partition. */
  readonly input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>;
  /** The index's partition key attribute. */
  readonly partitionKey: string;
  readonly partitions: readonly string[];
  /** Items the page returns at most. */
  readonly limit: number;
  /** The `gsiSk` the page starts after (exclusive); undefined for the first page. */
  readonly after?: string | undefined;
}

/** What the merge knows of one shard. */
interface Shard {
  readonly partition: string;
  /** Read, matching, not yet returned: newest first. */
  buffer: Item[];
  /** Where the next Query of this shard starts; undefined before its first one. */
  startKey: StartKey | undefined;
  /**
   * Everything in this shard newer than this key has been read. Undefined before the first read
   * of a first page (nothing read yet, and nothing to start after).
   */
  frontier: string | undefined;
  done: boolean;
}

/**
 * Whether a cursor's boundary is a listing sort key, so that every shard can resume from it.
 *
 * @example isListingSortKey('2025-06-01T10:00:00.000Z#jw-1f') // true
 */
export function isListingSortKey(after: string): boolean {
  return LISTING_SORT_KEY.test(after);
}

/**
 * Reads one page across every shard, newest `gsiSk` first: `limit + 1` items (the extra one only
 * says that more exist), or all there are, or what the round budget found. The page ends after
 * the last item returned; when the budget ran out first (a filter that rarely matches), it ends
 * at the newest key some shard has not read past, which every item returned is newer than.
 *
 * @example const page = await collectMergedPage(client, listingQuery(tableName, plan, 25, after));
 */
export async function collectMergedPage(
  client: DynamoDBDocumentClient,
  query: MergedQuery,
): Promise<CollectedPage> {
  const wanted = query.limit + 1;
  const shards: Shard[] = query.partitions.map((partition) => ({
    partition,
    buffer: [],
    startKey: query.after === undefined ? undefined : shardStartKey(query, partition, query.after),
    frontier: query.after,
    done: false,
  }));
  const items: Item[] = [];
  for (let round = 0; ; ) {
    const next = nextNewest(shards);
    if ('item' in next) {
      items.push(next.item);
      if (items.length === wanted)
        return { items: items.slice(0, query.limit), after: lastKey(items, query.limit) };
      continue;
    }
    if (next.blockers.length === 0) return { items };
    if (round === MAX_QUERY_ROUNDS) return budgetSpent(items, next.blockers);
    round += 1;
    const share = Math.ceil((wanted - items.length) / next.blockers.length) + SHARD_SLACK;
    await Promise.all(next.blockers.map((shard) => readShard(client, query, shard, share)));
  }
}

/**
 * The newest buffered item, if no shard could still hold a newer one; else the shards that could
 * (none: every shard is read to its end and nothing is left).
 */
function nextNewest(shards: readonly Shard[]): { item: Item } | { blockers: Shard[] } {
  let best: Shard | undefined;
  for (const shard of shards) {
    const head = shard.buffer[0];
    if (head !== undefined && (best === undefined || newer(gsiSkOf(head), gsiSkOf(best.buffer[0] ?? head))))
      best = shard;
  }
  const bestKey = best?.buffer[0] === undefined ? undefined : gsiSkOf(best.buffer[0]);
  const blockers = shards.filter(
    (shard) =>
      !shard.done &&
      shard.buffer.length === 0 &&
      (bestKey === undefined || shard.frontier === undefined || newer(shard.frontier, bestKey)),
  );
  if (blockers.length === 0 && best !== undefined) {
    const item = best.buffer.shift();
    if (item !== undefined) return { item };
  }
  return { blockers };
}

async function readShard(
  client: DynamoDBDocumentClient,
  query: MergedQuery,
  shard: Shard,
  share: number,
): Promise<void> {
  const filtered = Boolean(query.input.FilterExpression);
  const response = await client.send(
    new QueryCommand({
      ...query.input,
      ExpressionAttributeValues: { ...query.input.ExpressionAttributeValues, ':pk': shard.partition },
      ExclusiveStartKey: shard.startKey,
      // A filter drops items after the read: evaluate several times what is missing.
      Limit: Math.min(MAX_SHARD_LIMIT, filtered ? share * FILTERED_READ_FACTOR : share),
    }),
  );
  shard.buffer.push(...((response.Items ?? []) as Item[]));
  const lastEvaluated = response.LastEvaluatedKey as StartKey | undefined;
  if (!lastEvaluated) {
    shard.done = true;
    return;
  }
  shard.startKey = lastEvaluated;
  shard.frontier = sortKeyOf(lastEvaluated, GSI_SORT_KEY);
}

/**
 * The page when the rounds ran out: the items found so far end where the newest unread shard
 * frontier is — every shard has been read past it, and every item returned is newer than it.
 */
function budgetSpent(items: Item[], blockers: readonly Shard[]): CollectedPage {
  let boundary: string | undefined;
  for (const shard of blockers) {
    if (shard.frontier !== undefined && (boundary === undefined || newer(shard.frontier, boundary)))
      boundary = shard.frontier;
  }
  return { items, ...(boundary === undefined ? {} : { after: boundary }) };
}

function lastKey(items: readonly Item[], limit: number): string {
  const last = items[limit - 1];
  if (last === undefined) throw new RangeError('A page holds at least one item');
  return gsiSkOf(last);
}

/**
 * The start key of a shard just after `after`: the boundary item's own table key and this
 * shard's partition. DynamoDB resumes from a key whether or not the item is in that shard.
 */
function shardStartKey(query: MergedQuery, partition: string, after: string): StartKey {
  const jobId = after.slice(after.indexOf('#') + 1);
  return {
    [PARTITION_KEY]: jobPartitionKey(jobId),
    [SORT_KEY]: LATEST_SORT_KEY,
    [query.partitionKey]: partition,
    [GSI_SORT_KEY]: after,
  };
}

function gsiSkOf(item: Item): string {
  return sortKeyOf(item, GSI_SORT_KEY);
}

/** DynamoDB orders string keys by their UTF-8 bytes, which JavaScript's `<` does not. */
function newer(key: string, than: string): boolean {
  return Buffer.compare(Buffer.from(key, 'utf8'), Buffer.from(than, 'utf8')) > 0;
}
