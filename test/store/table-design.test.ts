import { describe, expect, it } from 'vitest';
import {
  createTableInput,
  GSI_SORT_KEY,
  historySortKey,
  INDEXES,
  listingSortKey,
  STORAGE_ATTRIBUTES,
  TTL_ATTRIBUTE,
} from '../../lib/store/table-design.js';

describe('table design', () => {
  it('orders history sort keys like their versions', () => {
    // Act
    const keys = [1, 2, 9, 10, 11, 100, 1_000_000].map(historySortKey);

    // Assess
    expect(keys).toEqual([...keys].sort());
    expect(historySortKey(7)).toBe('V#0000000007');
  });

  it('orders listing sort keys by instant, whatever offset or precision the timestamp used', () => {
    // Prepare
    const earlier = listingSortKey('2025-06-01T11:59:59.5+02:00', 'jw-b');
    const later = listingSortKey('2025-06-01T10:00:00Z', 'jw-a');

    // Assess
    expect(earlier).toBe('2025-06-01T09:59:59.500Z#jw-b');
    expect(earlier < later).toBe(true);
  });

  it('declares an on-demand table whose attribute definitions are exactly its key attributes', () => {
    // Act
    const input = createTableInput('jobs');

    // Assess
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
    const keyAttributes = new Set([
      'pk',
      'sk',
      ...(input.GlobalSecondaryIndexes ?? []).flatMap((index) =>
        (index.KeySchema ?? []).map((key) => key.AttributeName),
      ),
    ]);
    expect(new Set(input.AttributeDefinitions?.map((definition) => definition.AttributeName))).toEqual(
      keyAttributes,
    );
  });

  it('has one listing index per filter, all sorted by the shared sort key and projecting all', () => {
    // Act
    const indexes = createTableInput('jobs').GlobalSecondaryIndexes ?? [];

    // Assess
    expect(indexes.map((index) => index.IndexName)).toEqual(
      Object.values(INDEXES).map((index) => index.indexName),
    );
    for (const index of indexes) {
      expect(index.KeySchema?.[1]).toEqual({ AttributeName: GSI_SORT_KEY, KeyType: 'RANGE' });
      expect(index.Projection).toEqual({ ProjectionType: 'ALL' });
    }
  });

  it('names every storage attribute so none leaks into a job', () => {
    // Assess
    expect(STORAGE_ATTRIBUTES).toEqual(
      expect.arrayContaining([
        'pk',
        'sk',
        TTL_ATTRIBUTE,
        GSI_SORT_KEY,
        'gsiStatusPk',
        'gsiVendorPk',
        'gsiConnectionPk',
        'gsiAllPk',
      ]),
    );
  });
});
