import { describe, expect, it } from 'vitest';
import { mapOkastStatus } from '../../../lib/vendors/okast/map-okast-status.js';
import { indexIngestList, matchOkastIngest } from '../../../lib/vendors/okast/match-okast-ingest.js';
import { type OkastState, observeOkastIngest } from '../../../lib/vendors/okast/okast-observation.js';
import { statusOfListedEntry } from '../../../lib/vendors/okast/okast-quirks.js';
import { OkastReferenceSchema } from '../../../lib/vendors/okast/okast-reference.js';
import { OkastIngestListSchema } from '../../../lib/vendors/okast/okast-schema.js';
import type { AdapterObservation } from '../../../lib/vendors/vendor-adapter.js';
import { seedEntries } from './support.js';

const FILE = 'https://my_storage_system/sample_9-16_blurred_background.mp4';
const METADATA = 'https://my_storage_system/ingest-okast.json';
const FOLDER = '92d53a18-f8d9-d874-f020-b57b76f7ffdf';

describe('mapOkastStatus', () => {
  it.each([
    ['DONE', 'SUCCEEDED'],
    ['ERRORED', 'FAILED'],
    ['PROCESSING', 'UNKNOWN'],
    ['', 'UNKNOWN'],
    [undefined, 'UNKNOWN'],
    [null, 'UNKNOWN'],
  ])('maps %j to %s', (raw, expected) => {
    // Act and Assess
    expect(mapOkastStatus(raw)).toBe(expected);
  });
});

describe('statusOfListedEntry', () => {
  it.each([
    ['DONE', 'SUCCEEDED'],
    ['ERRORED', 'FAILED'],
    // Undocumented values: a listed request is accepted work, so in progress.
    ['PROCESSING', 'RUNNING'],
    ['PENDING', 'RUNNING'],
    ['IN_PROGRESS', 'RUNNING'],
    ['', 'UNKNOWN'],
    [undefined, 'UNKNOWN'],
    [null, 'UNKNOWN'],
  ])('reads a listed entry with status %j as %s', (raw, expected) => {
    // Act and Assess
    expect(statusOfListedEntry(raw)).toBe(expected);
  });
});

/** Runs the seed list through the adapter's own indexing, matching and mapping. */
function observeSeed(
  reference: Record<string, unknown>,
  submittedAt: string,
  timeZone = 'UTC',
): AdapterObservation<OkastState> | { notListed: true } {
  const index = indexIngestList(seedEntries(), timeZone);
  const result = matchOkastIngest(index, {
    reference: OkastReferenceSchema.parse(reference),
    submittedAt: new Date(submittedAt),
    toleranceMs: 60_000,
  });
  if (result.kind !== 'matched') return { notListed: true };
  return observeOkastIngest(result.ingest, { sameFileEntries: result.sameFileEntries });
}

