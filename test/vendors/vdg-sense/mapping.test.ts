import { describe, expect, it } from 'vitest';
import { VendorProtocolError } from '../../../lib/jobs/errors.js';
import type { Observation } from '../../../lib/jobs/job.js';
import { mapVdgSenseStatus } from '../../../lib/vendors/vdg-sense/map-vdg-sense-status.js';
import {
  exportProgress,
  fingerprintMismatch,
  observeExport,
} from '../../../lib/vendors/vdg-sense/vdg-sense-observation.js';
import { VdgSenseOptionsSchema } from '../../../lib/vendors/vdg-sense/vdg-sense-options.js';
import { readProgress } from '../../../lib/vendors/vdg-sense/vdg-sense-quirks.js';
import { VdgSenseReferenceSchema } from '../../../lib/vendors/vdg-sense/vdg-sense-reference.js';
import { parseVdgSenseResult, parseVdgTime } from '../../../lib/vendors/vdg-sense/vdg-sense-schema.js';
import { fixture } from './support.js';

describe('VDG Sense status mapping', () => {
  it.each([
    ['PENDING', 'QUEUED'],
    ['pending', 'QUEUED'],
    ['SYNCING', 'RUNNING'],
    ['syncing', 'RUNNING'],
    ['Syncing', 'RUNNING'],
    ['COMPLETED', 'SUCCEEDED'],
    ['completed', 'SUCCEEDED'],
    ['REMOVED', 'CANCELLED'],
    ['removed', 'CANCELLED'],
    [' SYNCING ', 'RUNNING'],
    ['[status]', 'UNKNOWN'],
    ['EXPORTING', 'UNKNOWN'],
    ['', 'UNKNOWN'],
  ])('maps %j to %s, ignoring case', (raw, expected) => {
    // Act
    const status = mapVdgSenseStatus(raw);

    // Assess
    expect(status).toBe(expected);
  });
});

