/**
 * DynamoDB for the local stack: dynalite running in this process, on a random loopback port,
 * in memory unless a data directory is given. The store talks to it through the real AWS SDK.
 */
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { createTableInput } from '../lib/store/table-design.js';

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Stops the server and closes its database. */
  close(): Promise<void>;
}

export interface StartDynaliteOptions {
  /** Keep the data on disk in this directory (LevelDB); in memory when absent. */
  dataDir?: string;
  /**
   * How long a new table stays CREATING, in ms (dynalite's default 500). Tests that create a
   * table per test pass 0; {@link createLocalTable} waits for ACTIVE either way.
   */
  createTableMs?: number;
}

/**
 * Starts dynalite on 127.0.0.1 with a port the OS picks.
 *
 * @example
 * const dynamo = await startDynalite();
 * const { client, documentClient } = localDynamoClient(dynamo.endpoint);
 * await createLocalTable(client, 'jobs');
 * // ...
 * await dynamo.close();
 */
export async function startDynalite(options: StartDynaliteOptions = {}): Promise<LocalDynamo> {
  const server = dynalite({
    ...(options.dataDir !== undefined ? { path: options.dataDir } : {}),
    ...(options.createTableMs !== undefined ? { createTableMs: options.createTableMs } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; idle ones would hold the server open.
        server.closeIdleConnections();
      }),
  };
}

export interface LocalDynamoClients {
  client: DynamoDBClient;
  /** Marshals plain objects; drops `undefined` values as the store expects. */
  documentClient: DynamoDBDocumentClient;
}

/**
 * SDK clients for a local endpoint. Credentials are fixed dummies, never read from the
 * environment: a local run must not pick up (or need) real AWS credentials.
 *
 * @example const { documentClient } = localDynamoClient('http://127.0.0.1:4567');
 */
export function localDynamoClient(endpoint: string): LocalDynamoClients {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { client, documentClient };
}

/**
 * Creates the job table from the shared table design (if it does not exist yet) and waits until
 * the table and all its indexes are ACTIVE.
 *
 * @example await createLocalTable(client, 'jobwatch-jobs');
 */
export async function createLocalTable(
  client: DynamoDBClient,
  tableName: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    // An on-disk store keeps its table between runs.
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const { Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) throw new Error(`Local table ${tableName} did not become ACTIVE in time`);
    await sleep(20);
  }
}
