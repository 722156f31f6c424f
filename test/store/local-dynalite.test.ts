import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoJobStore } from '../../lib/store/dynamo-job-store.js';
import { createLocalTable, localDynamoClient, startDynalite } from '../../local/dynalite.js';
import { CURSOR_SECRET, newJob } from './support/store-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('local dynalite', () => {
  it('listens on a random loopback port', async () => {
    // Act
    const first = await startDynalite();
    cleanups.push(first.close);
    const second = await startDynalite();
    cleanups.push(second.close);

    // Assess
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(second.endpoint).not.toBe(first.endpoint);
  });

  it('signs with dummy credentials, never with the environment’s', async () => {
    // Prepare
    const previous = process.env.AWS_ACCESS_KEY_ID;
    process.env.AWS_ACCESS_KEY_ID = 'AKIA-FROM-ENVIRONMENT';
    cleanups.push(async () => {
      if (previous === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = previous;
    });

    // Act
    const { client } = localDynamoClient('http://127.0.0.1:1');
    const credentials = await client.config.credentials();
    client.destroy();

    // Assess
    expect(credentials.accessKeyId).toBe('local');
    expect(await client.config.region()).toBe('local');
  });

  it('keeps jobs on disk across restarts, and creating the table again is harmless', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'jobwatch-dynalite-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const before = await startDynalite({ dataDir, createTableMs: 0 });
    const writer = localDynamoClient(before.endpoint);
    await createLocalTable(writer.client, 'jobs');
    await new DynamoJobStore({
      tableName: 'jobs',
      client: writer.documentClient,
      cursorSecret: CURSOR_SECRET,
    }).createJob(newJob());
    writer.client.destroy();
    await before.close();

    // Act
    const after = await startDynalite({ dataDir });
    cleanups.push(after.close);
    const reader = localDynamoClient(after.endpoint);
    cleanups.push(async () => reader.client.destroy());
    await createLocalTable(reader.client, 'jobs');
    const job = await new DynamoJobStore({
      tableName: 'jobs',
      client: reader.documentClient,
      cursorSecret: CURSOR_SECRET,
    }).getJob('jw-test-1');

    // Assess
    expect(job).toEqual(newJob());
  });

  it('waits until a slowly created table is active', async () => {
    // Prepare
    const dynamo = await startDynalite({ createTableMs: 300 });
    cleanups.push(dynamo.close);
    const { client, documentClient } = localDynamoClient(dynamo.endpoint);
    cleanups.push(async () => client.destroy());

    // Act
    await createLocalTable(client, 'jobs');
    const created = await new DynamoJobStore({
      tableName: 'jobs',
      client: documentClient,
      cursorSecret: CURSOR_SECRET,
    }).createJob(newJob());

    // Assess
    expect(created.created).toBe(true);
  });
});
