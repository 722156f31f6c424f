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

/** One paged read: the Query without its per-round start key and Limit, and how to page it. */
export interface PagedQuery {
  readonly input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>;
  /** Items the page returns at most. */
  readonly limit: number;
  /** Where the page starts (exclusive); undefined for the first page. */
  readonly startKey?: StartKey | undefined;
  /** The sort key attribute of the read: a cursor holds its value at the page's end. */
  readonly sortKey: string;
}

export interface CollectedPage {
  items: Item[];
  /** Present when more may follow: the sort key the next page starts after (exclusive). */
  after?: string;
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
 * Where a page starts, from the caller's cursor: the sort key it starts after, undefined without
 * one.
 *
 * @throws InvalidInputError when the cursor was altered, belongs to another query, or holds a
 *   boundary that `accepts` refuses (not a key of what this query reads).
 * @example const after = afterOf(cursors, query.cursor, plan.fingerprint, isListingSortKey);
 */
export function afterOf(
  cursors: PageCursors,
  cursor: string | undefined,
  fingerprint: string,
  accepts: (after: string) => boolean,
): string | undefined {
  if (!cursor) return undefined;
  const after = cursors.decode(cursor, fingerprint);
  if (!accepts(after)) throw new InvalidInputError('cursor is malformed', ['cursor']);
  return after;
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
  const { input, limit, sortKey } = query;
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
    if (collected.length > limit) return fullPage(collected, limit, sortKey);
    if (!response.LastEvaluatedKey) return { items: collected };
    exclusiveStartKey = response.LastEvaluatedKey as StartKey;
  }
  return {
    items: collected,
    ...(exclusiveStartKey ? { after: sortKeyOf(exclusiveStartKey, sortKey) } : {}),
  };
}

function fullPage(collected: readonly Item[], limit: number, sortKey: string): CollectedPage {
  const items = collected.slice(0, limit);
  const last = items[items.length - 1];
  return { items, ...(last ? { after: sortKeyOf(last, sortKey) } : {}) };
}

/**
 * The collected items as jobs, with a signed cursor for the next page when there is one.
 *
 * @example return jobPage(page, cursors, plan.fingerprint);
 */
export function jobPage(page: CollectedPage, cursors: PageCursors, fingerprint: string): Page<Job> {
  return {
    items: page.items.map((item) => toJob(item)),
    ...(page.after === undefined ? {} : { next: cursors.encode(fingerprint, page.after) }),
  };
}

/**
 * The sort key value of a listed item or a LastEvaluatedKey.
 *
 * @throws StoreInvariantError when it lacks that attribute.
 * @example sortKeyOf(item, GSI_SORT_KEY) // '2025-06-01T10:00:00.000Z#jw-1f'
 */
export function sortKeyOf(item: Record<string, unknown>, attribute: string): string {
  const value = item[attribute];
  if (typeof value !== 'string')
    throw new StoreInvariantError(`Listed item lacks its key attribute ${attribute}`);
  return value;
}
