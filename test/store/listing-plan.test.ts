import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../lib/jobs/errors.js';
import { VENDORS } from '../../lib/jobs/job.js';
import { JOB_STATUSES, type JobStatus } from '../../lib/jobs/job-status.js';
import type { ListJobsQuery } from '../../lib/store/job-store.js';
import { type CheckedListJobsQuery, checkListJobsQuery } from '../../lib/store/list-query.js';
import { type ListingPlan, listingQuery, planListing } from '../../lib/store/listing-plan.js';
import { INDEXES } from '../../lib/store/table-design.js';

/** The plan of a query as a caller would send it (checked first, as the store does). */
function plan(query: ListJobsQuery): ListingPlan {
  return planListing(checkListJobsQuery(query));
}

/** Every `#name` and `:value` placeholder an expression uses. */
function placeholders(expression: string | undefined, sigil: '#' | ':'): string[] {
  const pattern = sigil === '#' ? /#[A-Za-z0-9]+/g : /:[A-Za-z0-9]+/g;
  return [...new Set(expression?.match(pattern) ?? [])].sort();
}

describe('planListing: which index', () => {
  it('reads the all-jobs index, unfiltered, when the query selects nothing', () => {
    // Act
    const result = plan({});

    // Assess
    expect(result).toMatchObject({
      index: { indexName: 'allJobs' },
      partitionValue: 'ALL',
      keyCondition: '#pk = :pk',
      names: { '#pk': 'gsiAllPk' },
      values: {},
    });
    expect(result.partitions).toEqual(
      Array.from({ length: INDEXES.allJobs.shards }, (_, shard) => `ALL#${String(shard).padStart(2, '0')}`),
    );
    expect(result.filter).toBeUndefined();
  });

  it('reads the status index for one status, with no filter left over', () => {
    // Act
    const result = plan({ statuses: ['FAILED'] });

    // Assess
    expect(result.index.indexName).toBe('byStatus');
    expect(result.partitionValue).toBe('FAILED');
    expect(result.names).toEqual({ '#pk': 'gsiStatusPk' });
    expect(result.filter).toBeUndefined();
  });

  it('counts a status named twice as one status', () => {
    // Act
    const result = plan({ statuses: ['LOST', 'LOST'] });

    // Assess
    expect(result.index.indexName).toBe('byStatus');
    expect(result.partitionValue).toBe('LOST');
  });

  it('filters several statuses on the all-jobs index, in a stable order', () => {
    // Act
    const result = plan({ statuses: ['SUCCEEDED', 'FAILED', 'QUEUED'] });

    // Assess
    expect(result.index.indexName).toBe('allJobs');
    expect(result.filter).toBe('#status IN (:status0, :status1, :status2)');
    expect(result.values).toMatchObject({
      ':status0': 'FAILED',
      ':status1': 'QUEUED',
      ':status2': 'SUCCEEDED',
    });
  });

  it('prefers the vendor index over a status, and filters the status', () => {
    // Act
    const result = plan({ vendor: 'okast', statuses: ['RUNNING'] });

    // Assess
    expect(result.index.indexName).toBe('byVendor');
    expect(result.partitionValue).toBe('okast');
    expect(result.filter).toBe('#status = :status0');
    expect(result.values[':status0']).toBe('RUNNING');
  });

  it('prefers the connection index over everything, and filters vendor and statuses', () => {
    // Act
    const result = plan({ connection: 'avid-main', vendor: 'avid-ctms', statuses: ['RUNNING', 'QUEUED'] });

    // Assess
    expect(result.index.indexName).toBe('byConnection');
    expect(result.partitionValue).toBe('avid-main');
    expect(result.filter).toBe('#status IN (:status0, :status1) AND #vendor = :vendor');
    expect(result.names).toEqual({ '#pk': 'gsiConnectionPk', '#status': 'status', '#vendor': 'vendor' });
    expect(result.partitions[0]).toBe('avid-main#00');
    expect(result.values).toEqual({
      ':status0': 'QUEUED',
      ':status1': 'RUNNING',
      ':vendor': 'avid-ctms',
    });
  });

  it('needs no vendor filter on the vendor index itself', () => {
    // Act
    const result = plan({ vendor: 'cinegy-pcs' });

    // Assess
    expect(result.filter).toBeUndefined();
    expect(result.names).toEqual({ '#pk': 'gsiVendorPk' });
  });
});