describe('VDG Sense getExportVideoStatus payloads', () => {
  const cases: { fixture: string; errorCode: number; repairs: string[]; observation?: Observation }[] = [
    {
      // The documented sample verbatim: an unquoted attribute and an unclosed <device>, both
      // repaired; the `<device> ... </device>` placeholder carries no device and is ignored.
      fixture: 'seed-get-export-video-status.xml',
      errorCode: 0,
      repairs: ['quoted unquoted attribute values', 'closed 1 unclosed <device> element'],
      observation: {
        status: 'UNKNOWN',
        rawStatus: '[status]',
        progress: 0,
        message: 'VDG Sense reported an export status no mapping knows: "[status]"',
        details: {
          exportId: '[exportid]',
          path: '[path]',
          bandwidthKbps: '[bandwidth]',
          deviceCount: 1,
          devices: [{ serverId: '[UID]', deviceId: '[UID]', status: '[status]', progress: 0 }],
        },
      },
    },
    {
      fixture: 'well-formed-variant.xml',
      errorCode: 0,
      repairs: [],
      observation: {
        status: 'UNKNOWN',
        rawStatus: '[status]',
        progress: 0,
        message: 'VDG Sense reported an export status no mapping knows: "[status]"',
        details: {
          exportId: '[exportid]',
          path: '[path]',
          bandwidthKbps: '[bandwidth]',
          deviceCount: 1,
          devices: [{ serverId: '[UID]', deviceId: '[UID]', status: '[status]', progress: 0 }],
        },
      },
    },
    {
      fixture: 'syncing-two-devices.xml',
      errorCode: 0,
      repairs: [],
      observation: {
        status: 'RUNNING',
        rawStatus: 'SYNCING',
        // 3 minutes of footage done, 1 minute to go: 75 %, not the plain mean of 50 %.
        progress: 75,
        details: {
          exportId: '12',
          path: 'D:\\Exports\\incident-0815',
          bandwidthKbps: 4000,
          deviceCount: 2,
          devices: [
            { serverId: 'srv-0001', deviceId: 'cam-entrance', status: 'COMPLETED', progress: 100 },
            { serverId: 'srv-0001', deviceId: 'cam-lobby', status: 'SYNCING', progress: 0 },
          ],
        },
      },
    },
    {
      fixture: 'completed-partial-lowercase.xml',
      errorCode: 0,
      repairs: ['quoted unquoted attribute values', 'closed 1 unclosed <device> element'],
      observation: {
        status: 'SUCCEEDED',
        rawStatus: 'completed',
        partial: true,
        progress: 70,
        message: 'VDG Sense completed the export, but 1 of 2 devices did not complete (cam-yard: failed)',
        details: {
          exportId: '3',
          path: '\\\\nas01\\exports\\night-shift',
          bandwidthKbps: 2500,
          deviceCount: 2,
          devices: [
            { serverId: 'srv-0002', deviceId: 'cam-gate', status: 'completed', progress: 100 },
            { serverId: 'srv-0002', deviceId: 'cam-yard', status: 'failed', progress: 40 },
          ],
        },
      },
    },
    { fixture: 'invalid-exportid.xml', errorCode: -57, repairs: [] },
    { fixture: 'general-error.xml', errorCode: -18, repairs: [] },
  ];

  it.each(cases)('reads $fixture into its expected snapshot', (testCase) => {
    // Prepare
    const text = fixture(testCase.fixture);

    // Act
    const result = parseVdgSenseResult(text);

    // Assess
    expect(result.errorCode).toBe(testCase.errorCode);
    expect(result.repairs).toEqual(testCase.repairs);
    if (testCase.observation) {
      expect(result.exports).toHaveLength(1);
      const [entry] = result.exports;
      expect(entry && observeExport(entry)).toEqual(testCase.observation);
    } else {
      expect(result.exports).toEqual([]);
    }
  });

  it('reads the seed sample and its well-formed variant to the same export', () => {
    // Act
    const seed = parseVdgSenseResult(fixture('seed-get-export-video-status.xml'));
    const variant = parseVdgSenseResult(fixture('well-formed-variant.xml'));

    // Assess
    expect(seed.exports).toEqual(variant.exports);
  });

  it('reads a negative errorcode first, even when the rest of the body is broken', () => {
    // Act
    const result = parseVdgSenseResult('<result errorcode="-57"><exports><export><exportid>');

    // Assess
    expect(result.errorCode).toBe(-57);
  });

  it.each([
    ['a truncated body', fixture('syncing-two-devices.xml').slice(0, 300)],
    [
      'an HTML error page',
      '<html><head><title>500</title></head><body><h1>Internal error</h1><br></body></html>',
    ],
    ['well-formed XHTML', '<html><body><p>Service unavailable</p></body></html>'],
    ['a result without errorcode', '<result><exports/></result>'],
    ['an empty body', ''],
    ['a DOCTYPE with entities', fixture('billion-laughs.xml')],
  ])('refuses %s with a clear protocol error', (_name, text) => {
    // Act
    const act = () => parseVdgSenseResult(text);

    // Assess
    expect(act).toThrow(VendorProtocolError);
  });

  it('keeps "01" as text: only fields used as numbers become numbers', () => {
    // Act
    const result = parseVdgSenseResult(
      '<result errorcode="0"><exports><export><exportid>01</exportid><status>PENDING</status></export></exports></result>',
    );

    // Assess
    expect(result.exports[0]?.exportId).toBe('01');
  });

  it('reads tag names case-insensitively, as VDG documents', () => {
    // Act
    const result = parseVdgSenseResult(
      '<Result ErrorCode="0"><Exports><Export><ExportID>5</ExportID><Status>Syncing</Status></Export></Exports></Result>',
    );

    // Assess
    expect(result.exports[0]).toMatchObject({ exportId: '5', status: 'Syncing' });
  });
});

