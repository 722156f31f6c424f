/*
 * The listing planner: from a checked listing query to the Query that answers it, one per write
 * shard of the chosen index. Pure — no client, no I/O — so every choice it makes is testable
 * without a table.
 */
import { InvalidInputError } from '../jobs/errors.js';
import type { JobStatus } from '../jobs/job-status.js';
import { type CheckedListJobsQuery, DEFAULT_PAGE_SIZE } from './list-query.js';
import type { MergedQuery } from './merged-listing.js';
import { queryFingerprint } from './page-cursor.js';
import {
  ALL_JOBS_PARTITION,
  canonicalTimestamp,
  GSI_SORT_KEY,
  INDEXES,
  type ListingIndex,
  listingPartitions,
} from './table-design.js';

/** One listing query: the index to read, its partition, and what the key cannot express. */
export interface ListingPlan {
  index: ListingIndex;
  /** The value the partitions share before their shard suffix (`RUNNING`). */
  partitionValue: string;
  /** Every write shard of that value: the listing reads and merges them all. */
  partitions: string[];
  /** With `:pk`, which each shard's Query sets to its own partition. */
  keyCondition: string;
  filter?: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
  /** Binds cursors to what the query selects: statuses (as a set), vendor, connection, range. */
  fingerprint: string;
}

/** A piece of a key condition or filter, with the placeholders it uses. */
interface ExpressionPart {
  text: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** The `updatedAt` bounds in canonical UTC form, so string order is time order. */
interface UpdatedRange {
  since: string | undefined;
  until: string | undefined;
}

/**
 * Chooses the index and splits the query into key condition and filter. The index is the most
 * selective filter's: connection, then vendor, then a single status, else all jobs. The
 * `updatedAt` range is always a key condition (every index sorts by it); what the chosen index's
 * key cannot express — other statuses, the vendor under a connection — becomes the filter.
 *
 * @throws InvalidInputError when `updatedSince` is after `updatedUntil`.
 * @example planListing({ statuses: ['FAILED'] }).index.indexName // 'byStatus'
 */
export function planListing(query: CheckedListJobsQuery): ListingPlan {
  const statuses = [...new Set(query.statuses ?? [])].sort();
  const range = updatedRange(query);
  const { index, partitionValue } = chooseIndex(query, statuses);
  const keyParts = [
    { text: '#pk = :pk', names: { '#pk': index.partitionKey }, values: {} },
    ...rangeCondition(range),
  ];
  const filterParts = [...statusFilter(index, statuses), ...vendorFilter(index, query)];
  const parts = [...keyParts, ...filterParts];
  return {
    index,
    partitionValue,
    partitions: listingPartitions(index, partitionValue),
    keyCondition: keyParts.map((part) => part.text).join(' AND '),
    ...(filterParts.length > 0 ? { filter: filterParts.map((part) => part.text).join(' AND ') } : {}),
    names: Object.assign({}, ...parts.map((part) => part.names)),
    values: Object.assign({}, ...parts.map((part) => part.values)),
    fingerprint: queryFingerprint([
      'list',
      statuses,
      query.vendor ?? null,
      query.connection ?? null,
      range.since ?? null,
      range.until ?? null,
    ]),
  };
}

/**
 * The Queries of a plan, one per shard, newest `updatedAt` first, paged from after `after`.
 *
 * @example collectMergedPage(client, listingQuery('jobs', planListing(query), query.limit, after))
 */
export function listingQuery(
  tableName: string,
  plan: ListingPlan,
  limit: number | undefined,
  after: string | undefined,
): MergedQuery {
  return {
    input: {
      TableName: tableName,
      IndexName: plan.index.indexName,
      KeyConditionExpression: plan.keyCondition,
      ...(plan.filter === undefined ? {} : { FilterExpression: plan.filter }),
      ExpressionAttributeNames: plan.names,
      ExpressionAttributeValues: plan.values,
      ScanIndexForward: false,
    },
    partitionKey: plan.index.partitionKey,
    partitions: plan.partitions,
    limit: limit ?? DEFAULT_PAGE_SIZE,
    after,
  };
}

function updatedRange(query: CheckedListJobsQuery): UpdatedRange {
  const since = query.updatedSince === undefined ? undefined : canonicalTimestamp(query.updatedSince);
  const until = query.updatedUntil === undefined ? undefined : canonicalTimestamp(query.updatedUntil);
  if (since !== undefined && until !== undefined && since > until) {
    throw new InvalidInputError('updatedSince is after updatedUntil', ['updatedSince', 'updatedUntil']);
  }
  return { since, until };
}

function chooseIndex(
  query: CheckedListJobsQuery,
  statuses: readonly JobStatus[],
): { index: ListingIndex; partitionValue: string } {
  if (query.connection !== undefined)
    return { index: INDEXES.byConnection, partitionValue: query.connection };
  if (query.vendor !== undefined) return { index: INDEXES.byVendor, partitionValue: query.vendor };
  const [only] = statuses;
  if (statuses.length === 1 && only !== undefined) return { index: INDEXES.byStatus, partitionValue: only };
  return { index: INDEXES.allJobs, partitionValue: ALL_JOBS_PARTITION };
}

/**
 * `<time>#<jobId>` keys: `<since>#` sorts before every key at `since`, `<until>$` after every key
 * at `until`, so both bounds are inclusive. DynamoDB refuses unused attribute names, so `#sk`
 * only comes with a range.
 */
function rangeCondition({ since, until }: UpdatedRange): ExpressionPart[] {
  const names = { '#sk': GSI_SORT_KEY };
  if (since !== undefined && until !== undefined) {
    return [
      {
        text: '#sk BETWEEN :since AND :until',
        names,
        values: { ':since': `${since}#`, ':until': `${until}$` },
      },
    ];
  }
  if (since !== undefined) return [{ text: '#sk >= :since', names, values: { ':since': `${since}#` } }];
  if (until !== undefined) return [{ text: '#sk <= :until', names, values: { ':until': `${until}$` } }];
  return [];
}

/** The statuses the status index's partition does not already select. */
function statusFilter(index: ListingIndex, statuses: readonly JobStatus[]): ExpressionPart[] {
  if (index === INDEXES.byStatus || statuses.length === 0) return [];
  const placeholders = statuses.map((_, position) => `:status${position}`);
  const values = Object.fromEntries(statuses.map((status, position) => [`:status${position}`, status]));
  const text =
    placeholders.length === 1 ? `#status = ${placeholders[0]}` : `#status IN (${placeholders.join(', ')})`;
  return [{ text, names: { '#status': 'status' }, values }];
}

/** The vendor, when the connection index was chosen over the vendor index. */
function vendorFilter(index: ListingIndex, query: CheckedListJobsQuery): ExpressionPart[] {
  if (index !== INDEXES.byConnection || query.vendor === undefined) return [];
  return [{ text: '#vendor = :vendor', names: { '#vendor': 'vendor' }, values: { ':vendor': query.vendor } }];
}
