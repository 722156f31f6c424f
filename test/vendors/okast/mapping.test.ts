import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../lib/jobs/job.js';
import {
  errorText,
  findIngestList,
  indexIngestList,
  mapOkastStatus,
  matchOkastIngest,
  type OkastReference,
  OkastReferenceSchema,
  observeOkastIngest,
  statusPageTarget,
} from '../../../lib/vendors/okast/index.js';
import { seedEntries } from './support.js';

const FILE = 'https://my_storage_system/sample_9-16_blurred_background.mp4';
const METADATA = 'https://my_storage_system/ingest-okast.json';
const FOLDER = '92d53a18-f8d9-d874-f020-b57b76f7ffdf';

describe('mapOkastStatus', () => {
  it.each([
    ['DONE', 'SUCCEEDED'],
    ['done', 'SUCCEEDED'],
    [' Done ', 'SUCCEEDED'],
    ['ERRORED', 'FAILED'],
    ['errored', 'FAILED'],
    // Undocumented values: a listed request is accepted work, so in progress. [INF]
    ['PROCESSING', 'RUNNING'],
    ['PENDING', 'RUNNING'],
    ['IN_PROGRESS', 'RUNNING'],
    ['', 'UNKNOWN'],
    [undefined, 'UNKNOWN'],
    [null, 'UNKNOWN'],
  ])('maps %j to %s', (raw, expected) => {
    // Act and Assess
    expect(mapOkastStatus(raw)).toBe(expected);
  });
});

/** Runs the seed list through the adapter's own indexing, matching and mapping. */
function observeSeed(
  reference: Record<string, unknown>,
  submittedAt: string,
  timeZone = 'UTC',
): Observation | { notListed: true } {
  const shape = findIngestList(seedEntries());
  if (shape.kind !== 'list') throw new Error('the seed is a list');
  const index = indexIngestList(shape.items, timeZone);
  const result = matchOkastIngest(index, {
    reference: OkastReferenceSchema.parse(reference) as OkastReference,
    submittedAt: new Date(submittedAt),
    toleranceMs: 60_000,
  });
  if (result.kind !== 'matched') return { notListed: true };
  return observeOkastIngest(result.ingest, { timeZone, sameFileEntries: result.sameFileEntries });
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
        adapterState: { requestTime: '2022-1018 14:20:00', requestedAt: '2022-10-18T14:20:00.000Z' },
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
        adapterState: { requestTime: '2022-1018 14:22:49', requestedAt: '2022-10-18T14:22:49.000Z' },
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
        adapterState: { requestTime: '2022-1018 14:20:00', requestedAt: '2022-10-18T12:20:00.000Z' },
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
      expect(result.ingest.entry.status).toBe('42');
      expect(result.ingest.position).toBe(6);
    }
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
    });

    // Assess
    expect(reference).toMatchObject({ destinationFolderIndex: '3', validate: 'true' });
  });
});

describe('findIngestList', () => {
  const entry = { request: { filePath: FILE, metadataPath: METADATA }, status: 'DONE' };

  it.each([
    ['the published bare array', [entry]],
    ['a list wrapped under "data"', { data: [entry] }],
    [
      'a list wrapped under "Ingests" with other fields beside it',
      { Ingests: [entry], count: 1, success: true },
    ],
    ['a wrapped PHP object with numeric keys', { result: { '0': entry } }],
    ['a single entry on its own', entry],
    ['a single flattened entry on its own', { filePath: FILE, status: 'DONE' }],
  ])('reads %s as the list', (_case, body) => {
    // Act
    const shape = findIngestList(body);

    // Assess
    expect(shape).toEqual({ kind: 'list', items: [expect.objectContaining({ status: 'DONE' })] });
  });

  it.each([
    ['an error object', { error: 'session expired' }],
    ['a wrapper that says it failed', { success: false, data: [entry] }],
    ['a wrapper whose status is an error', { status: 'error', data: [] }],
    ['two candidate lists', { data: [entry], items: [entry] }],
    ['a list under a name no page would use for it', { warnings: [entry] }],
    ['a number', 42],
  ])('does not read %s as the list', (_case, body) => {
    // Act and Assess
    expect(findIngestList(body).kind).toBe('not-a-list');
  });
});

