import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Job } from '../jobs/job.js';
import { latestKey, toJob } from './job-item.js';
import { CorruptJobItemError } from './store-errors.js';
import { jobPartitionKey, LATEST_SORT_KEY } from './table-design.js';

/** The job table as every part of the store reaches it. */
export interface JobTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

let sharedClient: DynamoDBDocumentClient | undefined;

/**
 * One document client per Lambda container, for its region, built on first use.
 *
 * @example const table = { client: defaultClient(), tableName: 'jobs' };
 */
export function defaultClient(): DynamoDBDocumentClient {
  sharedClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return sharedClient;
}

/**
 * Runs a conditional write: true when it was applied, false when its condition refused it (a
 * lost race, which the caller's protocol handles). Any other failure is thrown.
 *
 * @example const claimed = await appliedUnlessRefused(client.send(new PutCommand(input)));
 */
export async function appliedUnlessRefused(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** @example if (isConditionFailure(error)) throw new TooManyWaitersError(jobId, limit); */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The latest snapshot, or undefined. Strongly consistent: a caller sees its own writes.
 *
 * @example const job = await readLatest(table, 'jw-1f');
 */
export async function readLatest(table: JobTable, jobId: string): Promise<Job | undefined> {
  const { Item: item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: latestKey(jobId), ConsistentRead: true }),
  );
  return item ? toJob(item) : undefined;
}

/**
 * The latest snapshot's version alone (history reads stop there), or undefined.
 *
 * @throws CorruptJobItemError when the stored version is not a positive integer.
 * @example const through = await readLatestVersion(table, 'jw-1f');
 */
export async function readLatestVersion(table: JobTable, jobId: string): Promise<number | undefined> {
  const { Item: item } = await table.client.send(
    new GetCommand({
      TableName: table.tableName,
      Key: latestKey(jobId),
      ProjectionExpression: '#version',
      ExpressionAttributeNames: { '#version': 'version' },
      ConsistentRead: true,
    }),
  );
  if (!item) return undefined;
  const version = item.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new CorruptJobItemError(`${jobPartitionKey(jobId)}/${LATEST_SORT_KEY}`, ['version: not a version']);
  }
  return version;
}
