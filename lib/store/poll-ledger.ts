/*
 * A job's poll ledger (`POLLS`): how many polls its watch made, the last one and the next one
 * planned. Written by every poll as one UpdateItem with no version and no index attribute, so
 * snapshots, their history and the listing indexes are still written on change only.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { pollsKey } from './job-item.js';
import type { PollLedger, PollRecord } from './job-store.js';
import { TTL_ATTRIBUTE } from './table-design.js';
import type { VersionedTable } from './version-steps.js';

/**
 * Counts one poll and sets what it saw: `polls` goes up by one (ADD, so racing executions both
 * count), the rest is this poll's. No `nextPollAt` means none is planned (the job ended).
 *
 * @example await recordPoll(table, 'jw-1f', { execution: { name: 'jw-1f' }, at: '2026-12-03T08:00:00.000Z', nextPollAt: '2026-12-03T08:05:00.000Z' });
 */
export async function recordPoll(table: VersionedTable, jobId: string, poll: PollRecord): Promise<void> {
  const expiresAt = Math.floor(Date.parse(poll.at) / 1000) + table.retentionSeconds;
  const set = ['#execution = :execution', '#lastPolledAt = :at', '#expiresAt = :expiresAt'];
  if (poll.nextPollAt) set.push('#nextPollAt = :next');
  await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: pollsKey(jobId),
      UpdateExpression: `SET ${set.join(', ')}${poll.nextPollAt ? '' : ' REMOVE #nextPollAt'} ADD #polls :one`,
      ExpressionAttributeNames: {
        '#execution': 'execution',
        '#lastPolledAt': 'lastPolledAt',
        '#nextPollAt': 'nextPollAt',
        '#expiresAt': TTL_ATTRIBUTE,
        '#polls': 'polls',
      },
      ExpressionAttributeValues: {
        ':execution': poll.execution,
        ':at': poll.at,
        ':expiresAt': expiresAt,
        ':one': 1,
        ...(poll.nextPollAt ? { ':next': poll.nextPollAt } : {}),
      },
    }),
  );
}

/** The ledger as stored, or undefined before the first poll. Strongly consistent. */
export async function readPollLedger(table: VersionedTable, jobId: string): Promise<PollLedger | undefined> {
  const { Item: item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: pollsKey(jobId), ConsistentRead: true }),
  );
  if (!item || typeof item.polls !== 'number' || typeof item.lastPolledAt !== 'string') return undefined;
  const execution = item.execution as PollLedger['execution'];
  return {
    polls: item.polls,
    lastPolledAt: item.lastPolledAt,
    execution: { name: execution.name, ...(execution.arn ? { arn: execution.arn } : {}) },
    ...(typeof item.nextPollAt === 'string' ? { nextPollAt: item.nextPollAt } : {}),
  };
}
