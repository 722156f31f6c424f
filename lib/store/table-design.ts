/**
 * The shape of the job table, in one place: the store reads and writes it, the local stack creates
 * it, and the CDK stack declares it from these same constants. Everything here is plain data so
 * that infrastructure code can import it without pulling in an SDK client.
 *
 * Single-table layout (one partition per job):
 *
 * | item     | pk            | sk                    | GSI attributes | TTL (`expiresAt`)        |
 * |----------|---------------|-----------------------|----------------|--------------------------|
 * | latest   | `JOB#<jobId>` | `LATEST`              | yes            | once the job is final    |
 * | history  | `JOB#<jobId>` | `V#<version, 10 dig>` | never          | once the job is final    |
 * | waiters  | `JOB#<jobId>` | `WAITERS`             | never          | deleted when emptied     |
 * | polls    | `JOB#<jobId>` | `POLLS`               | never          | retention after its last poll |
 *
 * Only the latest item carries the GSI attributes, so the indexes are sparse: history items never
 * show up in a listing, and each index holds exactly one entry per job.
 *
 * Listing indexes all share the sort key `gsiSk = <updatedAt UTC ISO>#<jobId>`: it sorts by time
 * (fixed-width ISO strings compare like instants), stays unique per job, and lets an
 * `updatedAt` range be a key condition on every index.
 *
 * Projection is ALL on every index. A listing returns whole jobs, so KEYS_ONLY would cost a
 * BatchGetItem after every page (double latency, and the batch could see a newer snapshot than
 * the index did). The price is write amplification — every stored change also writes four index
 * entries — which stays small because the store writes only on change, not on every poll.
 *
 * No listing partition takes every write. Each index's partition key is write-sharded:
 * `<value>#<shard>` (`ALL#07`, `RUNNING#07`, `avid-ctms#07`, `avid-main#07`), the shard a stable
 * hash of the job id ({@link listingShard}), so a job stays in its shard for life and a change is a
 * delete plus a put within one shard (for a status change, one shard of each status). One
 * partition takes at most 1,000 write units a second, GSIs included, and a throttled index
 * throttles the table. A realistic watch stores ~14 changes, and each moves the shared sort key,
 * so the `ALL` partition took 29 write units per job: 34 job starts (482 changes) a second for the
 * whole deployment. Shard counts, from the target of 1,000 starts and 10,000 changes a second
 * (`npm run bench -- --scale` counts it from these very items):
 *
 * - `allJobs` and `byStatus` take every change (the `RUNNING` shards nearly all): 32 shards would
 *   hold at most 1,100 starts a second even perfectly balanced (29/32 units per job per shard);
 *   64 hold 1,942 (27,000 changes) with the fleet's real hash imbalance (the hottest shard 13% over).
 * - `byVendor` and `byConnection`: one vendor, even one connection, may carry a whole deployment,
 *   so they get as many; fewer would make a single-vendor deployment the bottleneck again.
 *
 * The price is on the read side: a listing queries all 64 shards of its index (a couple of items
 * each, topped up where the merge needs more, `merged-listing.ts`): a page of 25 costs ~64
 * Queries (≥ 0.5 read unit each) instead of one. All shards share the `gsiSk` order, so one
 * boundary `gsiSk` resumes every shard: the cursor does not grow with the shard count. Changing
 * a shard count changes where existing latest items belong: they would have to be rewritten.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Table partition key: `JOB#<jobId>`. */
export const PARTITION_KEY = 'pk';
/** Table sort key: `LATEST` or `V#<version>`. */
export const SORT_KEY = 'sk';

export const JOB_PARTITION_PREFIX = 'JOB#';
export const LATEST_SORT_KEY = 'LATEST';
export const HISTORY_SORT_KEY_PREFIX = 'V#';
/**
 * The item holding a job's waiting task tokens (string set `tokens`). It sorts after every
 * `V#` key, so history queries (`BETWEEN V#1 AND V#n`) never meet it, and it carries no index
 * attribute, so listings never do either. ADD/DELETE on a set need no version: adding a waiter
 * never races the snapshot writes.
 */
export const WAITERS_SORT_KEY = 'WAITERS';
/**
 * The item counting a job's polls (`polls`, `lastPolledAt`, `nextPollAt`, `execution`): written
 * by every poll, one write unit and no index attribute, so the snapshots and their indexes stay
 * written on change only. Its expiry moves with each poll, so it outlives the job's last poll by
 * the retention. It sorts between `LATEST` and every `V#` key, outside the history range.
 */
export const POLLS_SORT_KEY = 'POLLS';
export const WAITER_TOKENS_ATTRIBUTE = 'tokens';
/** Version digits in a history sort key: 10 digits keep string order equal to numeric order. */
export const HISTORY_VERSION_DIGITS = 10;

/** Epoch seconds after which DynamoDB may delete the item. Set only on final jobs and their history. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** The sort key shared by every listing index: `<updatedAt UTC ISO>#<jobId>`. */
export const GSI_SORT_KEY = 'gsiSk';

/** Partition value of the all-jobs index before its shard suffix (see the note above). */
export const ALL_JOBS_PARTITION = 'ALL';

