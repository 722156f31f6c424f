import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../lib/jobs/errors.js';
import { historyFingerprint, historyQuery, isHistorySortKey } from '../../lib/store/history-plan.js';
import { latestItem } from '../../lib/store/job-item.js';
import { PageCursors, type StartKey } from '../../lib/store/page-cursor.js';
import {
  afterOf,
  collectPage,
  FILTERED_READ_FACTOR,
  jobPage,
  MAX_QUERY_ROUNDS,
  type PagedQuery,
  roundLimit,
} from '../../lib/store/paging.js';
import { CURSOR_SECRET, newJob } from './support/store-fixture.js';

const cursors = new PageCursors(CURSOR_SECRET);

/** An item with just its keys, `V#<n>`. */
function itemAt(position: number): Record<string, unknown> {
  return { pk: 'JOB#jw-1', sk: `V#${String(position).padStart(3, '0')}`, position };
}

interface QueryRound {
  items: Record<string, unknown>[];
  lastEvaluatedKey?: StartKey;
}

/** A client that answers each Query with the next canned round, and keeps what it was asked. */
function scriptedClient(rounds: readonly QueryRound[]): {
  client: DynamoDBDocumentClient;
  asked: Record<string, unknown>[];
} {
  const asked: Record<string, unknown>[] = [];
  const send = async (command: { input: Record<string, unknown> }) => {
    const round = rounds[asked.length] ?? { items: [] };
    asked.push(command.input);
    return {
      Items: round.items,
      ...(round.lastEvaluatedKey ? { LastEvaluatedKey: round.lastEvaluatedKey } : {}),
    };
  };
  return { client: { send } as unknown as DynamoDBDocumentClient, asked };
}

function pagedQuery(overrides: Partial<PagedQuery> = {}): PagedQuery {
  return {
    input: { TableName: 'jobs', KeyConditionExpression: '#pk = :pk' },
    limit: 3,
    sortKey: 'sk',
    ...overrides,
  };
}

describe('roundLimit', () => {
  it('asks for exactly what is missing without a filter', () => {
    expect(roundLimit(false, 26)).toBe(26);
  });

  it(`reads ${FILTERED_READ_FACTOR} times what is missing through a filter, up to 1,000`, () => {
    expect(roundLimit(true, 26)).toBe(26 * FILTERED_READ_FACTOR);
    expect(roundLimit(true, 400)).toBe(1000);
  });
});

describe('collectPage', () => {
  it('asks for one item more than the page, and cursors at the last item returned', async () => {
    // Prepare: DynamoDB read past the page; its LastEvaluatedKey lies beyond item 3.
    const { client, asked } = scriptedClient([
      { items: [1, 2, 3, 4].map(itemAt), lastEvaluatedKey: { pk: 'JOB#jw-1', sk: 'V#004' } },
    ]);

    // Act
    const page = await collectPage(client, pagedQuery());

    // Assess
    expect(asked[0]).toMatchObject({ Limit: 4 });
    expect(page.items.map((item) => item.position)).toEqual([1, 2, 3]);
    expect(page.after).toBe('V#003');
  });

  it('ends without a cursor when the results run out', async () => {
    // Prepare
    const { client } = scriptedClient([{ items: [1, 2].map(itemAt) }]);

    // Act
    const page = await collectPage(client, pagedQuery());

    // Assess
    expect(page).toEqual({ items: [itemAt(1), itemAt(2)] });
  });

  it('keeps reading short filtered rounds from where the last one stopped', async () => {
    // Prepare
    const { client, asked } = scriptedClient([
      { items: [itemAt(1)], lastEvaluatedKey: { pk: 'JOB#jw-1', sk: 'V#010' } },
      { items: [itemAt(11)] },
    ]);

    // Act
    const page = await collectPage(
      client,
      pagedQuery({
        input: { TableName: 'jobs', FilterExpression: '#status = :status0' },
        startKey: { pk: 'p', sk: 's' },
      }),
    );

    // Assess
    expect(asked.map((input) => [input.ExclusiveStartKey, input.Limit])).toEqual([
      [{ pk: 'p', sk: 's' }, 4 * FILTERED_READ_FACTOR],
      [{ pk: 'JOB#jw-1', sk: 'V#010' }, 3 * FILTERED_READ_FACTOR],
    ]);
    expect(page).toEqual({ items: [itemAt(1), itemAt(11)] });
  });

  it(`returns short after ${MAX_QUERY_ROUNDS} rounds, cursoring where DynamoDB stopped`, async () => {
    // Prepare: every round reads nothing that matches.
    const rounds = Array.from({ length: MAX_QUERY_ROUNDS + 1 }, (_, round) => ({
      items: [],
      lastEvaluatedKey: { pk: 'JOB#jw-1', sk: `V#${round}` },
    }));
    const { client, asked } = scriptedClient(rounds);

    // Act
    const page = await collectPage(
      client,
      pagedQuery({ input: { TableName: 'jobs', FilterExpression: 'f' } }),
    );

    // Assess
    expect(asked).toHaveLength(MAX_QUERY_ROUNDS);
    expect(page).toEqual({ items: [], after: `V#${MAX_QUERY_ROUNDS - 1}` });
  });

  it('refuses a key attribute that is missing or not a string', async () => {
    // Prepare
    const { client } = scriptedClient([
      { items: [1, 2, 3, 4].map((position) => ({ pk: 'p', sk: position })) },
    ]);

    // Act
    const collecting = collectPage(client, pagedQuery());

    // Assess
    await expect(collecting).rejects.toThrow('Listed item lacks its key attribute sk');
  });
});

