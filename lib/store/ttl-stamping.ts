import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { forEachLimited } from '../async/for-each-limited.js';
import { isConditionFailure, type JobTable } from './job-table.js';
import { historySortKey, jobPartitionKey, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './table-design.js';

/** UpdateItems in flight at once while one history is stamped. */
const STAMPING_CONCURRENCY = 8;

/**
 * Gives history versions 1..`throughVersion` the final job's expiry. Runs before a final
 * snapshot becomes latest (by its writer or by a roll-forward), so a final latest item implies a
 * fully stamped history even if a writer crashed mid-way; repeating it is harmless.
 *
 * @example await stampHistoryExpiry(table, 'jw-1f', current.version, expiresAt(next, retention));
 */
export async function stampHistoryExpiry(
  table: JobTable,
  jobId: string,
  throughVersion: number,
  expiresAt: number,
): Promise<void> {
  if (throughVersion < 1) return;
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const response = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
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
    await forEachLimited(response.Items ?? [], STAMPING_CONCURRENCY, (item) =>
      stampItem(table, item, expiresAt),
    );
    exclusiveStartKey = response.LastEvaluatedKey;
  } while (exclusiveStartKey);
}

async function stampItem(table: JobTable, item: Record<string, unknown>, expiresAt: number): Promise<void> {
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
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
}
