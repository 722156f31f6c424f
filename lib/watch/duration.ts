import { InvalidInputError } from '../jobs/errors.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Parses a duration as people write it in pipelines: `90s`, `30m`, `2h`, `1d12h`, or ISO 8601
 * (`PT2H`, `P1DT6H`).
 *
 * @example parseDurationSeconds('1h30m') // 5400
 */
export function parseDurationSeconds(text: string): number {
  const trimmed = text.trim();
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(trimmed);
  if (iso && trimmed.length > 1 && !/T$/i.test(trimmed)) {
    const [, days, hours, minutes, seconds] = iso;
    return (
      Number(days ?? 0) * 86_400 +
      Number(hours ?? 0) * 3600 +
      Number(minutes ?? 0) * 60 +
      Number(seconds ?? 0)
    );
  }
  // Sticky (`y`): each part must start where the last ended, so a run of digits without a unit is
  // read once, not retried from every digit (quadratic: issue 10).
  const parts = [...trimmed.matchAll(/\s*(\d+(?:\.\d+)?)\s*([smhdw])/giy)];
  const rebuilt = parts.map((part) => part[0].replace(/\s+/g, '')).join('');
  if (parts.length === 0 || rebuilt.toLowerCase() !== trimmed.replace(/\s+/g, '').toLowerCase()) {
    throw new InvalidInputError(`"${text}" is not a duration (examples: 90s, 30m, 2h, 1d12h, PT2H)`);
  }
  return parts.reduce(
    (total, part) => total + Number(part[1]) * (UNIT_SECONDS[(part[2] ?? 's').toLowerCase()] ?? 1),
    0,
  );
}

/**
 * A deadline given as an ISO timestamp or as a duration from `now`, as an ISO timestamp.
 *
 * @example resolveDeadline('2h', new Date('2026-01-01T00:00:00Z')) // '2026-01-01T02:00:00.000Z'
 */
export function resolveDeadline(deadline: string, now: Date): string {
  const asDate = Date.parse(deadline);
  if (/^\d{4}-\d{2}-\d{2}T/.test(deadline) && !Number.isNaN(asDate)) return new Date(asDate).toISOString();
  return new Date(now.getTime() + parseDurationSeconds(deadline) * 1000).toISOString();
}
