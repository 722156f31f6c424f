/*
 * The single conditional writes of the versioned-write protocol (`versioned-writes.ts` says how
 * they combine). Each answers false when its condition refused it, that is when it lost a race.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Job } from '../jobs/job.js';
import { FINAL_STATUSES, isFinal } from '../jobs/job-status.js';
import { expiresAt, historyItem, historyKey, latestItem, latestKey, plainData, toJob } from './job-item.js';
import { appliedUnlessRefused, type JobTable } from './job-table.js';
import { PARTITION_KEY } from './table-design.js';
import { stampHistoryExpiry } from './ttl-stamping.js';

/** The job table and the retention every versioned write stamps on a final job. */
export interface VersionedTable extends JobTable {
  /** Seconds a final job and its history are kept (TTL), counted from when it finished. */
  readonly retentionSeconds: number;
}

const FINAL_STATUS_VALUES: Record<string, string> = Object.fromEntries(
  [...FINAL_STATUSES].map((status, position) => [`:final${position}`, status]),
);
const NOT_FINAL_CONDITION = `NOT #status IN (${Object.keys(FINAL_STATUS_VALUES).join(', ')})`;

/**
 * Step 1: writes history `V#<job.version>`; false when that version is already someone's.
 *
 * @example if (await claimVersion(table, next)) await putLatest(table, next);
 */
export function claimVersion(table: VersionedTable, job: Job): Promise<boolean> {
  return appliedUnlessRefused(
    table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: historyItem(job, table.retentionSeconds),
        // Race: two writers computing the same next version. Exactly one may own it; the other
        // must not overwrite the owner's snapshot, and learns here that it lost.
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY },
      }),
    ),
  );
}

/**
 * Step 2: moves the latest item from version n-1 to `job` (version n); false when it is no longer
 * at n-1.
 *
 * @example const stored = await putLatest(table, next);
 */
export function putLatest(table: VersionedTable, job: Job): Promise<boolean> {
  return appliedUnlessRefused(
    table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: latestItem(job, table.retentionSeconds),
        ...(job.version === 1
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
    ),
  );
}

/**
 * Keeps the latest text of the current watch issue (and its count, last seen, retry time) on the
 * latest item, in place: no new version, no history entry, `updatedAt` and the listing keys
 * unchanged. History `V#n` keeps the issue as it was when version n was written, which is what
 * the history is for (the trouble's kind, and when it began). False when the job left version n.
 *
 * @example const kept = await refreshWatchIssue(table, checkedRefresh(current, result.job));
 */
export function refreshWatchIssue(table: VersionedTable, job: Job): Promise<boolean> {
  return appliedUnlessRefused(
    table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: latestKey(job.jobId),
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
    ),
  );
}

/**
 * Completes another writer's claimed `version`: its history item becomes latest, if still due.
 *
 * @example await rollForward(table, 'jw-1f', next.version);
 */
export async function rollForward(table: VersionedTable, jobId: string, version: number): Promise<void> {
  const { Item: item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: historyKey(jobId, version), ConsistentRead: true }),
  );
  if (!item) return;
  const claimed = toJob(item);
  if (isFinal(claimed.status)) {
    await stampHistoryExpiry(table, jobId, version - 1, expiresAt(claimed, table.retentionSeconds));
  }
  // False: the owner (or another roll-forward) got there first. Either way it is done.
  await putLatest(table, claimed);
}
