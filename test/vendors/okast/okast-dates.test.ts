import { describe, expect, it } from 'vitest';
import { isValidTimeZone, OkastOptionsSchema, parseOkastDate } from '../../../lib/vendors/okast/index.js';

describe('parseOkastDate', () => {
  it.each([
    // The published shape: no dash between month and day, no zone.
    ['2022-1018 14:20:00', 'UTC', '2022-10-18T14:20:00.000Z'],
    ['2022-10-18 14:20:00', 'UTC', '2022-10-18T14:20:00.000Z'],
    ['20221018 14:20:00', 'UTC', '2022-10-18T14:20:00.000Z'],
    ['2022-10-18T14:20:00', 'UTC', '2022-10-18T14:20:00.000Z'],
    ['2022-10-18 14:20', 'UTC', '2022-10-18T14:20:00.000Z'],
    ['2022-10-18 14:20:00.250', 'UTC', '2022-10-18T14:20:00.250Z'],
    ['  2022-1018 14:20:00 ', 'UTC', '2022-10-18T14:20:00.000Z'],
    // Instance-local time: summer and winter offsets.
    ['2022-1018 14:20:00', 'Europe/Paris', '2022-10-18T12:20:00.000Z'],
    ['2022-1218 14:20:00', 'Europe/Paris', '2022-12-18T13:20:00.000Z'],
    ['2022-1018 14:20:00', 'America/New_York', '2022-10-18T18:20:00.000Z'],
    ['2022-1218 14:20:00', 'America/New_York', '2022-12-18T19:20:00.000Z'],
    ['2022-1018 14:20:00', 'Asia/Kolkata', '2022-10-18T08:50:00.000Z'],
    // Clocks go forward in Paris at 02:00 → 03:00: 02:30 never happens, read as 03:30 summer time.
    ['2022-0327 02:30:00', 'Europe/Paris', '2022-03-27T01:30:00.000Z'],
    ['2022-0327 01:59:59', 'Europe/Paris', '2022-03-27T00:59:59.000Z'],
    ['2022-0327 03:00:00', 'Europe/Paris', '2022-03-27T01:00:00.000Z'],
    // Clocks go back in Paris at 03:00 → 02:00: 02:30 happens twice, the earlier one is taken.
    ['2022-1030 02:30:00', 'Europe/Paris', '2022-10-30T00:30:00.000Z'],
    ['2022-1030 01:59:59', 'Europe/Paris', '2022-10-29T23:59:59.000Z'],
    ['2022-1030 03:00:00', 'Europe/Paris', '2022-10-30T02:00:00.000Z'],
    // New York's autumn change at 02:00 → 01:00.
    ['2022-1106 01:30:00', 'America/New_York', '2022-11-06T05:30:00.000Z'],
    // A half-hour daylight saving shift (Lord Howe Island, 02:00 → 01:30 on 3 April 2022).
    ['2022-0403 01:45:00', 'Australia/Lord_Howe', '2022-04-02T14:45:00.000Z'],
    // A date that names its own zone is read in it, whatever the instance's zone.
    ['2022-10-18T14:20:00+02:00', 'America/New_York', '2022-10-18T12:20:00.000Z'],
    ['2022-10-18 14:20:00Z', 'Europe/Paris', '2022-10-18T14:20:00.000Z'],
    ['2022-10-18T14:20:00.000Z', 'Europe/Paris', '2022-10-18T14:20:00.000Z'],
    ['2022-10-18T14:20:00+0200', 'UTC', '2022-10-18T12:20:00.000Z'],
    ['2022-10-18T14:20:00+02', 'UTC', '2022-10-18T12:20:00.000Z'],
    ['2022-10-18 14:20:00 -05:00', 'UTC', '2022-10-18T19:20:00.000Z'],
    ['2022-10-18 14:20:00 UTC', 'Europe/Paris', '2022-10-18T14:20:00.000Z'],
    ['2022-10-18 14:20:00 GMT', 'Europe/Paris', '2022-10-18T14:20:00.000Z'],
    // Other ways a page may write the same moment [INF].
    ['2022/10/18 14:20:00', 'UTC', '2022-10-18T14:20:00.000Z'],
    ['2022.10.18 14:20:00', 'Europe/Paris', '2022-10-18T12:20:00.000Z'],
    ['20221018142000', 'Europe/Paris', '2022-10-18T12:20:00.000Z'],
    ['1666102800', 'Europe/Paris', '2022-10-18T14:20:00.000Z'],
    ['1666102800.5', 'UTC', '2022-10-18T14:20:00.500Z'],
    ['1666102800000', 'Europe/Paris', '2022-10-18T14:20:00.000Z'],
    ['Tue, 18 Oct 2022 14:20:00 +0200', 'America/New_York', '2022-10-18T12:20:00.000Z'],
    ['Tue Oct 18 2022 14:20:00 GMT+0200 (Central European Summer Time)', 'UTC', '2022-10-18T12:20:00.000Z'],
    // A fixed offset as the instance's zone.
    ['2022-1018 14:20:00', '+02:00', '2022-10-18T12:20:00.000Z'],
    ['2022-1018 14:20:00', '-0530', '2022-10-18T19:50:00.000Z'],
  ])('reads %j in %s as %s', (text, timeZone, expected) => {
    // Act
    const parsed = parseOkastDate(text, timeZone);

    // Assess
    expect(parsed?.toISOString()).toBe(expected);
  });

  it.each([
    [''],
    ['yesterday'],
    ['2022-1018'],
    ['18/10/2022 14:20:00'],
    ['2022-1318 14:20:00'],
    ['2022-0230 10:00:00'],
    ['2022-1018 24:00:00'],
    ['2022-1018 14:60:00'],
    ['2022-10-273T13:30:36'],
    ['20221318142000'],
    ['12345'],
    ['Tue, 18 Oct 2022 14:20:00'],
    ['2022-10-18 14:20:00 +25:00'],
  ])('cannot read %j and says so without throwing', (text) => {
    // Act
    const parsed = parseOkastDate(text, 'Europe/Paris');

    // Assess
    expect(parsed).toBeUndefined();
  });

  it('reads nothing from a missing date', () => {
    // Act and Assess
    expect(parseOkastDate(undefined, 'UTC')).toBeUndefined();
    expect(parseOkastDate(null, 'UTC')).toBeUndefined();
  });
});

