/**
 * CTMS timestamps come from .NET services: seven fractional digits and a local offset
 * (`2020-01-27T13:21:53.9138053+01:00`). `Date.parse` is not obliged to accept more than three
 * fractional digits, so the fraction is cut to milliseconds before parsing.
 */
const ISO_WITH_ANY_FRACTION =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Below this an epoch number is seconds, above it milliseconds (1e11 s is the year 5138). */
const EPOCH_MILLISECONDS_FROM = 1e11;

/**
 * Reads a CTMS date leniently and returns it as ISO UTC, or `undefined` when it is not a date.
 * A value without an offset is taken as UTC [INF]: the documented examples always carry one.
 * An epoch number (seconds or milliseconds) is read too [INF: not CTMS's format, but what a
 * hand-written service in front of it may send].
 *
 * @example parseAvidDate('2020-01-27T13:21:53.9138053+01:00') // '2020-01-27T12:21:53.913Z'
 * @example parseAvidDate(1580127713913) // '2020-01-27T12:21:53.913Z'
 * @example parseAvidDate('yesterday') // undefined
 */
export function parseAvidDate(value: string | number | null | undefined): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    const date = new Date(value < EPOCH_MILLISECONDS_FROM ? value * 1000 : value);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  if (typeof value !== 'string') return undefined;
  const match = ISO_WITH_ANY_FRACTION.exec(value.trim());
  if (!match) return undefined;
  const [, day, time, fraction, offset] = match;
  const seconds = time && time.length === 5 ? `${time}:00` : time;
  const millis = (fraction ?? '').slice(0, 3).padEnd(3, '0');
  let zone = (offset ?? 'Z').toUpperCase();
  if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const parsed = Date.parse(`${day}T${seconds}.${millis}${zone}`);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

/** The later of two ISO UTC timestamps (either may be missing). */
export function latestOf(first: string | undefined, second: string | undefined): string | undefined {
  if (!first) return second;
  if (!second) return first;
  return Date.parse(first) >= Date.parse(second) ? first : second;
}