/** Write shards of the listing indexes (see the note above for how they were chosen). */
export const LISTING_SHARDS = 64;

export interface ListingIndex {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly projection: 'ALL';
  /** Write shards: partitions `<value>#00` … `<value>#<shards-1>`. */
  readonly shards: number;
}

/** The listing indexes, newest first by `updatedAt` within each partition. */
export const INDEXES = {
  /** Partition: the connection's name. */
  byConnection: {
    indexName: 'byConnection',
    partitionKey: 'gsiConnectionPk',
    sortKey: GSI_SORT_KEY,
    projection: 'ALL',
    shards: LISTING_SHARDS,
  },
  /** Partition: the vendor's name and a shard. */
  byVendor: {
    indexName: 'byVendor',
    partitionKey: 'gsiVendorPk',
    sortKey: GSI_SORT_KEY,
    projection: 'ALL',
    shards: LISTING_SHARDS,
  },
  /** Partition: the job's status and a shard. */
  byStatus: {
    indexName: 'byStatus',
    partitionKey: 'gsiStatusPk',
    sortKey: GSI_SORT_KEY,
    projection: 'ALL',
    shards: LISTING_SHARDS,
  },
  /** Partition: {@link ALL_JOBS_PARTITION} and a shard. */
  allJobs: {
    indexName: 'allJobs',
    partitionKey: 'gsiAllPk',
    sortKey: GSI_SORT_KEY,
    projection: 'ALL',
    shards: LISTING_SHARDS,
  },
} as const satisfies Record<string, ListingIndex>;

export type ListingIndexKey = keyof typeof INDEXES;

/** Every attribute the store adds to a job to place it in the table; none of them is a job field. */
export const STORAGE_ATTRIBUTES: readonly string[] = [
  PARTITION_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
  GSI_SORT_KEY,
  ...Object.values(INDEXES).map((index) => index.partitionKey),
];

/**
 * The partition key of a job's items.
 *
 * @example jobPartitionKey('jw-1f') // 'JOB#jw-1f'
 */
export function jobPartitionKey(jobId: string): string {
  return `${JOB_PARTITION_PREFIX}${jobId}`;
}

/**
 * The sort key of one history item.
 *
 * @example historySortKey(7) // 'V#0000000007'
 */
export function historySortKey(version: number): string {
  return `${HISTORY_SORT_KEY_PREFIX}${String(version).padStart(HISTORY_VERSION_DIGITS, '0')}`;
}

/**
 * An ISO timestamp in the one fixed-width UTC form (`toISOString`), so that string order is time
 * order whatever offset or precision the input used.
 *
 * @example canonicalTimestamp('2025-06-01T12:00:00+02:00') // '2025-06-01T10:00:00.000Z'
 */
export function canonicalTimestamp(iso: string): string {
  return new Date(iso).toISOString();
}

/**
 * The listing sort key of a job.
 *
 * @example listingSortKey('2025-06-01T10:00:00Z', 'jw-1f') // '2025-06-01T10:00:00.000Z#jw-1f'
 */
export function listingSortKey(updatedAt: string, jobId: string): string {
  return `${canonicalTimestamp(updatedAt)}#${jobId}`;
}

/**
 * The write shard of a job in an index of `shards` shards: FNV-1a of the job id, so it is stable
 * (a job never moves shard) and spread evenly over the derived, hash-like job ids.
 *
 * @example listingShard('jw-1f', 64) // a number in 0..63, the same on every call
 */
export function listingShard(jobId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(jobId, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % shards;
}

/**
 * One shard's partition value: `<value>#<shard, 2 digits>`.
 *
 * @example shardPartition('RUNNING', 7) // 'RUNNING#07'
 */
export function shardPartition(value: string, shard: number): string {
  return `${value}#${String(shard).padStart(2, '0')}`;
}

/**
 * The partition of a job in an index: its value in the shard of its job id.
 *
 * @example listingPartition(INDEXES.allJobs, 'ALL', 'jw-1f') // 'ALL#<shard>'
 */
export function listingPartition(index: ListingIndex, value: string, jobId: string): string {
  return shardPartition(value, listingShard(jobId, index.shards));
}

/**
 * Every shard partition of a value in an index, the ones a listing reads.
 *
 * @example listingPartitions(INDEXES.byStatus, 'FAILED').length // INDEXES.byStatus.shards
 */
export function listingPartitions(index: ListingIndex, value: string): string[] {
  return Array.from({ length: index.shards }, (_, shard) => shardPartition(value, shard));
}

/**
 * The table as the local stack creates it (on-demand billing). The CDK stack declares the same
 * keys and indexes from the constants above, and adds the TTL setting, which local DynamoDB
 * (dynalite) does not support.
 *
 * @example await client.send(new CreateTableCommand(createTableInput('jobwatch-jobs')));
 */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(INDEXES);
  const attributeNames = [
    PARTITION_KEY,
    SORT_KEY,
    GSI_SORT_KEY,
    ...indexes.map((index) => index.partitionKey),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: index.projection },
    })),
  };
}