describe('the published ingest list, matched and mapped', () => {
  it.each([
    {
      case: 'the first ingest of the file, done',
      reference: { filePath: FILE, metadataPath: METADATA },
      submittedAt: '2022-10-18T14:20:00Z',
      expected: {
        status: 'SUCCEEDED',
        rawStatus: 'DONE',
        vendorUpdatedAt: '2022-10-18T14:20:02.000Z',
        details: {
          requestTime: '2022-1018 14:20:00',
          lastStatusUpdate: '2022-1018 14:20:02',
          destinationFolder: FOLDER,
          destinationFolderKind: 'queueBottom',
          sameFileIngests: 3,
        },
        adapterState: { requestTime: '2022-1018 14:20:00' },
      },
    },
    {
      case: 'the second ingest, watched from a second after it was requested',
      reference: { filePath: FILE, metadataPath: METADATA },
      submittedAt: '2022-10-18T14:22:50Z',
      expected: {
        status: 'FAILED',
        rawStatus: 'ERRORED',
        message: 'File already exists in database',
        error: { message: 'File already exists in database' },
        vendorUpdatedAt: '2022-10-18T14:22:52.000Z',
        adapterState: { requestTime: '2022-1018 14:22:49' },
      },
    },
    {
      case: 'a later submission: earlier ingests of the same file are not picked up',
      reference: { filePath: FILE, metadataPath: METADATA },
      submittedAt: '2022-10-18T14:25:00Z',
      expected: {
        status: 'FAILED',
        rawStatus: 'ERRORED',
        details: { requestTime: '2022-1018 14:33:41', reschedule: '2022-10-18' },
        adapterState: { requestTime: '2022-1018 14:33:41' },
      },
    },
    {
      case: 'the third ingest narrowed by its parameters',
      reference: {
        filePath: FILE,
        metadataPath: METADATA,
        destinationFolder: FOLDER,
        destinationFolderKind: 'queueBottom',
        reschedule: '2022-10-18',
      },
      submittedAt: '2022-10-18T14:33:30Z',
      expected: { status: 'FAILED', adapterState: { requestTime: '2022-1018 14:33:41' } },
    },
    {
      case: 'the instance in Paris: wall times read as Paris time',
      reference: { filePath: FILE, metadataPath: METADATA },
      submittedAt: '2022-10-18T12:20:00Z',
      timeZone: 'Europe/Paris',
      expected: {
        status: 'SUCCEEDED',
        vendorUpdatedAt: '2022-10-18T12:20:02.000Z',
        adapterState: { requestTime: '2022-1018 14:20:00' },
      },
    },
  ])('$case', ({ reference, submittedAt, timeZone, expected }) => {
    // Act
    const observation = observeSeed(reference, submittedAt, timeZone);

    // Assess
    expect(observation).toMatchObject(expected);
  });

  it.each([
    {
      case: 'a submission after the last ingest of the file',
      reference: { filePath: FILE, metadataPath: METADATA },
      submittedAt: '2022-10-18T16:00:00Z',
    },
    {
      case: 'another metadata file for the same media',
      reference: { filePath: FILE, metadataPath: 'https://my_storage_system/other.json' },
      submittedAt: '2022-10-18T14:20:00Z',
    },
    {
      case: 'a destination folder other than the one the entry echoes',
      reference: { filePath: FILE, metadataPath: METADATA, destinationFolder: 'another-folder' },
      submittedAt: '2022-10-18T14:33:30Z',
    },
    {
      // The entry without filePath carries reschedule 2022-10-19: it is never anyone's job.
      case: 'the request time of the entry without filePath',
      reference: { filePath: FILE, metadataPath: METADATA, reschedule: '2022-10-19' },
      submittedAt: '2022-10-18T15:35:17Z',
    },
  ])('finds nothing for $case', ({ reference, submittedAt }) => {
    // Act
    const observation = observeSeed(reference, submittedAt);

    // Assess
    expect(observation).toEqual({ notListed: true });
  });

  it('remembers exactly the request time of the entry it matched', () => {
    // Act
    const observation = observeSeed({ filePath: FILE, metadataPath: METADATA }, '2022-10-18T14:20:00Z');

    // Assess
    expect('adapterState' in observation && observation.adapterState).toEqual({
      requestTime: '2022-1018 14:20:00',
    });
  });

  it('counts the entry without filePath apart and indexes the repeated file once per ingest', () => {
    // Prepare
    const entries = seedEntries();

    // Act
    const index = indexIngestList(entries, 'UTC');

    // Assess
    expect(index.size).toBe(4);
    expect(index.withoutFilePath).toBe(1);
    expect(index.unreadable).toBe(0);
    expect([...index.byFile.values()].map((group) => group.length)).toEqual([3]);
  });

  it('skips entries it cannot read, and keeps an entry whose date it cannot read out of time matching', () => {
    // Prepare
    const entries = [
      'not an entry',
      null,
      [1, 2],
      { request: 'not an object', status: 'DONE' },
      { request: { filePath: FILE, metadataPath: METADATA }, requestTime: 'last tuesday', status: 'DONE' },
      { request: { filePath: FILE, metadataPath: METADATA }, requestTime: { nested: true }, status: 'DONE' },
      { request: { filePath: FILE, metadataPath: METADATA }, requestTime: '2022-1018 14:20:05', status: 42 },
    ];

    // Act
    const index = indexIngestList(entries, 'UTC');
    const result = matchOkastIngest(index, {
      reference: OkastReferenceSchema.parse({ filePath: FILE, metadataPath: METADATA }),
      submittedAt: new Date('2022-10-18T14:20:00Z'),
      toleranceMs: 60_000,
    });

    // Assess
    expect(index).toMatchObject({ size: 7, unreadable: 3, withoutFilePath: 1 });
    expect(result.kind).toBe('matched');
    if (result.kind === 'matched') {
      // Okast writes its status as text: a number is no status.
      expect(result.ingest.entry.status).toBeUndefined();
      expect(result.ingest.position).toBe(6);
      expect(observeOkastIngest(result.ingest, { sameFileEntries: 3 })).toMatchObject({
        status: 'UNKNOWN',
        rawStatus: '(no status)',
        message: 'Okast lists this ingest without a status',
      });
    }
  });

  it('fails an ERRORED entry without a statusError, saying so', () => {
    // Prepare
    const index = indexIngestList(
      [
        {
          request: { filePath: FILE, metadataPath: METADATA },
          requestTime: '2022-1018 14:20:00',
          status: 'ERRORED',
        },
        {
          request: { filePath: `${FILE}.2`, metadataPath: METADATA },
          requestTime: '2022-1018 14:20:00',
          status: 'ERRORED',
          statusError: { message: 'not the published shape' },
        },
      ],
      'UTC',
    );
    const observe = (filePath: string) => {
      const result = matchOkastIngest(index, {
        reference: OkastReferenceSchema.parse({ filePath, metadataPath: METADATA }),
        submittedAt: new Date('2022-10-18T14:20:00Z'),
        toleranceMs: 60_000,
      });
      if (result.kind !== 'matched') throw new Error('expected a match');
      return observeOkastIngest(result.ingest, { sameFileEntries: 1 });
    };

    // Act and Assess
    expect(observe(FILE).error).toEqual({ message: 'Okast reported ERRORED without a statusError' });
    expect(observe(`${FILE}.2`).error).toEqual({ message: 'Okast reported ERRORED without a statusError' });
  });
});

