/**
 * VDG writes UTC as `yyyy-mm-dd hh:nn:ss.zzz`; the status page only says `[timestamp]`, so a
 * manager (or a client library in front of one) may as well write ISO 8601 with `T`, more or
 * fewer fraction digits, a `Z` or an offset, or leave out the seconds. All of those name one
 * instant, so all are read.
 */
const VDG_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** `[timestamp]` read literally: epoch seconds (10 digits today) or milliseconds (13). */
const EPOCH = /^\d{9,13}(?:\.\d+)?$/;

/** Below this an epoch number is taken as seconds: 1e11 s is the year 5138, 1e11 ms is 1973. */
const EPOCH_MILLISECONDS_FROM = 1e11;

/**
 * Parses a VDG time into epoch milliseconds: `yyyy-mm-dd hh:nn:ss[.zzz]` (UTC unless an offset
 * says otherwise) or an epoch number in seconds or milliseconds.
 *
 * @example parseVdgTime('2024-01-19 10:00:00.500') // 1705658400500
 * @example parseVdgTime('1705658400') // 1705658400000
 */
export function parseVdgTime(text: string | undefined): number | undefined {
  const trimmed = (text ?? '').trim();
  if (EPOCH.test(trimmed)) {
    const value = Number(trimmed);
    return Math.round(value < EPOCH_MILLISECONDS_FROM ? value * 1000 : value);
  }
  const match = VDG_TIME.exec(trimmed);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const milliseconds = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  const fields = [Number(month), Number(day), Number(hour), Number(minute), Number(second ?? 0)];
  const [monthNumber = 0, dayNumber = 0, hours = 0, minutes = 0, seconds = 0] = fields;
  if (monthNumber < 1 || monthNumber > 12 || dayNumber < 1 || dayNumber > 31) return undefined;
  if (hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const value = Date.UTC(Number(year), monthNumber - 1, dayNumber, hours, minutes, seconds, milliseconds);
  if (Number.isNaN(value)) return undefined;
  return value - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

/**
 * Formats epoch milliseconds the way VDG writes UTC times.
 *
 * @example formatVdgTime(1705658400500) // '2024-01-19 10:00:00.500'
 * @example formatVdgTime(1705658400500, { milliseconds: false }) // '2024-01-19 10:00:00'
 */
export function formatVdgTime(epochMs: number, options: { milliseconds?: boolean } = {}): string {
  const iso = new Date(epochMs).toISOString();
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  return options.milliseconds === false ? base : `${base}.${iso.slice(20, 23)}`;
}
