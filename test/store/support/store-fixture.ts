import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Job } from '../../../lib/jobs/job.js';
import type { TransitionResult } from '../../../lib/jobs/transitions.js';
import { DynamoJobStore, type DynamoJobStoreOptions } from '../../../lib/store/dynamo-job-store.js';
import { historySortKey, jobPartitionKey } from '../../../lib/store/table-design.js';
import {
  createLocalTable,
  type LocalDynamo,
  localDynamoClient,
  startDynalite,
} from '../../../local/dynalite.js';

export const CURSOR_SECRET = 'test-cursor-secret-0123456789';

/** Runs before a command is sent; may delay it (to stage a race) by returning a promise. */
export type SendHook = (commandName: string, input: Record<string, unknown>) => Promise<void> | void;

export interface RecordingClient {
  documentClient: DynamoDBDocumentClient;
  /** Every command sent, by its low-level name (`PutItemCommand`, `QueryCommand`, ...). */
  commands: string[];
  hooks: SendHook[];
}

/** One dynalite for a test file; a fresh table (and store) for each test. */
export class StoreFixture {
  #dynamo: LocalDynamo | undefined;
  #clients: DynamoDBClient[] = [];
  #recordings: RecordingClient[] = [];
  #tables = 0;

  async start(): Promise<void> {
    this.#dynamo = await startDynalite({ createTableMs: 0 });
  }

  async stop(): Promise<void> {
    for (const client of this.#clients) client.destroy();
    await this.#dynamo?.close();
  }

  /** A client that records the commands it sends and runs `hooks` before each. */
  client(): RecordingClient {
    if (!this.#dynamo) throw new Error('StoreFixture.start() first');
    const { client, documentClient } = localDynamoClient(this.#dynamo.endpoint);
    this.#clients.push(client);
    const recording: RecordingClient = { documentClient, commands: [], hooks: [] };
    this.#recordings.push(recording);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName);
        recording.commands.push(name);
        for (const hook of recording.hooks) await hook(name, args.input as Record<string, unknown>);
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    return recording;
  }

  /** Every command any of this fixture's clients sent. */
  commandsSent(): string[] {
    return this.#recordings.flatMap((recording) => recording.commands);
  }

  async freshTable(): Promise<string> {
    if (!this.#dynamo) throw new Error('StoreFixture.start() first');
    this.#tables += 1;
    const tableName = `jobs-${this.#tables}`;
    const { client } = localDynamoClient(this.#dynamo.endpoint);
    this.#clients.push(client);
    await createLocalTable(client, tableName);
    return tableName;
  }

  /** A store on a fresh table, with its recording client. */
  async freshStore(
    options: Partial<DynamoJobStoreOptions> = {},
  ): Promise<{ store: DynamoJobStore; tableName: string; recording: RecordingClient }> {
    const tableName = await this.freshTable();
    const recording = this.client();
    const store = new DynamoJobStore({
      tableName,
      client: recording.documentClient,
      cursorSecret: CURSOR_SECRET,
      ...options,
    });
    return { store, tableName, recording };
  }
}

export function newJob(overrides: Partial<Job> = {}): Job {
  return {
    jobId: 'jw-test-1',
    connection: 'avid-main',
    vendor: 'avid-ctms',
    reference: { commandId: 'cmd-1' },
    status: 'QUEUED',
    version: 1,
    createdAt: '2025-06-01T10:00:00.000Z',
    updatedAt: '2025-06-01T10:00:00.000Z',
    ...overrides,
  };
}

/** A transition that always changes something: progress goes up by one. */
export function bumpProgress(current: Job): TransitionResult {
  return {
    job: {
      ...current,
      status: 'RUNNING',
      progress: (current.progress ?? 0) + 1,
      version: current.version + 1,
      updatedAt: new Date(Date.parse(current.updatedAt) + 1000).toISOString(),
    },
    changed: true,
  };
}

/** A transition that sets `fields` (a change only if they differ). */
export function setFields(fields: Partial<Job>) {
  return (current: Job): TransitionResult => {
    const changed = Object.entries(fields).some(([key, value]) => current[key as keyof Job] !== value);
    if (!changed) return { job: current, changed: false };
    return {
      job: {
        ...current,
        ...fields,
        version: current.version + 1,
        updatedAt: fields.updatedAt ?? new Date(Date.parse(current.updatedAt) + 1000).toISOString(),
      },
      changed: true,
    };
  };
}

/** The raw history items of a job, read around the store. */
export async function rawHistory(
  client: DynamoDBDocumentClient,
  tableName: string,
  jobId: string,
): Promise<Record<string, unknown>[]> {
  const response = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': jobPartitionKey(jobId), ':prefix': 'V#' },
      ConsistentRead: true,
    }),
  );
  return response.Items ?? [];
}

/** Writes a history item as a writer would that crashed right after claiming its version. */
export async function putOrphanHistory(
  client: DynamoDBDocumentClient,
  tableName: string,
  job: Job,
): Promise<void> {
  await client.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...job, pk: jobPartitionKey(job.jobId), sk: historySortKey(job.version) },
    }),
  );
}

/** A gate a hook can wait on until the test opens it. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}
