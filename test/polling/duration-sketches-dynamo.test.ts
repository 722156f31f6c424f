import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MIN_ENDINGS,
  nextLearnedDelay,
  SketchBackedDurationStore,
} from '../../lib/polling/duration-model.js';
import { DynamoDurationSketches } from '../../lib/store/duration-sketches.js';
import {
  createLocalTable,
  type LocalDynamo,
  localDynamoClient,
  startDynalite,
} from '../../local/dynalite.js';

let dynamo: LocalDynamo;
let clients: ReturnType<typeof localDynamoClient>;
const tableName = 'duration-sketches';

beforeAll(async () => {
  dynamo = await startDynalite({ createTableMs: 0 });
  clients = localDynamoClient(dynamo.endpoint);
  await createLocalTable(clients.client, tableName);
});
afterAll(async () => {
  clients.client.destroy();
  await dynamo.close();
});

describe('DynamoDurationSketches over dynalite', () => {
  it('keeps every ending when many of one connection end at once', async () => {
    // Prepare
    const table = new DynamoDurationSketches({ tableName, client: clients.documentClient });
    const store = new SketchBackedDurationStore(table);

    // Act: five endings race for the same item
    await Promise.all([60, 120, 180, 240, 300].map((seconds) => store.record('avid', '*', seconds)));

    // Assess: the conditional write made the losers re-read, none was overwritten
    expect((await table.get('avid', '*'))?.endings).toBe(5);
  });

  it('serves reads from its cache, and a record of its own refreshes it', async () => {
    // Prepare
    let now = 0;
    const table = new DynamoDurationSketches({ tableName, client: clients.documentClient });
    const store = new SketchBackedDurationStore(table, { cacheMs: 60_000, now: () => now });
    const other = new SketchBackedDurationStore(table);
    expect(await store.get('cinegy', '*')).toBeUndefined();

    // Act: another container learns; this one's cache still says nothing, then expires
    for (let index = 0; index < MIN_ENDINGS; index += 1) await other.record('cinegy', '*', 1200);
    const cached = await store.get('cinegy', '*');
    now = 61_000;
    const fresh = await store.get('cinegy', '*');

    // Assess
    expect(cached).toBeUndefined();
    expect(fresh?.endings).toBe(MIN_ENDINGS);
    expect(
      nextLearnedDelay(fresh ?? { endings: 0, weights: [] }, 300, {
        boundSeconds: 90,
        minSeconds: 15,
        maxSeconds: 600,
      }),
    ).toBe(600);
  });

  it('keeps each kind in an item of its own, with no index attributes', async () => {
    const table = new DynamoDurationSketches({ tableName, client: clients.documentClient });
    await table.update('okast', 'ingest', () => ({ endings: 1, weights: [1] }));
    const scan = await clients.client.send(
      new (await import('@aws-sdk/client-dynamodb')).ScanCommand({ TableName: tableName }),
    );
    const item = scan.Items?.find((entry) => entry.pk?.S === 'MODEL#okast#ingest');
    expect(Object.keys(item ?? {}).sort()).toEqual(['endings', 'pk', 'revision', 'sk', 'weights']);
  });
});
