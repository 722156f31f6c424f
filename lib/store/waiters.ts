/*
 * A job's waiting task tokens, kept in one string set item beside the snapshots (`WAITERS`):
 * adding or removing one makes no version, so it never races a snapshot write.
 */
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../jobs/errors.js';
import { waitersKey } from './job-item.js';
import { MAX_WAITERS_PER_JOB } from './job-store.js';
import { appliedUnlessRefused, isConditionFailure, type JobTable } from './job-table.js';
import { TooManyWaitersError } from './store-errors.js';
import { PARTITION_KEY, WAITER_TOKENS_ATTRIBUTE } from './table-design.js';

/**
 * Adds a task token to the job's waiters item (a string set): one conditional UpdateItem, no
 * version, so it never races a snapshot write. A token already there is a no-op, even at the cap.
 *
 * @throws TooManyWaitersError when {@link MAX_WAITERS_PER_JOB} other tokens are waiting.
 * @example await addWaiter(table, 'jw-1f', taskToken);
 */
export async function addWaiter(table: JobTable, jobId: string, taskToken: string): Promise<void> {
  if (!taskToken) throw new InvalidInputError('A task token is required', ['taskToken']);
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: waitersKey(jobId),
        UpdateExpression: 'ADD #tokens :token',
        // Race: many callers adding at once. The size check is evaluated on the item as it is at
        // the write, so the cap holds however they interleave.
        ConditionExpression:
          'attribute_not_exists(#tokens) OR size(#tokens) < :max OR contains(#tokens, :one)',
        ExpressionAttributeNames: { '#tokens': WAITER_TOKENS_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':token': new Set([taskToken]),
          ':one': taskToken,
          ':max': MAX_WAITERS_PER_JOB,
        },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw new TooManyWaitersError(jobId, MAX_WAITERS_PER_JOB);
    throw error;
  }
}

/**
 * The tokens waiting on a job, sorted; strongly consistent, empty when none.
 *
 * @example const tokens = await readWaiters(table, 'jw-1f');
 */
export async function readWaiters(table: JobTable, jobId: string): Promise<string[]> {
  const { Item: item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: waitersKey(jobId), ConsistentRead: true }),
  );
  const tokens = item?.[WAITER_TOKENS_ATTRIBUTE];
  return tokens instanceof Set ? [...tokens].filter((token) => typeof token === 'string').sort() : [];
}

/**
 * Deletes tokens from the set; when none is left the item goes too (only if still empty, so a
 * waiter added meanwhile stays).
 *
 * @example await removeWaiters(table, 'jw-1f', [taskToken]);
 */
export async function removeWaiters(
  table: JobTable,
  jobId: string,
  taskTokens: readonly string[],
): Promise<void> {
  const tokens = [...new Set(taskTokens.filter(Boolean))];
  if (tokens.length === 0) return;
  const left = await deleteTokens(table, jobId, tokens);
  if (left === undefined || left > 0) return;
  await appliedUnlessRefused(
    table.client.send(
      new DeleteCommand({
        TableName: table.tableName,
        Key: waitersKey(jobId),
        // Race: a waiter added between the update and this delete must not be lost.
        ConditionExpression: 'attribute_not_exists(#tokens)',
        ExpressionAttributeNames: { '#tokens': WAITER_TOKENS_ATTRIBUTE },
      }),
    ),
  );
}

/** How many tokens are left after deleting `tokens`; undefined when the job has no waiters item. */
async function deleteTokens(
  table: JobTable,
  jobId: string,
  tokens: readonly string[],
): Promise<number | undefined> {
  try {
    const { Attributes: attributes } = await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: waitersKey(jobId),
        UpdateExpression: 'DELETE #tokens :tokens',
        // Never create an item only to delete from it.
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#tokens': WAITER_TOKENS_ATTRIBUTE, '#pk': PARTITION_KEY },
        ExpressionAttributeValues: { ':tokens': new Set(tokens) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const remaining: unknown = attributes?.[WAITER_TOKENS_ATTRIBUTE];
    return remaining instanceof Set ? remaining.size : 0;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}
