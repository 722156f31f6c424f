/**
 * Okast writes its ingest dates as instance-local wall time without a zone and, in the published
 * example, without the dash between month and day (`"2022-1018 14:20:00"`). These helpers read
 * such a wall time in the instance's IANA time zone and turn it into an instant.
 */
import { fixedOffsetMinutes, isIanaTimeZone, wallTimeToInstant } from '../shared/zoned-time.js';

export { wallTimeToInstant };

const WALL_TIME =
  /^\s*(\d{4})-?(\d{2})-?(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i;

/**
 * True when the runtime knows this IANA time zone name.
 *
 * @example isValidTimeZone('Europe/Paris') // true
 */
export const isValidTimeZone = isIanaTimeZone;

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
  return (fixedOffsetMinutes(zone) ?? 0) * 60 * 1000;
}
