/**
 * Wall-clock time in a vendor's own time zone. Cinegy PCS and Okast write local times without an
 * offset; reading them needs the zone's offset at that moment, DST included. One implementation
 * for adapters and simulators alike.
 */

const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
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
 * Minutes east of UTC of `Z`, `UTC` or a fixed offset (`+03:00`, `-0530`); undefined otherwise.
 *
 * @example fixedOffsetMinutes('+03:00') // 180
 */
export function fixedOffsetMinutes(zone: string): number | undefined {
  if (zone.toUpperCase() === 'Z' || zone === 'UTC') return 0;
  const match = FIXED_OFFSET.exec(zone);
  if (!match) return undefined;
  const [, sign, hours, minutes] = match;
  if (Number(hours) > 18 || Number(minutes) > 59) return undefined;
  const total = Number(hours) * 60 + Number(minutes);
  return sign === '-' ? -total : total;
}

/**
 * True when the runtime knows this IANA zone name (`Europe/Paris`).
 *
 * @example isIanaTimeZone('Europe/Paris') // true
 */
export function isIanaTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `timeZone` at `instant`, as calendar parts. */
export function wallClockParts(
  instant: number,
  timeZone: string,
): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = part.value;
  }
  return {
    year: parts.year ?? '1970',
    month: parts.month ?? '01',
    day: parts.day ?? '01',
    hour: parts.hour ?? '00',
    minute: parts.minute ?? '00',
    second: parts.second ?? '00',
  };
}

/** The wall clock of `timeZone` at `instant`, expressed as if it were UTC (ms). */
export function wallClockAt(instant: number, timeZone: string): number {
  const parts = wallClockParts(instant, timeZone);
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  // Intl drops milliseconds; keep them so the offset stays a whole number of seconds.
  return wall + (((instant % 1000) + 1000) % 1000);
}

function offsetAt(instant: number, timeZone: string): number {
  return wallClockAt(instant, timeZone) - instant;
}

/**
 * The instant at which `zone` (IANA name or fixed offset) shows this wall time (given as if UTC).
 * Where the wall time happens twice (the hour repeated when clocks go back) the earlier instant is
 * taken; where it never happens (the hour skipped when clocks go forward) the offset in force
 * before the change is used, so 02:30 on a spring-forward night reads as 03:30 summer time — the
 * same choice as Temporal's "compatible" disambiguation. Throws for an unknown zone.
 *
 * @example wallTimeToInstant(Date.UTC(2022, 9, 18, 14, 20), 'Europe/Paris') // Date.UTC(2022, 9, 18, 12, 20)
 */
export function wallTimeToInstant(wall: number, zone: string): number {
  const fixed = fixedOffsetMinutes(zone);
  if (fixed !== undefined) return wall - fixed * 60_000;
  // Zone offsets never change twice within two days, so the offsets a day either side are the
  // only candidates.
  const before = offsetAt(wall - DAY_MS, zone);
  const after = offsetAt(wall + DAY_MS, zone);
  const candidates = [wall - before, wall - after].filter(
    (instant) => instant + offsetAt(instant, zone) === wall,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}
