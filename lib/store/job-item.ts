import { type Job, JobSchema } from '../jobs/job.js';
import { isFinal } from '../jobs/job-status.js';
import { CorruptJobItemError } from './store-errors.js';
import {
  ALL_JOBS_PARTITION,
  GSI_SORT_KEY,
  historySortKey,
  INDEXES,
  jobPartitionKey,
  LATEST_SORT_KEY,
  listingPartition,
  listingSortKey,
  PARTITION_KEY,
  POLLS_SORT_KEY,
  SORT_KEY,
  STORAGE_ATTRIBUTES,
  TTL_ATTRIBUTE,
  WAITERS_SORT_KEY,
} from './table-design.js';

/** One DynamoDB item as the document client reads and writes it. */
export type Item = Record<string, unknown>;

/** The table key of one item: partition and sort key. */
export type ItemKey = Record<string, string>;

const SECONDS_PER_DAY = 86_400;

/**
 * How long a final job and its history are kept, in seconds.
 *
 * @example retentionSeconds(90) // 7_776_000
 */
export function retentionSeconds(retentionDays: number): number {
  return retentionDays * SECONDS_PER_DAY;
}

/**
 * Epoch seconds; derived from the snapshot alone so every writer computes the same value.
 *
 * @example expiresAt(finalJob, retentionSeconds(90))
 */
export function expiresAt(job: Job, retention: number): number {
  return Math.floor(Date.parse(job.finishedAt ?? job.updatedAt) / 1000) + retention;
}

function expiry(job: Job, retention: number): Item {
  return isFinal(job.status) ? { [TTL_ATTRIBUTE]: expiresAt(job, retention) } : {};
}

/** @example latestKey('jw-1f') // { pk: 'JOB#jw-1f', sk: 'LATEST' } */
export function latestKey(jobId: string): ItemKey {
  return { [PARTITION_KEY]: jobPartitionKey(jobId), [SORT_KEY]: LATEST_SORT_KEY };
}

/** @example historyKey('jw-1f', 7) // { pk: 'JOB#jw-1f', sk: 'V#0000000007' } */
export function historyKey(jobId: string, version: number): ItemKey {
  return { [PARTITION_KEY]: jobPartitionKey(jobId), [SORT_KEY]: historySortKey(version) };
}

/** @example pollsKey('jw-1f') // { pk: 'JOB#jw-1f', sk: 'POLLS' } */
export function pollsKey(jobId: string): ItemKey {
  return { [PARTITION_KEY]: jobPartitionKey(jobId), [SORT_KEY]: POLLS_SORT_KEY };
}

/** @example waitersKey('jw-1f') // { pk: 'JOB#jw-1f', sk: 'WAITERS' } */
export function waitersKey(jobId: string): ItemKey {
  return { [PARTITION_KEY]: jobPartitionKey(jobId), [SORT_KEY]: WAITERS_SORT_KEY };
}

/**
 * History `V#<version>`: the snapshot and its keys, no index attribute (so listings never see it),
 * and the expiry once the job is final.
 *
 * @example await client.send(new PutCommand({ TableName, Item: historyItem(job, retention) }));
 */
export function historyItem(job: Job, retention: number): Item {
  return { ...plainData(job), ...historyKey(job.jobId, job.version), ...expiry(job, retention) };
}

/**
 * The latest snapshot: the job, its keys, its write shard of every listing index, and the expiry
 * once the job is final.
 *
 * @example await client.send(new PutCommand({ TableName, Item: latestItem(job, retention) }));
 */
export function latestItem(job: Job, retention: number): Item {
  return {
    ...plainData(job),
    ...latestKey(job.jobId),
    [GSI_SORT_KEY]: listingSortKey(job.updatedAt, job.jobId),
    [INDEXES.byConnection.partitionKey]: listingPartition(INDEXES.byConnection, job.connection, job.jobId),
    [INDEXES.byVendor.partitionKey]: listingPartition(INDEXES.byVendor, job.vendor, job.jobId),
    [INDEXES.byStatus.partitionKey]: listingPartition(INDEXES.byStatus, job.status, job.jobId),
    [INDEXES.allJobs.partitionKey]: listingPartition(INDEXES.allJobs, ALL_JOBS_PARTITION, job.jobId),
    ...expiry(job, retention),
  };
}

/**
 * A stored item as a job: storage attributes dropped, shape checked.
 *
 * @throws CorruptJobItemError naming the item and the failing fields (never their values).
 * @example const job = toJob(response.Item);
 */
export function toJob(item: Item): Job {
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
 *
 * @example plainData(job).watchIssue
 */
export function plainData(job: Job): Item {
  return JSON.parse(JSON.stringify(job)) as Item;
}