describe('OkastReferenceSchema', () => {
  it.each([
    [{ metadataPath: METADATA }, 'filePath is required'],
    [{ filePath: '  ', metadataPath: METADATA }, 'filePath must not be empty'],
    [{ filePath: FILE }, 'metadataPath is required'],
    [
      { filePath: FILE, metadataPath: METADATA, destinationFolderKind: 'sideways' },
      'queueBottom, queueTop or indexed',
    ],
    [{ filePath: FILE, metadataPath: METADATA, submittedAt: 'yesterday' }, 'ISO date-time'],
    // A time without a zone is not an instant: the caller says which one it means.
    [{ filePath: FILE, metadataPath: METADATA, submittedAt: '2024-01-19T12:00:00' }, 'ISO date-time'],
    [{ filePath: FILE, metadataPath: METADATA, submittedAt: '2022-1018 14:20:00' }, 'ISO date-time'],
    [{ filePath: FILE, metadataPath: METADATA, jobId: '42' }, 'jobId'],
  ])('refuses %j with a clear message', (reference, message) => {
    // Act
    const result = OkastReferenceSchema.safeParse(reference);

    // Assess
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });

  it('keeps numbers and booleans of request parameters as the text Okast echoes', () => {
    // Act
    const reference = OkastReferenceSchema.parse({
      filePath: FILE,
      metadataPath: METADATA,
      destinationFolderIndex: 3,
      validate: true,
      submittedAt: '2024-01-19T13:00:00+01:00',
    });

    // Assess
    expect(reference).toMatchObject({
      destinationFolderIndex: '3',
      validate: 'true',
      submittedAt: '2024-01-19T13:00:00+01:00',
    });
  });

  it('writes file URLs as the URL parser does, as the list is matched', () => {
    // Act
    const reference = OkastReferenceSchema.parse({
      filePath: ' https://Storage.example.com/a b.mp4 ',
      metadataPath: 'https://storage.example.com/a.json',
    });

    // Assess
    expect(reference.filePath).toBe('https://storage.example.com/a%20b.mp4');
  });
});