describe('VDG Sense export progress', () => {
  it('weights devices by the length of footage they export', () => {
    // Act
    const progress = exportProgress([
      { progress: '50', startTime: '2024-01-19 10:00:00.000', endTime: '2024-01-19 10:09:00.000' },
      { progress: '100', startTime: '2024-01-19 10:00:00', endTime: '2024-01-19 10:01:00' },
    ]);

    // Assess
    expect(progress).toBe(55);
  });

  it('falls back to equal weights when a time does not parse', () => {
    // Act
    const progress = exportProgress([
      { progress: '50', startTime: '2024-01-19 10:00:00', endTime: '2024-01-19 10:09:00' },
      { progress: '100', startTime: '[timestamp]', endTime: '[timestamp]' },
    ]);

    // Assess
    expect(progress).toBe(75);
  });

  it('has no progress when no device reports one', () => {
    // Act
    const progress = exportProgress([{ progress: undefined, startTime: undefined, endTime: undefined }]);

    // Assess
    expect(progress).toBeUndefined();
  });
});

describe('VDG Sense progress and time values', () => {
  it.each([
    ['50', 50],
    ['50.0', 50],
    ['50%', 50],
    [' 50 % ', 50],
    // A decimal comma is no documented spelling: the device is left without progress.
    ['12,5', undefined],
    ['150', 100],
    ['-3', 0],
    ['', undefined],
    [undefined, undefined],
    ['[value]', undefined],
  ])('reads progress %j as %j', (raw, expected) => {
    // Act
    const progress = readProgress(raw);

    // Assess
    expect(progress).toBe(expected);
  });

  const tenOClock = Date.UTC(2024, 0, 19, 10, 0, 0);
  it.each([
    ['2024-01-19 10:00:00.000', tenOClock],
    ['2024-01-19 10:00:00.500', tenOClock + 500],
    ['2024-01-19 10:00:00', tenOClock],
    [' 2024-01-19 10:00:00 ', tenOClock],
    // What VDG does not write is no time: the documents give one UTC form, with or without .zzz.
    ['2024-01-19 10:00', undefined],
    ['2024-01-19T10:00:00Z', undefined],
    ['2024-01-19T11:00:00+01:00', undefined],
    ['2024-01-19 10:00:00.5', undefined],
    ['1705658400', undefined],
    ['1705658400000', undefined],
    ['[timestamp]', undefined],
    ['19.01.2024 10:00', undefined],
    ['2024-13-19 10:00:00', undefined],
  ])('reads the wire time %j', (text, expected) => {
    // Act
    const time = parseVdgTime(text);

    // Assess
    expect(time).toBe(expected);
  });

  it('takes the export’s progress from its devices only: an export-level <progress> is not documented', () => {
    // Prepare
    const entry = { exportId: '7', status: 'SYNCING', path: undefined, bandwidth: undefined, progress: '40' };

    // Act
    const withoutDevices = observeExport({ ...entry, devices: [] });
    const withDevices = observeExport({
      ...entry,
      devices: [
        {
          serverId: 's',
          deviceId: 'd',
          startTime: undefined,
          endTime: undefined,
          progress: '10',
          status: 'SYNCING',
        },
      ],
    });

    // Assess
    expect(withoutDevices.progress).toBeUndefined();
    expect(withDevices.progress).toBe(10);
  });
});

describe('VDG Sense export fingerprint', () => {
  const reported = {
    exportId: '12',
    path: 'D:\\Exports\\incident-0815',
    status: 'SYNCING',
    bandwidth: '4000',
    devices: [
      {
        serverId: 'SRV-0001',
        deviceId: 'cam-entrance',
        startTime: '2024-01-19 10:00:00.000',
        endTime: '2024-01-19 10:03:00.000',
        progress: '10',
        status: 'SYNCING',
      },
    ],
  };
  it('accepts the same export written differently (case, time precision and spelling)', () => {
    // Act
    const mismatch = fingerprintMismatch(
      {
        path: 'd:\\exports\\INCIDENT-0815',
        devices: [
          {
            serverId: 'srv-0001',
            deviceId: 'cam-entrance',
            startTime: '2024-01-19 10:00:00',
            endTime: '2024-01-19T10:03:00Z',
          },
        ],
      },
      reported,
    );

    // Assess
    expect(mismatch).toBeUndefined();
  });

  it.each([
    [{ path: 'D:\\Exports\\other' }, 'the path differs'],
    // Separators and a trailing separator count: nothing shows VDG rewriting a path it was given.
    [{ path: 'D:/Exports/incident-0815' }, 'the path differs'],
    [{ path: 'D:\\Exports\\incident-0815\\' }, 'the path differs'],
    [{ devices: [{ serverId: 'srv-0001', deviceId: 'cam-lobby' }] }, 'the devices differ'],
    [
      { devices: [{ serverId: 'srv-0001', deviceId: 'cam-entrance', startTime: '2024-01-19 11:00:00' }] },
      'the exported time ranges differ',
    ],
    [
      {
        devices: [
          { serverId: 'srv-0001', deviceId: 'cam-entrance' },
          { serverId: 'srv-0001', deviceId: 'cam-lobby' },
        ],
      },
      'the number of devices differs',
    ],
  ])('tells another export under the same id apart: %j', (expected, reason) => {
    // Act
    const mismatch = fingerprintMismatch(expected, reported);

    // Assess
    expect(mismatch).toBe(reason);
  });
});

