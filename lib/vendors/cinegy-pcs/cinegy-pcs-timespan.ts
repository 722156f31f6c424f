/*
 * PCS reports progress as media time done / media time total, .NET TimeSpans. Newer servers write
 * them as strings in .NET's constant format (`00:06:32.8320000`, `00:11:40`, `1.02:03:04.5`), the
 * Swagger schema shows the struct serialized as an object (`{ ticks, totalSeconds, ... }`, what
 * System.Text.Json did before .NET 6 [INF]). Both are read; anything else is "no value".
 */

const TICKS_PER_SECOND = 10_000_000;

/** `[-][d.]hh:mm[:ss[.fffffff]]` (constant "c") or `[-]d:hh:mm:ss[.fffffff]` (general "g"). */
const CONSTANT_FORMAT = /^(-)?(?:(\d+)\.)?(\d+):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,9}))?)?$/;
const GENERAL_FORMAT = /^(-)?(\d+):(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,](\d{1,9}))?$/;
/** ISO 8601 durations, as XmlConvert writes TimeSpans (`PT6M32.832S`). */
const ISO_DURATION =
  /^(-)?P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

function fractionSeconds(fraction: string | undefined): number {
  return fraction ? Number(`0.${fraction}`) : 0;
}

function fromParts(
  negative: string | undefined,
  days: number,
  hours: number,
  minutes: number,
  seconds: number,
): number | undefined {
  if (minutes > 59 || seconds >= 60) return undefined;
  const total = days * 86_400 + hours * 3600 + minutes * 60 + seconds;
  if (!Number.isFinite(total)) return undefined;
  return negative ? -total : total;
}

function parseTimeSpanText(text: string): number | undefined {
  const trimmed = text.trim();
  const constant = CONSTANT_FORMAT.exec(trimmed);
  if (constant) {
    const [, negative, days, hours, minutes, seconds, fraction] = constant;
    // With a day part .NET keeps hours under 24; without one, some writers put total hours there.
    if (days !== undefined && Number(hours) > 23) return undefined;
    return fromParts(
      negative,
      Number(days ?? 0),
      Number(hours),
      Number(minutes),
      Number(seconds ?? 0) + fractionSeconds(fraction),
    );
  }
  const general = GENERAL_FORMAT.exec(trimmed);
  if (general) {
    const [, negative, days, hours, minutes, seconds, fraction] = general;
    if (Number(hours) > 23) return undefined;
    return fromParts(
      negative,
      Number(days),
      Number(hours),
      Number(minutes),
      Number(seconds) + fractionSeconds(fraction),
    );
  }
  const iso = ISO_DURATION.exec(trimmed);
  if (iso && trimmed.length > 2 && !/T$/i.test(trimmed)) {
    const [, negative, days, hours, minutes, seconds] = iso;
    const total =
      Number(days ?? 0) * 86_400 +
      Number(hours ?? 0) * 3600 +
      Number(minutes ?? 0) * 60 +
      Number(seconds ?? 0);
    if (!Number.isFinite(total)) return undefined;
    return negative ? -total : total;
  }
  return undefined;
}

function finiteNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** Each total field of the TimeSpan struct, and how many seconds one unit of it is. */
const TOTALS: [string, number][] = [
  ['ticks', 1 / TICKS_PER_SECOND],
  ['totalseconds', 1],
  ['totalmilliseconds', 1 / 1000],
  ['totalminutes', 60],
  ['totalhours', 3600],
  ['totaldays', 86_400],
];
const COMPONENTS: [string, number][] = [
  ['days', 86_400],
  ['hours', 3600],
  ['minutes', 60],
  ['seconds', 1],
  ['milliseconds', 1 / 1000],
];

function parseTimeSpanObject(value: Record<string, unknown>): number | undefined {
  // Field names compared without case: the struct's own are PascalCase, System.Text.Json's camel.
  const fields = new Map(Object.entries(value).map(([key, field]) => [key.toLowerCase(), field]));
  const readings: number[] = [];
  // Ticks are exact (100 ns) and the floating totals derive from them, so they come first.
  for (const [key, unit] of TOTALS) {
    const amount = finiteNumber(fields.get(key));
    if (amount !== undefined) readings.push(amount * unit);
  }
  const parts = COMPONENTS.map(([key, unit]) => {
    const amount = finiteNumber(fields.get(key));
    return amount === undefined ? undefined : amount * unit;
  });
  if (parts.some((part) => part !== undefined)) {
    readings.push(parts.reduce<number>((sum, part) => sum + (part ?? 0), 0));
  }
  if (readings.length === 0) return undefined;
  // The Swagger template zero-fills every field, so a writer that sets only `totalSeconds` leaves
  // `ticks: 0` beside it: the first reading that is not zero is the value.
  return readings.find((reading) => reading !== 0) ?? 0;
}

/**
 * Seconds in a PCS TimeSpan (string or object), or `undefined` when it is absent or unreadable.
 * A bare number alone is refused: it could be ticks or seconds, and guessing wrong is worse than
 * no progress [INF] (a pair of them still gives a ratio: see {@link progressPercent}).
 *
 * @example parseTimeSpanSeconds('00:06:32.8320000') // 392.832
 * @example parseTimeSpanSeconds('1.02:00:00') // 93600
 * @example parseTimeSpanSeconds({ ticks: 7_000_000_000 }) // 700
 */
export function parseTimeSpanSeconds(value: unknown): number | undefined {
  if (typeof value === 'string') return parseTimeSpanText(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return parseTimeSpanObject(value as Record<string, unknown>);
  }
  return undefined;
}

/** A bare number, or a string holding only one: no unit of its own. */
function bareNumber(value: unknown): number | undefined {
  // Trimmed first, and one way to split the digits: `\d+\.?\d*` backtracked quadratically.
  if (typeof value === 'string' && !/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(value.trim())) return undefined;
  return finiteNumber(value);
}

/**
 * Progress 0–100 from the current and maximum TimeSpans, rounded to 0.01; `undefined` when the
 * maximum is missing or not positive (a task not started yet reports 00:00:00 of 00:00:00).
 * Negative or overshooting values are clamped rather than refused. When both are bare numbers
 * their ratio is read whatever the unit (ticks, seconds or frames: it is the same for both) [INF].
 *
 * @example progressPercent('00:06:32.8320000', '00:11:40') // 56.12
 * @example progressPercent(3_928_320_000, 7_000_000_000) // 56.12
 */
export function progressPercent(current: unknown, maximum: unknown): number | undefined {
  const bareMax = bareNumber(maximum);
  const bareDone = bareNumber(current);
  const bothBare = bareMax !== undefined && bareDone !== undefined;
  const max = bothBare ? bareMax : parseTimeSpanSeconds(maximum);
  const done = bothBare ? bareDone : parseTimeSpanSeconds(current);
  if (max === undefined || done === undefined || !(max > 0)) return undefined;
  const percent = Math.min(100, Math.max(0, (done / max) * 100));
  return Math.round(percent * 100) / 100;
}
