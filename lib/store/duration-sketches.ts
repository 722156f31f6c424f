import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { defaultClient } from './job-table.js';
import { PARTITION_KEY, SORT_KEY } from './table-design.js';

/** A learned-durations sketch as stored (the model's shape, lib/polling/duration-model.ts). */
export interface StoredSketch {
  endings: number;
  weights: number[];
}

/** One item per connection and job kind, beside the jobs, with none of their index attributes. */
const SORT_VALUE = 'MODEL';
/** Concurrent endings of one connection rarely collide more than a few times in a row. */
const MAX_ATTEMPTS = 6;

export class SketchWriteConflictError extends Error {
  constructor(key: string, options?: { cause?: unknown }) {
    super(`The duration sketch ${key} kept changing under ${MAX_ATTEMPTS} writes`, options);
    this.name = 'SketchWriteConflictError';
  }
}

/**
 * Learned-duration sketches in the jobs table: `pk = MODEL#<connection>#<kind>`, `sk = MODEL`,
 * the sketch and a revision. Small (a few hundred bytes), written once per ending, read once per
 * container and connection within the cache of its caller. Carries no GSI attribute, so no index
 * write, and no TTL: a connection's experience outlives its jobs.
 *
 * @example await new DynamoDurationSketches({ tableName }).update('avid', '*', (current) => next)
 */
export class DynamoDurationSketches {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { tableName: string; client?: DynamoDBDocumentClient }) {
    this.tableName = options.tableName;
    this.client = options.client ?? defaultClient();
  }

  async get(connection: string, kind: string): Promise<StoredSketch | undefined> {
    return (await this.read(keyOf(connection, kind)))?.sketch;
  }

  /** Replaces the sketch by `next(current)`; a concurrent writer makes it read and try again. */
  async update(
    connection: string,
    kind: string,
    next: (current: StoredSketch | undefined) => StoredSketch,
  ): Promise<void> {
    const key = keyOf(connection, kind);
    let lastConflict: unknown;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const current = await this.read(key);
      const sketch = next(current?.sketch);
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              endings: sketch.endings,
              weights: sketch.weights,
              revision: (current?.revision ?? 0) + 1,
            },
            // Two endings of the same connection at once: each read the same revision, only the
            // first write may land, the other re-reads — no ending is lost to a blind overwrite.
            ConditionExpression: current ? '#revision = :revision' : 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: current ? { '#revision': 'revision' } : { '#pk': PARTITION_KEY },
            ...(current ? { ExpressionAttributeValues: { ':revision': current.revision } } : {}),
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
        lastConflict = error;
      }
    }
    throw new SketchWriteConflictError(`MODEL#${connection}#${kind}`, { cause: lastConflict });
  }

  private async read(
    key: Record<string, string>,
  ): Promise<{ sketch: StoredSketch; revision: number } | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    if (!item) return undefined;
    const weights = Array.isArray(item.weights) ? item.weights.map(Number) : [];
    return {
      sketch: { endings: Number(item.endings) || 0, weights },
      revision: Number(item.revision) || 0,
    };
  }
}

function keyOf(connection: string, kind: string): Record<string, string> {
  return { [PARTITION_KEY]: `MODEL#${connection}#${kind}`, [SORT_KEY]: SORT_VALUE };
}