describe('planListing: the updatedAt range', () => {
  it('bounds both ends inclusively, as a key condition in canonical UTC', () => {
    // Act
    const result = plan({
      statuses: ['RUNNING'],
      updatedSince: '2025-06-01T12:00:00+02:00',
      updatedUntil: '2025-06-02T00:00:00Z',
    });

    // Assess: `#` sorts before every `<time>#<jobId>` key at that time, `$` after every one.
    expect(result.keyCondition).toBe('#pk = :pk AND #sk BETWEEN :since AND :until');
    expect(result.names['#sk']).toBe('gsiSk');
    expect(result.values[':since']).toBe('2025-06-01T10:00:00.000Z#');
    expect(result.values[':until']).toBe('2025-06-02T00:00:00.000Z$');
    expect(result.filter).toBeUndefined();
  });

  it('accepts a range open on either side', () => {
    // Act
    const since = plan({ updatedSince: '2025-06-01T00:00:00Z' });
    const until = plan({ updatedUntil: '2025-06-01T00:00:00Z' });

    // Assess
    expect(since.keyCondition).toBe('#pk = :pk AND #sk >= :since');
    expect(since.values).toEqual({ ':since': '2025-06-01T00:00:00.000Z#' });
    expect(until.keyCondition).toBe('#pk = :pk AND #sk <= :until');
    expect(until.values).toEqual({ ':until': '2025-06-01T00:00:00.000Z$' });
  });

  it('names no sort key without a range: DynamoDB refuses unused names', () => {
    // Act
    const result = plan({ connection: 'c' });

    // Assess
    expect(result.names).not.toHaveProperty('#sk');
  });

  it('accepts a range of one instant, and refuses one that ends before it starts', () => {
    // Act
    const instant = () =>
      plan({ updatedSince: '2025-06-01T02:00:00+02:00', updatedUntil: '2025-06-01T00:00:00Z' });
    const backwards = () =>
      plan({ updatedSince: '2025-06-01T00:00:01Z', updatedUntil: '2025-06-01T00:00:00Z' });

    // Assess
    expect(instant).not.toThrow();
    expect(backwards).toThrow(InvalidInputError);
    expect(backwards).toThrow('updatedSince is after updatedUntil');
  });
});

describe('planListing: the cursor fingerprint', () => {
  it('ignores the order and repetition of statuses, the page size and the cursor', () => {
    // Act
    const first = plan({ statuses: ['RUNNING', 'FAILED'], limit: 3 });
    const again = plan({ statuses: ['FAILED', 'RUNNING', 'FAILED'], limit: 50, cursor: 'anything' });

    // Assess
    expect(again.fingerprint).toBe(first.fingerprint);
  });

  it('ignores how a bound is written, only the instant counts', () => {
    // Act
    const utc = plan({ updatedSince: '2025-06-01T10:00:00Z' });
    const offset = plan({ updatedSince: '2025-06-01T12:00:00.000+02:00' });

    // Assess
    expect(offset.fingerprint).toBe(utc.fingerprint);
  });

  it('differs whenever what the query selects differs', () => {
    // Prepare
    const queries: ListJobsQuery[] = [
      {},
      { statuses: ['RUNNING'] },
      { statuses: ['RUNNING', 'FAILED'] },
      { vendor: 'okast' },
      { connection: 'okast' },
      { vendor: 'okast', connection: 'okast' },
      { updatedSince: '2025-06-01T00:00:00Z' },
      { updatedUntil: '2025-06-01T00:00:00Z' },
    ];

    // Act
    const fingerprints = queries.map((query) => plan(query).fingerprint);

    // Assess
    expect(new Set(fingerprints).size).toBe(queries.length);
  });
});

describe('listingQuery', () => {
  it('reads every shard of the chosen index newest first, from one boundary', () => {
    // Prepare
    const after = '2025-06-01T00:00:00.000Z#jw-1';
    const chosen = plan({ statuses: ['FAILED'] });

    // Act
    const query = listingQuery('jobs', chosen, 10, after);

    // Assess
    expect(query).toEqual({
      input: {
        TableName: 'jobs',
        IndexName: 'byStatus',
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'gsiStatusPk' },
        ExpressionAttributeValues: {},
        ScanIndexForward: false,
      },
      partitionKey: 'gsiStatusPk',
      partitions: chosen.partitions,
      limit: 10,
      after,
    });
    expect(chosen.partitions).toHaveLength(INDEXES.byStatus.shards);
    expect(chosen.partitions.every((partition) => partition.startsWith('FAILED#'))).toBe(true);
  });

  it('pages 25 at a time unless told, and carries the filter when there is one', () => {
    // Act
    const query = listingQuery('jobs', plan({ statuses: ['FAILED', 'LOST'] }), undefined, undefined);

    // Assess
    expect(query.limit).toBe(25);
    expect(query.after).toBeUndefined();
    expect(query.input.FilterExpression).toBe('#status IN (:status0, :status1)');
  });
});

