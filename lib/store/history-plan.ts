import { DEFAULT_PAGE_SIZE } from './list-query.js';
import { queryFingerprint, type StartKey } from './page-cursor.js';
import type { PagedQuery } from './paging.js';
import { historySortKey, jobPartitionKey, PARTITION_KEY, SORT_KEY } from './table-design.js';

/**
 * What a history cursor is bound to: the job, and nothing else (the page size may change).
 *
 * @example historyFingerprint('jw-1f')
 */
export function historyFingerprint(jobId: string): string {
  return queryFingerprint(['history', jobId]);
}

/**
 * The read of one job's history, oldest first, from `V#1` through `throughVersion` — the latest
 * item's version, so a version still being written (claimed, not yet latest) is not listed.
 *
 * @example collectPage(client, historyQuery('jobs', 'jw-1f', 12, 50, undefined))
 */
export function historyQuery(
  tableName: string,
  jobId: string,
  throughVersion: number,
  limit: number | undefined,
  startKey: StartKey | undefined,
): PagedQuery {
  return {
    input: {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :first AND :last',
      ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
      ExpressionAttributeValues: {
        ':pk': jobPartitionKey(jobId),
        ':first': historySortKey(1),
        ':last': historySortKey(throughVersion),
      },
      ScanIndexForward: true,
      ConsistentRead: true,
    },
    limit: limit ?? DEFAULT_PAGE_SIZE,
    startKey,
    keyAttributes: [PARTITION_KEY, SORT_KEY],
  };
}