describe('the ingest list', () => {
  const entry = { request: { filePath: FILE, metadataPath: METADATA }, status: 'DONE' };

  it('is the published bare array', () => {
    // Act and Assess
    expect(OkastIngestListSchema.safeParse([entry]).success).toBe(true);
    expect(OkastIngestListSchema.safeParse([]).success).toBe(true);
  });

  it.each([
    ['an error object', { error: 'session expired' }],
    ['a wrapper that says it failed', { success: false, data: [entry] }],
    ['a list wrapped under a name', { data: [entry] }],
    ['a PHP object with numeric keys', { '0': entry }],
    ['a single entry on its own', entry],
    ['null', null],
    ['a number', 42],
  ])('is not %s', (_case, body) => {
    // Act and Assess
    expect(OkastIngestListSchema.safeParse(body).success).toBe(false);
  });
});

describe('matching without submittedAt', () => {
  const reference = OkastReferenceSchema.parse({ filePath: FILE, metadataPath: METADATA });

  it('takes the newest ingest of the file when none was requested around the watch start', () => {
    // Prepare
    const index = indexIngestList(seedEntries(), 'UTC');

    // Act
    const withFallback = matchOkastIngest(index, {
      reference,
      submittedAt: new Date('2024-01-19T12:00:00Z'),
      toleranceMs: 60_000,
      newestIfNoneInWindow: true,
      graceOver: true,
    });
    const withinGrace = matchOkastIngest(index, {
      reference,
      submittedAt: new Date('2024-01-19T12:00:00Z'),
      toleranceMs: 60_000,
      newestIfNoneInWindow: true,
    });
    const withoutFallback = matchOkastIngest(index, {
      reference,
      submittedAt: new Date('2024-01-19T12:00:00Z'),
      toleranceMs: 60_000,
    });

    // Assess
    expect(withFallback.kind === 'matched' && withFallback.ingest.entry.requestTime).toBe(
      '2022-1018 14:33:41',
    );
    // It had ended (ERRORED) long before the watch began: not taken while a newer one may appear.
    expect(withinGrace.kind === 'ended-before-watch' && withinGrace.ingest.entry.requestTime).toBe(
      '2022-1018 14:33:41',
    );
    expect(withoutFallback).toMatchObject({
      kind: 'not-listed',
      earlier: 3,
      newestEarlierRequestTime: '2022-1018 14:33:41',
    });
  });

  it('never takes an ingest whose requestTime it cannot read, and counts it', () => {
    // Prepare
    const index = indexIngestList(
      [
        { request: { filePath: FILE, metadataPath: METADATA }, status: 'DONE' },
        {
          request: { filePath: FILE, metadataPath: METADATA },
          requestTime: 'yesterday',
          status: 'PROCESSING',
        },
      ],
      'UTC',
    );

    // Act
    const result = matchOkastIngest(index, {
      reference,
      submittedAt: new Date('2024-01-19T12:00:00Z'),
      toleranceMs: 60_000,
      newestIfNoneInWindow: true,
    });

    // Assess
    expect(result).toMatchObject({ kind: 'not-listed', unreadableRequestTimes: 2, sameFileEntries: 2 });
  });

  it('finds the remembered entry by the request time Okast wrote, and says when it is gone', () => {
    // Prepare
    const index = indexIngestList(seedEntries(), 'UTC');
    const criteria = { reference, submittedAt: new Date('2024-01-19T12:00:00Z'), toleranceMs: 60_000 };

    // Act
    const found = matchOkastIngest(index, { ...criteria, rememberedRequestTime: '2022-1018 14:22:49' });
    const gone = matchOkastIngest(index, { ...criteria, rememberedRequestTime: '2022-1018 14:22:50' });

    // Assess
    expect(found.kind === 'matched' && found.ingest.entry.status).toBe('ERRORED');
    expect(gone).toEqual({ kind: 'no-longer-listed', requestTime: '2022-1018 14:22:50', sameFileEntries: 3 });
  });
});
