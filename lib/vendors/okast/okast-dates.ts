/**
 * Okast writes its ingest dates as instance-local wall time without a zone and, in the published
 * example, without the dash between month and day (`"2022-1018 14:20:00"`). These helpers read
 * such a wall time in the instance's IANA time zone and turn it into an instant. Other shapes a
 * PHP page (or whatever stands in for one) may write are read too, as long as they are
 * unambiguous: ISO 8601 with or without a zone, Unix seconds or milliseconds, a compact
 * `YYYYMMDDhhmmss`, and RFC 2822 / JavaScript dates that name their zone.
 */
import { isIanaTimeZone, wallTimeToInstant } from '../shared/zoned-time.js';

export { wallTimeToInstant };

const WALL_TIME =
  /^(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})(?:T\s*|\s+)(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
/** `date('YmdHis')`: fourteen digits, no separators at all. */
const COMPACT_WALL_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
/** Unix time: 9 to 11 digits are seconds (1973–5138), 13 are milliseconds. */
const UNIX_SECONDS = /^\d{9,11}(?:\.\d+)?$/;
const UNIX_MILLISECONDS = /^\d{13}$/;
/** `Tue, 18 Oct 2022 14:20:00 +0200`, `Tue Oct 18 2022 14:20:00 GMT+0200 (…)`: a month name and a zone. */
const NAMED_MONTH_WITH_ZONE =
  /^(?:[a-z]{3},?\s+)?(?:\d{1,2}\s+[a-z]{3}|[a-z]{3}\s+\d{1,2})\s+\d{4}\s+\d{2}:\d{2}(?::\d{2})?\s+(?:GMT|UTC|Z|[+-]\d{4})/i;
const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})?$/;

/**
 * Minutes east of UTC of `Z`, `UTC`, `GMT`, `±hh`, `±hhmm` or `±hh:mm`; undefined otherwise.
 *
 * @example offsetMinutes('+0530') // 330
 */
export function offsetMinutes(zone: string): number | undefined {
  const upper = zone.trim().toUpperCase();
  if (upper === 'Z' || upper === 'UTC' || upper === 'GMT') return 0;
  const match = FIXED_OFFSET.exec(upper);
  if (!match) return undefined;
  const [, sign, hours, minutes] = match;
  if (Number(hours) > 18 || Number(minutes ?? '0') > 59) return undefined;
  const total = Number(hours) * 60 + Number(minutes ?? '0');
  return sign === '-' ? -total : total;
}

/**
 * True when this can be the `timeZone` option: an IANA name the runtime knows, or a fixed offset
 * (`UTC`, `+02:00`) for an instance whose clock ignores daylight saving time.
 *
 * @example isValidTimeZone('Europe/Paris') // true
 * @example isValidTimeZone('+02:00') // true
 */
export function isValidTimeZone(timeZone: string): boolean {
  return offsetMinutes(timeZone) !== undefined || isIanaTimeZone(timeZone);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The wall time as if it were UTC, or undefined for a calendar date or time that does not exist. */
function wallTime(parts: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  milliseconds: number;
}): number | undefined {
  const { year, month, day, hour, minute, second, milliseconds } = parts;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, milliseconds);
}

function inZone(wall: number | undefined, timeZone: string): Date | undefined {
  if (wall === undefined) return undefined;
  const fixed = offsetMinutes(timeZone);
  if (fixed !== undefined) return new Date(wall - fixed * 60_000);
  try {
    return new Date(wallTimeToInstant(wall, timeZone));
  } catch {
    return undefined;
  }
}

/**
 * Reads an Okast date as instance-local time in `timeZone`: `YYYY-?MM-?DD[ T]hh:mm[:ss[.fff]]`
 * (the published shape; `/` or `.` also separate the date), or `YYYYMMDDhhmmss`. A date that
 * names its zone (`Z`, `UTC`, `±hh:mm`, RFC 2822) is read in it [INF], and a number of 9 to 11
 * digits is Unix seconds, 13 digits Unix milliseconds [INF]. Returns undefined for anything it
 * cannot read — an entry with a bad date must not break the poll of every other job on the
 * instance.
 *
 * @example parseOkastDate('2022-1018 14:20:00', 'Europe/Paris')?.toISOString() // '2022-10-18T12:20:00.000Z'
 * @example parseOkastDate('1666102800', 'Europe/Paris')?.toISOString() // '2022-10-18T14:20:00.000Z'
 */
export function parseOkastDate(text: string | null | undefined, timeZone: string): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  if (UNIX_SECONDS.test(trimmed)) return new Date(Math.round(Number(trimmed) * 1000));
  if (UNIX_MILLISECONDS.test(trimmed)) return new Date(Number(trimmed));

  const compact = COMPACT_WALL_TIME.exec(trimmed);
  if (compact) {
    const [, year, month, day, hour, minute, second] = compact.map(Number);
    return inZone(
      wallTime({
        year: year ?? 0,
        month: month ?? 0,
        day: day ?? 0,
        hour: hour ?? 0,
        minute: minute ?? 0,
        second: second ?? 0,
        milliseconds: 0,
      }),
      timeZone,
    );
  }

  const match = WALL_TIME.exec(trimmed);
  if (match) {
    const [, yearText, monthText, dayText, hourText, minuteText, secondText, fractionText, zoneText] = match;
    const wall = wallTime({
      year: Number(yearText),
      month: Number(monthText),
      day: Number(dayText),
      hour: Number(hourText),
      minute: Number(minuteText),
      second: Number(secondText ?? '0'),
      milliseconds: fractionText ? Math.floor(Number(`0.${fractionText}`) * 1000) : 0,
    });
    // [INF] Not seen in the documentation, but a date that names its own zone is read in it.
    return inZone(wall, zoneText ?? timeZone);
  }

  if (NAMED_MONTH_WITH_ZONE.test(trimmed)) {
    // Only with an explicit zone: Date.parse reads a zone-less text in the *server's* zone.
    const instant = Date.parse(trimmed);
    return Number.isNaN(instant) ? undefined : new Date(instant);
  }
  return undefined;
}