describe('checkListJobsQuery', () => {
  it.each([0, 101, 2.5, -1])('refuses a page size of %s', (limit) => {
    expect(() => checkListJobsQuery({ limit })).toThrow(InvalidInputError);
  });

  it.each([1, 100])('accepts a page size of %s', (limit) => {
    expect(checkListJobsQuery({ limit }).limit).toBe(limit);
  });

  it.each([
    ['a timestamp without a zone', { updatedSince: '2025-06-01T00:00:00' }],
    ['a date without a time', { updatedUntil: '2025-06-01' }],
    ['an unknown status', { statuses: ['DONE'] }],
    ['an unknown vendor', { vendor: 'acme' }],
    ['an empty connection', { connection: '' }],
  ])('refuses %s, naming the field', (_case, query) => {
    // Act
    const check = () => checkListJobsQuery(query as ListJobsQuery);

    // Assess
    expect(check).toThrow(InvalidInputError);
    expect(check).toThrow(expect.objectContaining({ issues: [expect.stringMatching(/^[a-zA-Z]+(\.0)?: /)] }));
  });
});

describe('planListing: properties', () => {
  const status = fc.constantFrom(...JOB_STATUSES);
  const instant = fc
    .integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') })
    .map((time) => new Date(time).toISOString());
  const query: fc.Arbitrary<CheckedListJobsQuery> = fc.record(
    {
      statuses: fc.array(status, { maxLength: 6 }),
      vendor: fc.constantFrom(...VENDORS),
      connection: fc.constantFrom('avid-main', 'okast-eu', 'c'),
      updatedSince: instant,
      updatedUntil: instant,
    },
    { requiredKeys: [] },
  );
  const orderedQuery = query.filter(
    (candidate) =>
      candidate.updatedSince === undefined ||
      candidate.updatedUntil === undefined ||
      candidate.updatedSince <= candidate.updatedUntil,
  );

  it('defines exactly the names and values its expressions use (DynamoDB refuses any other)', () => {
    fc.assert(
      fc.property(orderedQuery, (candidate) => {
        const result = planListing(candidate);
        const expressions = `${result.keyCondition} ${result.filter ?? ''}`;
        expect(placeholders(expressions, '#')).toEqual(Object.keys(result.names).sort());
        // `:pk` is each shard's own partition, set per Query.
        expect(placeholders(expressions, ':')).toEqual([':pk', ...Object.keys(result.values)].sort());
      }),
    );
  });

  it('reads the most selective index: connection, vendor, one status, else all jobs', () => {
    fc.assert(
      fc.property(orderedQuery, (candidate) => {
        const distinct = new Set(candidate.statuses ?? []);
        const expected =
          candidate.connection !== undefined
            ? 'byConnection'
            : candidate.vendor !== undefined
              ? 'byVendor'
              : distinct.size === 1
                ? 'byStatus'
                : 'allJobs';
        expect(planListing(candidate).index.indexName).toBe(expected);
      }),
    );
  });

  it('keeps every asked status, in the partition or in the filter, and no other', () => {
    fc.assert(
      fc.property(orderedQuery, (candidate) => {
        const result = planListing(candidate);
        const asked = [...new Set(candidate.statuses ?? [])].sort();
        const filtered = Object.entries(result.values)
          .filter(([name]) => name.startsWith(':status'))
          .map(([, value]) => value as JobStatus);
        const selected = result.index.indexName === 'byStatus' ? [result.partitionValue] : filtered;
        expect(selected.sort()).toEqual(asked);
      }),
    );
  });

  it('gives a query the same fingerprint whatever the order and repetition of its statuses', () => {
    fc.assert(
      fc.property(orderedQuery, fc.array(status, { maxLength: 3 }), (candidate, repeated) => {
        const statuses = candidate.statuses ?? [];
        const shuffled = {
          ...candidate,
          statuses: [...statuses, ...repeated.filter((s) => statuses.includes(s))].reverse(),
        };
        expect(planListing(shuffled).fingerprint).toBe(planListing(candidate).fingerprint);
      }),
    );
  });

  it('refuses every range that ends before it starts', () => {
    fc.assert(
      fc.property(instant, instant, (first, second) => {
        fc.pre(first !== second);
        const [early, late] = first < second ? [first, second] : [second, first];
        expect(() => planListing({ updatedSince: late, updatedUntil: early })).toThrow(InvalidInputError);
      }),
    );
  });
});
