/**
 * Okast writes its ingest dates as instance-local wall time without a zone and, in the published
 * example, without the dash between month and day (`"2022-1018 14:20:00"`). These helpers read
 * such a wall time in the instance's IANA time zone and turn it into an instant.
 */

const WALL_TIME =
  /^\s*(\d{4})-?(\d{2})-?(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i;

const DAY_MS = 24 * 60 * 60 * 1000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * True when the runtime knows this IANA time zone name.
 *
 * @example isValidTimeZone('Europe/Paris') // true
 */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `timeZone` at `instant`, expressed as if it were UTC (ms). */
function wallClockAt(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  // Intl drops milliseconds; keep them so the offset stays a whole number of seconds.
  return wall + (((instant % 1000) + 1000) % 1000);
}

function offsetAt(instant: number, timeZone: string): number {
  return wallClockAt(instant, timeZone) - instant;
}

/**
 * The instant at which `timeZone` shows this wall time. Where the wall time happens twice (the
 * hour repeated when clocks go back) the earlier instant is taken; where it never happens (the
 * hour skipped when clocks go forward) the offset in force before the change is used, so 02:30
 * on a spring-forward night reads as 03:30 summer time — the same choice as Temporal's
 * "compatible" disambiguation.
 *
 * @example wallTimeToInstant(Date.UTC(2022, 9, 18, 14, 20), 'Europe/Paris') // Date.UTC(2022, 9, 18, 12, 20)
 */
export function wallTimeToInstant(wall: number, timeZone: string): number {
  // Zone offsets never change twice within two days, so the offsets a day either side are the
  // only candidates.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [wall - before, wall - after].filter(
    (instant) => instant + offsetAt(instant, timeZone) === wall,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Reads an Okast date (`YYYY-?MM-?DD[ T]hh:mm[:ss[.fff]]`, optionally with `Z` or `±hh:mm`) as
 * instance-local time in `timeZone`. Returns undefined for anything it cannot read — an entry with
 * a bad date must not break the poll of every other job on the instance.
 *
 * @example parseOkastDate('2022-1018 14:20:00', 'Europe/Paris')?.toISOString() // '2022-10-18T12:20:00.000Z'
 */
export function parseOkastDate(text: string | null | undefined, timeZone: string): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const match = WALL_TIME.exec(text);
  if (!match) return undefined;
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fractionText, zoneText] = match;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText ?? '0');
  const milliseconds = fractionText ? Math.floor(Number(`0.${fractionText}`) * 1000) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, milliseconds);
  if (zoneText) {
    // [INF] Not seen in the documentation, but a date that names its own zone is read in it.
    return new Date(wall - zoneOffsetMs(zoneText));
  }
  try {
    return new Date(wallTimeToInstant(wall, timeZone));
  } catch {
    return undefined;
  }
}

function zoneOffsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60 * 1000;
}
