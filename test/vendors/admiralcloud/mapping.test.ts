import { describe, expect, it } from 'vitest';
import { summarizeJobResult } from '../../../lib/vendors/admiralcloud/admiralcloud-observation.js';
import { AdmiralCloudOptionsSchema } from '../../../lib/vendors/admiralcloud/admiralcloud-options.js';
import { batchPercent, partsOfJob } from '../../../lib/vendors/admiralcloud/admiralcloud-quirks.js';
import { AdmiralCloudReferenceSchema } from '../../../lib/vendors/admiralcloud/admiralcloud-reference.js';
import {
  classifyJobResult,
  type JobResultBody,
  parseActivities,
} from '../../../lib/vendors/admiralcloud/admiralcloud-schema.js';
import { mapAdmiralCloudStatus } from '../../../lib/vendors/admiralcloud/map-admiralcloud-status.js';
import { fixture, jsonFixture } from './support.js';

describe('AdmiralCloud status mapping', () => {
  it.each([
    ['pending', 'RUNNING'],
    ['done', 'SUCCEEDED'],
    ['result', 'SUCCEEDED'],
    ['not-found', 'LOST'],
    ['activity-vanished', 'LOST'],
    ['something-new', 'UNKNOWN'],
    ['', 'UNKNOWN'],
  ])('maps %j to %s', (raw, expected) => {
    // Act
    const status = mapAdmiralCloudStatus(raw);

    // Assess
    expect(status).toBe(expected);
  });
});

describe('AdmiralCloud jobResult bodies', () => {
  const cases: { fixture: string; expected: JobResultBody['kind']; status: string }[] = [
    { fixture: 'job-result-pending.json', expected: 'pending', status: 'RUNNING' },
    { fixture: 'job-result-empty.json', expected: 'empty', status: 'SUCCEEDED' },
    { fixture: 'job-result-create-upload.json', expected: 'result', status: 'SUCCEEDED' },
    // A result that happens to carry `ok: true` next to its data is a result, not "pending".
    { fixture: 'job-result-batch-with-ok.json', expected: 'result', status: 'SUCCEEDED' },
  ];

  it.each(cases)('reads $fixture as $expected ($status)', ({ fixture: name, expected, status }) => {
    // Prepare
    const body = jsonFixture(name);

    // Act
    const finding = classifyJobResult(body);

    // Assess
    expect(finding.kind).toBe(expected);
    expect(mapAdmiralCloudStatus(finding.kind === 'empty' ? 'done' : finding.kind)).toBe(status);
  });

  it('treats only exactly { ok: true } as pending', () => {
    // Act + Assess
    expect(classifyJobResult({ ok: true }).kind).toBe('pending');
    expect(classifyJobResult({ ok: false }).kind).toBe('result');
    expect(classifyJobResult({ ok: 'true' }).kind).toBe('result');
    expect(classifyJobResult([]).kind).toBe('result');
    expect(classifyJobResult(null).kind).toBe('result');
  });

  it('keeps an outline of a result and none of its credentials', () => {
    // Prepare
    const body = jsonFixture('job-result-create-upload.json');

    // Act
    const summary = summarizeJobResult(body, (text) => text);

    // Assess
    expect(summary).toEqual({
      type: 'object',
      bytes: JSON.stringify(body).length,
      keyCount: 3,
      keys: ['processed', 'sessionToken', 'uploadType'],
      arrayLengths: { processed: 1 },
      values: { uploadType: 'single' },
    });
    const kept = JSON.stringify(summary);
    expect(kept).not.toContain('SecretAccessKey');
    expect(kept).not.toContain('example-top-level-token');
    expect(kept).not.toContain('example/secret');
  });

  it('caps the outline of a result with many keys at 20', () => {
    // Prepare
    const body = Object.fromEntries(
      Array.from({ length: 500 }, (_, index) => [`field${index}`, 'x'.repeat(1000)]),
    );

    // Act
    const summary = summarizeJobResult(body, (text) => text);

    // Assess
    expect(summary.keyCount).toBe(500);
    expect(summary.keys).toHaveLength(20);
    expect(JSON.stringify(summary).length).toBeLessThan(1000);
  });
});