describe('entries written otherwise', () => {
  it('reads the request from a JSON string, and request fields echoed at the top level', () => {
    // Prepare
    const entries = [
      {
        request: JSON.stringify({ filePath: FILE, metadataPath: METADATA }),
        requestTime: '2022-1018 14:20:00',
        status: 'DONE',
      },
      {
        request: [],
        filePath: FILE,
        metadataPath: METADATA,
        destinationFolder: FOLDER,
        requestTime: '2022-1018 14:30:00',
        status: 'ERRORED',
        statusError: { message: 'File already exists in database' },
      },
    ];

    // Act
    const index = indexIngestList(entries, 'UTC');
    const [first, second] = index.byFile.get(FILE) ?? [];

    // Assess
    expect(index.withoutFilePath).toBe(0);
    expect(first?.entry.request).toMatchObject({ filePath: FILE, metadataPath: METADATA });
    expect(second?.entry).toMatchObject({
      request: { filePath: FILE, destinationFolder: FOLDER },
      statusError: 'File already exists in database',
    });
  });

  it.each([
    ['a string', 'file path missing', 'file path missing'],
    [
      'a list',
      ['file path missing', { message: 'metadata unreachable' }],
      'file path missing; metadata unreachable',
    ],
    [
      'an object with a message',
      { code: 3, message: 'File already exists in database' },
      'File already exists in database',
    ],
    ['an object without one', { code: 3 }, '{"code":3}'],
    ['an empty string', '', undefined],
    ['nothing', null, undefined],
  ])('reads statusError written as %s', (_case, value, expected) => {
    // Act and Assess
    expect(errorText(value)).toBe(expected);
  });

  it('fails an ERRORED entry whose error is under "error", and says so when there is none', () => {
    // Prepare
    const index = indexIngestList(
      [
        {
          request: { filePath: FILE, metadataPath: METADATA },
          requestTime: '2022-1018 14:20:00',
          status: 'ERRORED',
          error: 'disk full',
        },
        {
          request: { filePath: `${FILE}.2`, metadataPath: METADATA },
          requestTime: '2022-1018 14:20:00',
          status: 'errored',
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
      return observeOkastIngest(result.ingest, { timeZone: 'UTC', sameFileEntries: 1 });
    };

    // Act and Assess
    expect(observe(FILE).error).toEqual({ message: 'disk full' });
    expect(observe(`${FILE}.2`).error).toEqual({ message: 'Okast reported errored without a statusError' });
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
      timeZone: 'UTC',
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

  it('takes the entry listed last when no ingest of the file has a readable requestTime', () => {
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
    expect(result.kind === 'matched' && result.ingest.entry.status).toBe('PROCESSING');
  });

  it('finds the remembered entry again when the page writes its requestTime another way', () => {
    // Prepare
    const index = indexIngestList(
      [
        {
          request: { filePath: FILE, metadataPath: METADATA },
          requestTime: '2022-10-18T14:20:00Z',
          status: 'DONE',
        },
      ],
      'UTC',
    );

    // Act
    const result = matchOkastIngest(index, {
      reference,
      submittedAt: new Date('2022-10-18T14:20:00Z'),
      toleranceMs: 60_000,
      remembered: { requestTime: '2022-1018 14:20:00', requestedAt: '2022-10-18T14:20:00.000Z' },
    });

    // Assess
    expect(result.kind).toBe('matched');
  });
});

describe('statusPageTarget', () => {
  const PAGE = 'synthesia/okast-channels/playlist/manager/php/_getIngestStatus.php';
  const FULL = `https://c.example.com/${PAGE}`;

  it.each([
    ['https://c.example.com/', PAGE, FULL],
    ['https://c.example.com/synthesia/', PAGE, FULL],
    ['https://c.example.com/synthesia/okast-channels/playlist/manager/php/', PAGE, FULL],
    ['https://c.example.com/synthesia/okast-channels/playlist/manager/php/_getIngestStatus.php/', PAGE, FULL],
    ['https://c.example.com/tenant-1/', PAGE, `https://c.example.com/tenant-1/${PAGE}`],
    ['https://c.example.com/', `${PAGE}?instance=3`, `${FULL}?instance=3`],
    [
      'https://c.example.com/okast/',
      'manager/php/_getIngestStatus.php',
      'https://c.example.com/okast/manager/php/_getIngestStatus.php',
    ],
    ['https://c.example.com/', FULL, FULL],
  ])('joins %s and %s as %s', (base, statusPath, expected) => {
    // Act and Assess
    expect(statusPageTarget(new URL(base), statusPath)).toBe(expected);
  });
});