describe('afterOf and jobPage', () => {
  it('starts at the beginning without a cursor, and where the last page ended with one', () => {
    // Prepare
    const job = newJob();
    const page = jobPage({ items: [latestItem(job, 0)], after: 'V#0000000003' }, cursors, 'fp');

    // Act
    const first = afterOf(cursors, undefined, 'fp', () => true);
    const next = afterOf(cursors, page.next, 'fp', () => true);

    // Assess
    expect(page.items).toEqual([job]);
    expect(first).toBeUndefined();
    expect(next).toBe('V#0000000003');
  });

  it('gives no cursor for the last page', () => {
    expect(jobPage({ items: [] }, cursors, 'fp')).toEqual({ items: [] });
  });

  it('refuses a cursor of this query whose boundary is not a key of what it reads', () => {
    // Prepare
    const cursor = cursors.encode('fp', 'JOB#jw-other');

    // Act
    const starting = () => afterOf(cursors, cursor, 'fp', isHistorySortKey);

    // Assess
    expect(starting).toThrow(InvalidInputError);
    expect(starting).toThrow('cursor is malformed');
  });
});

describe('historyQuery', () => {
  it('reads V#1 through the latest version, oldest first, consistently', () => {
    // Act
    const query = historyQuery('jobs', 'jw-1f', 12, undefined, undefined);

    // Assess
    expect(query.input).toMatchObject({
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :first AND :last',
      ExpressionAttributeValues: { ':pk': 'JOB#jw-1f', ':first': 'V#0000000001', ':last': 'V#0000000012' },
      ScanIndexForward: true,
      ConsistentRead: true,
    });
    expect(query.input.IndexName).toBeUndefined();
    expect(query.limit).toBe(25);
    expect(query.sortKey).toBe('sk');
  });

  it('binds cursors to one job', () => {
    expect(historyFingerprint('jw-a')).not.toBe(historyFingerprint('jw-b'));
    expect(historyFingerprint('jw-a')).toBe(historyFingerprint('jw-a'));
  });
});

describe('isHistorySortKey', () => {
  it('takes V# and exactly ten digits, nothing else', () => {
    expect(isHistorySortKey('V#0000000007')).toBe(true);
    for (const other of [
      'V#000000007',
      'V#00000000070',
      'V#000000000x',
      'LATEST',
      'X#0000000007',
      'V#-000000007',
    ]) {
      expect(isHistorySortKey(other)).toBe(false);
    }
  });
});
