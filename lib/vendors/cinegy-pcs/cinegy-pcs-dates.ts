/*
 * PCS writes .NET DateTime values as it holds them: `2023-07-27T13:29:00.6410079` (local, no
 * offset, seven fractional digits), `2023-07-27T10:30:15.2450333Z`, `...+03:00`, and in one
 * documented example the impossible `2023-07-273T13:30:36.9985865+03:00`. Nothing here throws:
 * a date that cannot be read is simply left out of the observation.
 */
import { fixedOffsetMinutes, isIanaTimeZone, wallTimeToInstant } from '../shared/zoned-time.js';

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** DataContractJsonSerializer's form, `/Date(1690453836998+0300)/`: UTC milliseconds, then the zone. */
const MS_AJAX_DATE = /^\/Date\((-?\d{1,15})([+-]\d{4})?\)\/$/;

/** `0001-01-01T00:00:00` is .NET's default DateTime: "never set", not a date [INF]. */
const DOTNET_MIN_YEAR = 1;

/**
 * True for `UTC`, `Z`, a fixed offset (`+03:00`) or an IANA zone name the runtime knows.
 *
 * @example isValidTimeZone('+03:00') // true
 */
export function isValidTimeZone(zone: string): boolean {
  return fixedOffsetMinutes(zone) !== undefined || isIanaTimeZone(zone);
}

/** Milliseconds since the epoch of a wall-clock time (given as if UTC) in `zone`, or undefined. */
function wallTimeToUtc(wallAsUtcMs: number, zone: string): number | undefined {
  try {
    return wallTimeToInstant(wallAsUtcMs, zone);
  } catch {
    return undefined;
  }
}

/**
 * Reads a PCS date as an ISO UTC timestamp, or `undefined` when it is missing, invalid, or .NET's
 * "never set" default. Dates without an offset are read in `zone` (default UTC).
 *
 * @example parseCinegyDate('2023-07-27T13:30:36.9985865+03:00') // '2023-07-27T10:30:36.998Z'
 * @example parseCinegyDate('2023-07-273T13:30:36.9985865+03:00') // undefined
 * @example parseCinegyDate('2023-07-27T13:29:00.6410079', '+03:00') // '2023-07-27T10:29:00.641Z'
 * @example parseCinegyDate('/Date(1690453836998+0300)/') // '2023-07-27T10:30:36.998Z'
 */
export function parseCinegyDate(value: unknown, zone = 'UTC'): string | undefined {
  if (typeof value !== 'string') return undefined;
  const msAjax = MS_AJAX_DATE.exec(value.trim());
  if (msAjax) {
    // .NET's MinValue (-62135596800000 ms) is "never set" here too.
    const ms = Number(msAjax[1]);
    return ms <= -62_135_596_800_000 || !Number.isFinite(new Date(ms).getTime())
      ? undefined
      : new Date(ms).toISOString();
  }
  const match = DATE_TIME.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const numbers = [year, month, day, hour, minute, second ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = numbers;
  if (y <= DOTNET_MIN_YEAR || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > daysInMonth) return undefined;
  // Seven fractional digits are .NET ticks; milliseconds are all an ISO timestamp here keeps.
  const milliseconds = fraction ? Number(fraction.padEnd(3, '0').slice(0, 3)) : 0;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, milliseconds);
  let utc: number | undefined;
  if (offset !== undefined) {
    const minutes = fixedOffsetMinutes(offset);
    utc = minutes === undefined ? undefined : wall - minutes * 60_000;
  } else {
    utc = wallTimeToUtc(wall, zone);
  }
  if (utc === undefined || !Number.isFinite(utc)) return undefined;
  return new Date(utc).toISOString();
}
