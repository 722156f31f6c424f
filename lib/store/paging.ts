import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../jobs/errors.js';
import type { Job } from '../jobs/job.js';
import { type Item, toJob } from './job-item.js';
import type { Page } from './job-store.js';
import type { PageCursors, StartKey } from './page-cursor.js';
import { StoreInvariantError } from './store-errors.js';

/** Queries one page may spend when a FilterExpression thins results out; then it returns short. */
export const MAX_QUERY_ROUNDS = 8;
/** Items one filtered Query evaluates, per item still wanted: filters drop items after the read. */
export const FILTERED_READ_FACTOR = 4;
/** The most items one filtered round asks DynamoDB to evaluate, however many are missing. */
const MAX_ROUND_LIMIT = 1000;
/** The index a cursor names when its page was read from the base table (history). */
export const TABLE_CURSOR_INDEX = 'table';

/** One paged read: the Query without its per-round start key and Limit, and how to page it. */
export interface PagedQuery {
  readonly input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>;
  /** Items the page returns at most. */
  readonly limit: number;
  /** Where the page starts (exclusive); undefined for the first page. */
  readonly startKey?: StartKey | undefined;
  /** The key attributes of an item of the read index: a cursor holds exactly these. */
  readonly keyAttributes: readonly string[];
}

export interface CollectedPage {
  items: Item[];
  /** Present when more may follow: the start key of the next page. */
  nextKey?: StartKey;
}

/**
 * The Limit of one Query round. Without a filter every item read is returned, so ask for exactly
 * what is missing; with one, read several times that, since the filter drops items after the read.
 *
 * @example roundLimit(true, 11) // 44
 */
export function roundLimit(filtered: boolean, missing: number): number {
  return filtered ? Math.min(MAX_ROUND_LIMIT, missing * FILTERED_READ_FACTOR) : missing;
}

/**
 * Where a page starts, from the caller's cursor: undefined without one.
 *
 * @throws InvalidInputError when the cursor was altered, belongs to another query, or names
 *   another index than the one this query reads.
 * @example const startKey = startKeyOf(cursors, query.cursor, plan.fingerprint, 'allJobs');
 */
export function startKeyOf(
  cursors: PageCursors,
  cursor: string | undefined,
  fingerprint: string,
  indexName: string,
): StartKey | undefined {
  if (!cursor) return undefined;
  const start = cursors.decode(cursor, fingerprint);
  if (start.index !== indexName) throw new InvalidInputError('cursor is malformed', ['cursor']);
  return start.startKey;
}

/**
 * Queries until `limit + 1` items are in hand (the extra one only says that more exist), the
 * results run out, or the round budget is spent. The next cursor is the key of the last item
 * *returned*, not DynamoDB's LastEvaluatedKey, which may lie past items read but not returned;
 * only when the budget ran out is LastEvaluatedKey used, since nothing before it matched.
 *
 * @example const page = await collectPage(client, listingQuery(tableName, plan, 25, undefined));
 */
export async function collectPage(client: DynamoDBDocumentClient, query: PagedQuery): Promise<CollectedPage> {
  const { input, limit, keyAttributes } = query;
  const wanted = limit + 1;
  const collected: Item[] = [];
  let exclusiveStartKey: StartKey | undefined = query.startKey;
  for (let round = 0; round < MAX_QUERY_ROUNDS; round++) {
    const response = await client.send(
      new QueryCommand({
        ...input,
        ExclusiveStartKey: exclusiveStartKey,
        Limit: roundLimit(Boolean(input.FilterExpression), wanted - collected.length),
      }),
    );
    collected.push(...((response.Items ?? []) as Item[]));
    if (collected.length > limit) return fullPage(collected, limit, keyAttributes);
    if (!response.LastEvaluatedKey) return { items: collected };
    exclusiveStartKey = keyOf(response.LastEvaluatedKey, keyAttributes);
  }
  return { items: collected, ...(exclusiveStartKey ? { nextKey: exclusiveStartKey } : {}) };
}

function fullPage(
  collected: readonly Item[],
  limit: number,
  keyAttributes: readonly string[],
): CollectedPage {
  const items = collected.slice(0, limit);
  const last = items[items.length - 1];
  return { items, ...(last ? { nextKey: keyOf(last, keyAttributes) } : {}) };
}

/**
 * The collected items as jobs, with a signed cursor for the next page when there is one.
 *
 * @example return jobPage(page, cursors, plan.fingerprint, plan.index.indexName);
 */
export function jobPage(
  page: CollectedPage,
  cursors: PageCursors,
  fingerprint: string,
  indexName: string,
): Page<Job> {
  return {
    items: page.items.map((item) => toJob(item)),
    ...(page.nextKey
      ? { next: cursors.encode(fingerprint, { index: indexName, startKey: page.nextKey }) }
      : {}),
  };
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
