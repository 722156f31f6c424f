const VDG_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z?$/;

/**
 * Parses VDG's UTC time `yyyy-mm-dd hh:nn:ss[.zzz]` into epoch milliseconds.
 *
 * @example parseVdgTime('2024-01-19 10:00:00.500') // 1705658400500
 */
export function parseVdgTime(text: string | undefined): number | undefined {
  const match = VDG_TIME.exec((text ?? '').trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction] = match;
  const milliseconds = fraction ? Number(fraction.padEnd(3, '0')) : 0;
  const value = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    milliseconds,
  );
  return Number.isNaN(value) ? undefined : value;
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
