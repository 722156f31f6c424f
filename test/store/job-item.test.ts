import { describe, expect, it } from 'vitest';
import { expiresAt, historyItem, latestItem, retentionSeconds, toJob } from '../../lib/store/job-item.js';
import { CorruptJobItemError } from '../../lib/store/store-errors.js';
import { newJob } from './support/store-fixture.js';

const NINETY_DAYS = retentionSeconds(90);

describe('job items', () => {
  it('puts only the latest item in the listing indexes', () => {
    // Prepare
    const job = newJob({ status: 'RUNNING', updatedAt: '2025-06-01T12:00:00+02:00', version: 3 });

    // Act
    const latest = latestItem(job, NINETY_DAYS);
    const history = historyItem(job, NINETY_DAYS);

    // Assess
    expect(latest).toMatchObject({
      pk: 'JOB#jw-test-1',
      sk: 'LATEST',
      gsiSk: '2025-06-01T10:00:00.000Z#jw-test-1',
    });
    expect(Object.keys(history).filter((key) => key.startsWith('gsi'))).toEqual([]);
    expect(history).toMatchObject({ pk: 'JOB#jw-test-1', sk: 'V#0000000003' });
  });

  it('puts a job in one write shard of each listing index, never a partition every job shares', () => {
    // Prepare: many jobs of one connection, vendor and status.
    const items = Array.from({ length: 400 }, (_, position) =>
      latestItem(newJob({ jobId: `jw-${position}`, status: 'RUNNING' }), NINETY_DAYS),
    );
    const partitionsOf = (attribute: string) => new Set(items.map((item) => item[attribute]));

    // Assess: each index spreads the jobs over its shards, and a job's shard never moves.
    for (const [attribute, base] of [
      ['gsiAllPk', 'ALL'],
      ['gsiStatusPk', 'RUNNING'],
      ['gsiVendorPk', 'avid-ctms'],
      ['gsiConnectionPk', 'avid-main'],
    ] as const) {
      const partitions = partitionsOf(attribute);
      expect(partitions.size).toBeGreaterThanOrEqual(8);
      for (const partition of partitions) expect(String(partition)).toMatch(new RegExp(`^${base}#\\d{2}$`));
    }
    const again = latestItem(
      newJob({ jobId: 'jw-7', status: 'SUCCEEDED', updatedAt: '2025-07-01T00:00:00Z' }),
      NINETY_DAYS,
    );
    expect(String(again.gsiAllPk)).toBe(String(items[7]?.gsiAllPk));
    expect(String(again.gsiStatusPk).split('#')[1]).toBe(String(items[7]?.gsiStatusPk).split('#')[1]);
  });

  it('stamps the expiry on final jobs only, counted from when they finished', () => {
    // Prepare
    const running = newJob({ status: 'RUNNING' });
    const failed = newJob({
      status: 'FAILED',
      updatedAt: '2025-06-02T00:00:00.000Z',
      finishedAt: '2025-06-01T00:00:00.000Z',
    });

    // Act
    const expected = Date.parse('2025-06-01T00:00:00.000Z') / 1000 + 90 * 86_400;

    // Assess
    expect(expiresAt(failed, NINETY_DAYS)).toBe(expected);
    expect(latestItem(failed, NINETY_DAYS).expiresAt).toBe(expected);
    expect(historyItem(failed, NINETY_DAYS).expiresAt).toBe(expected);
    expect(latestItem(running, NINETY_DAYS)).not.toHaveProperty('expiresAt');
    expect(historyItem(running, NINETY_DAYS)).not.toHaveProperty('expiresAt');
  });

  it('reads back the job it stored, without the storage attributes', () => {
    // Prepare
    const job = newJob({ status: 'SUCCEEDED', progress: 100, finishedAt: '2025-06-01T11:00:00.000Z' });

    // Act
    const fromLatest = toJob(latestItem(job, NINETY_DAYS));
    const fromHistory = toJob(historyItem(job, NINETY_DAYS));

    // Assess
    expect(fromLatest).toEqual(job);
    expect(fromHistory).toEqual(job);
  });

  it('stores no undefined value, whatever the job object holds', () => {
    // Prepare
    const job = { ...newJob(), message: undefined };

    // Act
    const item = latestItem(job, NINETY_DAYS);

    // Assess
    expect(Object.keys(item)).not.toContain('message');
  });

  it('names a corrupt item and its failing fields, not their values', () => {
    // Prepare
    const item = { ...latestItem(newJob(), NINETY_DAYS), progress: 'secret-ish' };

    // Act
    const reading = () => toJob(item);

    // Assess
    expect(reading).toThrow(CorruptJobItemError);
    expect(reading).toThrow(
      expect.objectContaining({ itemKey: 'JOB#jw-test-1/LATEST', issues: ['progress'] }),
    );
    expect(reading).not.toThrow(/secret-ish/);
  });
});
