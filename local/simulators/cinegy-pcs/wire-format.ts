/*
 * How PCS REST writes values [DOC: the seed's examples]: .NET TimeSpans in constant format
 * (`00:06:32.8320000`) or, per the Swagger schema, as objects; DateTimes with seven fractional
 * digits, with no offset (server-local), with `Z`, or with `+03:00`.
 */

const TICKS_PER_MS = 10_000;

function pad(value: number, width = 2): string {
  return String(Math.trunc(Math.abs(value))).padStart(width, '0');
}

/** `[d.]hh:mm:ss[.fffffff]`, as .NET's TimeSpan.ToString("c"). */
export function timeSpanText(seconds: number): string {
  const ticks = Math.round(seconds * 10_000_000);
  const sign = ticks < 0 ? '-' : '';
  let rest = Math.abs(ticks);
  const fraction = rest % 10_000_000;
  rest = Math.floor(rest / 10_000_000);
  const secs = rest % 60;
  rest = Math.floor(rest / 60);
  const minutes = rest % 60;
  rest = Math.floor(rest / 60);
  const hours = rest % 24;
  const days = Math.floor(rest / 24);
  const dayPart = days > 0 ? `${days}.` : '';
  const fractionPart = fraction > 0 ? `.${pad(fraction, 7)}` : '';
  return `${sign}${dayPart}${pad(hours)}:${pad(minutes)}:${pad(secs)}${fractionPart}`;
}

/** The TimeSpan struct as System.Text.Json wrote it before .NET 6 (the Swagger schema's shape). */
export function timeSpanObject(seconds: number): Record<string, number> {
  const ticks = Math.round(seconds * 10_000_000);
  const totalMilliseconds = ticks / TICKS_PER_MS;
  const whole = Math.trunc(totalMilliseconds);
  return {
    ticks,
    days: Math.trunc(whole / 86_400_000),
    hours: Math.trunc(whole / 3_600_000) % 24,
    milliseconds: whole % 1000,
    minutes: Math.trunc(whole / 60_000) % 60,
    seconds: Math.trunc(whole / 1000) % 60,
    totalDays: totalMilliseconds / 86_400_000,
    totalHours: totalMilliseconds / 3_600_000,
    totalMilliseconds,
    totalMinutes: totalMilliseconds / 60_000,
    totalSeconds: totalMilliseconds / 1000,
  };
}

function wallClock(ms: number): string {
  const date = new Date(ms);
  const base = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  // Seven digits as .NET writes ticks; the last four are what a ms clock cannot know.
  return `${base}.${pad(date.getUTCMilliseconds(), 3)}${pad((ms * 7) % 10_000, 4)}`;
}

/** Server-local time without an offset: `2023-07-27T13:29:00.6410079`. */
export function localDate(ms: number, offsetMinutes: number): string {
  return wallClock(ms + offsetMinutes * 60_000);
}

/** UTC with `Z`: `2023-07-27T10:30:15.2450333Z`. */
export function utcDate(ms: number): string {
  return `${wallClock(ms)}Z`;
}

/** Local time with its offset: `2023-07-27T13:30:36.9985865+03:00`. */
export function offsetDate(ms: number, offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  return `${localDate(ms, offsetMinutes)}${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

/** The seed's broken date: a third digit in the day (`2023-07-273T...`). */
export function brokenDate(ms: number, offsetMinutes: number): string {
  return offsetDate(ms, offsetMinutes).replace(/^(\d{4}-\d{2}-\d{2})T/, '$13T');
}