describe('the timeZone option', () => {
  it('accepts IANA names and defaults to UTC', () => {
    // Act
    const defaults = OkastOptionsSchema.parse({});
    const paris = OkastOptionsSchema.parse({ timeZone: 'Europe/Paris' });

    // Assess
    expect(defaults.timeZone).toBe('UTC');
    expect(paris.timeZone).toBe('Europe/Paris');
    expect(isValidTimeZone('Australia/Lord_Howe')).toBe(true);
  });

  it('accepts a fixed offset for an instance whose clock ignores daylight saving time', () => {
    // Act
    const offset = OkastOptionsSchema.parse({ timeZone: '+02:00' });

    // Assess
    expect(offset.timeZone).toBe('+02:00');
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('+2')).toBe(false);
  });

  it('refuses a zone the runtime does not know, naming the option', () => {
    // Act
    const result = OkastOptionsSchema.safeParse({ timeZone: 'Mars/Olympus_Mons' });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['timeZone']);
    expect(result.error?.issues[0]?.message).toContain('IANA time zone');
  });
});

describe('the statusPath option', () => {
  it.each([
    ['/synthesia/x/_getIngestStatus.php', 'synthesia/x/_getIngestStatus.php'],
    ['okast/_getIngestStatus.php?instance=3', 'okast/_getIngestStatus.php?instance=3'],
    ['https://c.example.com/okast/_getIngestStatus.php', 'https://c.example.com/okast/_getIngestStatus.php'],
  ])('takes %j as %j', (statusPath, expected) => {
    // Act and Assess
    expect(OkastOptionsSchema.parse({ statusPath }).statusPath).toBe(expected);
  });

  it.each([['ftp://c.example.com/_getIngestStatus.php'], ['javascript:alert(1)'], ['/'], ['  ']])(
    'refuses %j',
    (statusPath) => {
      // Act
      const result = OkastOptionsSchema.safeParse({ statusPath });

      // Assess
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['statusPath']);
    },
  );
});