describe('VDG Sense reference and options', () => {
  it('accepts an export id with its fingerprint, and a numeric id as text', () => {
    // Act
    const reference = VdgSenseReferenceSchema.parse({
      exportId: 12,
      path: 'D:\\Exports\\x',
      devices: [
        {
          serverId: 's',
          deviceId: 'd',
          startTime: '2024-01-19 10:00:00.000',
          endTime: '2024-01-19 10:01:00.000',
        },
      ],
    });

    // Assess
    expect(reference.exportId).toBe('12');
  });

  it.each([
    [{}, 'exportId'],
    [{ exportId: '' }, 'exportId must not be empty'],
    [{ exportId: '1', url: 'http://elsewhere' }, 'url'],
    [{ exportId: '1', devices: [{ serverId: 's', deviceId: 'd', startTime: 'yesterday' }] }, 'yyyy-mm-dd'],
    [{ exportId: '1', devices: [{ serverId: 's', deviceId: 'd', startTime: '1705658400' }] }, 'yyyy-mm-dd'],
    [{ exportId: '1', devices: [{ serverId: 's', deviceId: 'd', extra: 1 }] }, 'extra'],
  ])('refuses the reference %j, naming the problem', (reference, expected) => {
    // Act
    const parsed = VdgSenseReferenceSchema.safeParse(reference);

    // Assess
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(expected);
  });

  it('accepts device times in ISO 8601 with an offset, as the same instant', () => {
    // Act
    const parsed = VdgSenseReferenceSchema.safeParse({
      exportId: '1',
      devices: [{ serverId: 's', deviceId: 'd', startTime: '2024-01-19T11:00:00+01:00' }],
    });

    // Assess
    expect(parsed.success).toBe(true);
  });

  it('defaults to the digest login with the inferred formula and no nonce', () => {
    // Act
    const options = VdgSenseOptionsSchema.parse({});

    // Assess
    expect(options).toEqual({
      auth: {
        digestParts: ['nonce', 'timestamp', 'password'],
        sessionVia: 'cookie',
        sessionName: 'sessionid',
      },
    });
  });
});

describe('VDG Sense options no document justifies', () => {
  it.each([
    [{ auth: { scheme: 'digest' } }, 'scheme'],
    [{ auth: { scheme: 'basic' } }, 'scheme'],
    [{ auth: { digestAlgorithm: 'md5' } }, 'digestAlgorithm'],
    [{ auth: { digestSeparator: ':' } }, 'digestSeparator'],
    [{ auth: { loginPath: 'login' } }, 'loginPath'],
    [{ auth: { sessionErrorCodes: [-6] } }, 'sessionErrorCodes'],
    [{ auth: { digestParts: ['passwordMd5'] } }, 'digestParts'],
    [{ commandPath: 'cmd' }, 'commandPath'],
    [{ cancelCommand: 'removeExport' }, 'cancelCommand'],
    [{ pathComparison: 'exact' }, 'pathComparison'],
    [{ notListedPollsBeforeLost: 1 }, 'notListedPollsBeforeLost'],
  ])('refuses %j, naming %s', (options, field) => {
    // Act
    const parsed = VdgSenseOptionsSchema.safeParse(options);

    // Assess
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(field);
  });
});