describe('AdmiralCloud activity listing', () => {
  it('reads the listing leniently: entries without a jobId skipped, a percent that is no number ignored', () => {
    // Prepare
    const body = jsonFixture('activities-batch.json');

    // Act
    const parsed = parseActivities(body);

    // Assess
    expect(parsed?.skipped).toBe(1);
    expect(parsed?.activities.map((activity) => [activity.jobId, activity.percent])).toEqual([
      ['7c1e9a40-batch', 100],
      ['7c1e9a40-batch:1', 40],
      // "70" is a string: no percent, but the entry stays.
      ['7c1e9a40-batch:2', undefined],
      ['7c1e9a40-batch0', 5],
      ['other-job', undefined],
    ]);
  });

  it('takes a batch job and its :N follow-ups, not a job whose id merely starts the same', () => {
    // Prepare
    const activities = parseActivities(jsonFixture('activities-batch.json'))?.activities ?? [];

    // Act
    const parts = partsOfJob(activities, '7c1e9a40-batch');

    // Assess
    expect(parts.map((part) => part.id)).toEqual(['2001', '2002', '2003']);
    expect(batchPercent(parts)).toBe(40);
  });

  it('matches the activity the caller named even under another jobId', () => {
    // Prepare
    const activities = parseActivities(jsonFixture('activities-batch.json'))?.activities ?? [];

    // Act
    const parts = partsOfJob(activities, 'not-listed', '2006');

    // Assess
    expect(parts.map((part) => part.jobId)).toEqual(['other-job']);
    expect(batchPercent(parts)).toBeUndefined();
  });

  it('refuses the seed modelChangesES example: it is not JSON at all', () => {
    // Prepare
    const text = fixture('seed-model-changes-es.txt');

    // Act + Assess
    expect(() => JSON.parse(text)).toThrow();
  });

  it('reads listings grouped by type; a percent as text or under "progress" is no percent', () => {
    // Prepare
    const body = {
      activities: {
        upload: [{ id: 1, jobId: 'j1', percent: '40%' }],
        miscActivities: [{ id: 2, jobId: 'j1:1', progress: 70, type: 7 }],
      },
    };

    // Act
    const parsed = parseActivities(body);

    // Assess
    expect(parsed?.activities).toEqual([
      { id: '1', jobId: 'j1', percent: undefined, type: undefined },
      { id: '2', jobId: 'j1:1', percent: undefined, type: undefined },
    ]);
  });

  it('finds no activities in a listing of another shape', () => {
    // Act + Assess
    expect(parseActivities('activities')).toBeUndefined();
    expect(parseActivities({ modelChangesES: [] })?.activities).toEqual([]);
    // The documented body is an object with `activities` [DOC]; a bare array is not it.
    expect(parseActivities([{ id: 1, jobId: 'j1', percent: 40 }])).toBeUndefined();
  });
});

describe('AdmiralCloud reference and options', () => {
  it('accepts a numeric jobId as its decimal string', () => {
    // Act
    const reference = AdmiralCloudReferenceSchema.parse({ jobId: 4711 });

    // Assess
    expect(reference).toEqual({ jobId: '4711' });
    expect(AdmiralCloudReferenceSchema.safeParse({ jobId: -1 }).success).toBe(false);
    expect(AdmiralCloudReferenceSchema.safeParse({ jobId: 1.5 }).success).toBe(false);
  });

  it('accepts a jobId and a numeric activityId', () => {
    // Act
    const reference = AdmiralCloudReferenceSchema.parse({ jobId: ' 7c1e9a40-batch ', activityId: 2001 });

    // Assess
    expect(reference).toEqual({ jobId: '7c1e9a40-batch', activityId: '2001' });
  });

  it.each([
    [{}, 'jobId is required'],
    [{ jobId: '' }, 'jobId must not be empty'],
    [{ jobId: '../admin' }, 'jobId holds letters'],
    [{ jobId: 'a1', url: 'http://elsewhere' }, 'url'],
    [{ jobId: 'a1', activityId: true }, 'activityId, when given'],
  ])('refuses %j with a clear message', (input, message) => {
    // Act
    const result = AdmiralCloudReferenceSchema.safeParse(input);

    // Assess
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });

  it('defaults to signature v2 and the documented paths', () => {
    // Act
    const options = AdmiralCloudOptionsSchema.parse({});

    // Assess
    expect(options).toMatchObject({
      signatureVersion: 2,
      jobResultPath: 'v5/activity/jobResult/{jobId}',
      activitiesPath: 'v5/activity',
      destroyActivityPath: 'v5/activity/{activityId}',
      signNumericParamsAsNumbers: false,
      vanishedActivityStatus: 'LOST',
      missingPollsBeforeVanished: 2,
    });
  });

  it('refuses an absolute path and a signature version it does not know', () => {
    // Act + Assess
    expect(AdmiralCloudOptionsSchema.safeParse({ jobResultPath: 'https://elsewhere/x' }).success).toBe(false);
    expect(AdmiralCloudOptionsSchema.safeParse({ signatureVersion: 5 }).success).toBe(false);
  });

  it('refuses the options that are gone: one way to sign, one way to combine a batch', () => {
    // Act + Assess
    expect(AdmiralCloudOptionsSchema.safeParse({ signatureFallback: true }).success).toBe(false);
    expect(AdmiralCloudOptionsSchema.safeParse({ batchProgress: 'mean' }).success).toBe(false);
  });
});
