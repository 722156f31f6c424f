import { DEFAULT_PAGE_SIZE } from './list-query.js';
import { queryFingerprint } from './page-cursor.js';
import type { PagedQuery } from './paging.js';
import {
  HISTORY_SORT_KEY_PREFIX,
  HISTORY_VERSION_DIGITS,
  historySortKey,
  jobPartitionKey,
  PARTITION_KEY,
  SORT_KEY,
} from './table-design.js';

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
  after: string | undefined,
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
    startKey:
      after === undefined ? undefined : { [PARTITION_KEY]: jobPartitionKey(jobId), [SORT_KEY]: after },
    sortKey: SORT_KEY,
  };
}

/**
 * Whether a cursor's boundary is a history sort key (`V#` and its 10 digits).
 *
 * @example isHistorySortKey('V#0000000007') // true
 */
export function isHistorySortKey(after: string): boolean {
  // Checked by hand rather than with a RegExp built at run time (the regex inventory refuses those).
  const digits = after.slice(HISTORY_SORT_KEY_PREFIX.length);
  return (
    after.startsWith(HISTORY_SORT_KEY_PREFIX) &&
    digits.length === HISTORY_VERSION_DIGITS &&
    [...digits].every((digit) => digit >= '0' && digit <= '9')
  );
}
