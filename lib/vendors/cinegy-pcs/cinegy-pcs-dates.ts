/*
 * PCS writes .NET DateTime values as it holds them: `2023-07-27T13:29:00.6410079` (local, no
 * offset, seven fractional digits), `2023-07-27T10:30:15.2450333Z`, `...+03:00`, and in one
 * documented example the impossible `2023-07-273T13:30:36.9985865+03:00`. Nothing here throws:
 * a date that cannot be read is simply left out of the observation.
 */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** `0001-01-01T00:00:00` is .NET's default DateTime: "never set", not a date [INF]. */
const DOTNET_MIN_YEAR = 1;

/**
 * True for `UTC`, `Z`, a fixed offset (`+03:00`) or an IANA zone name the runtime knows.
 *
 * @example isValidTimeZone('+03:00') // true
 */
export function isValidTimeZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Z' || FIXED_OFFSET.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function offsetMinutesOf(offset: string): number | undefined {
  if (offset.toUpperCase() === 'Z' || offset === 'UTC') return 0;
  const match = FIXED_OFFSET.exec(offset);
  if (!match) return undefined;
  const [, sign, hours, minutes] = match;
  const total = Number(hours) * 60 + Number(minutes);
  if (Number(hours) > 18 || Number(minutes) > 59) return undefined;
  return sign === '-' ? -total : total;
}

/** The offset (minutes east of UTC) an IANA zone has at a UTC instant. */
function zoneOffsetMinutesAt(zone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const field = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/** Milliseconds since the epoch of a wall-clock time (given as if UTC) in `zone`. */
function wallTimeToUtc(wallAsUtcMs: number, zone: string): number | undefined {
  const fixed = offsetMinutesOf(zone);
  if (fixed !== undefined) return wallAsUtcMs - fixed * 60_000;
  try {
    // Two rounds settle the offset around a DST change well enough for a status timestamp.
    let guess = wallAsUtcMs - zoneOffsetMinutesAt(zone, wallAsUtcMs) * 60_000;
    guess = wallAsUtcMs - zoneOffsetMinutesAt(zone, guess) * 60_000;
    return guess;
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
 */
export function parseCinegyDate(value: unknown, zone = 'UTC'): string | undefined {
  if (typeof value !== 'string') return undefined;
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
    const minutes = offsetMinutesOf(offset);
    utc = minutes === undefined ? undefined : wall - minutes * 60_000;
  } else {
    utc = wallTimeToUtc(wall, zone);
  }
  if (utc === undefined || !Number.isFinite(utc)) return undefined;
  return new Date(utc).toISOString();
}
