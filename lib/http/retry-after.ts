/**
 * The vendor's `Retry-After` (RFC 9110 §10.2.3) and the connection-wide pause it asks for.
 *
 * A vendor that answers 429 or 503 throttles the client it sees, and jobwatch shows it one
 * client per connection (one base URL, one set of credentials): so the pause applies to every
 * request of the connection in this process — every job watched on it, a cancel, and the further
 * requests of the same poll (a token, a listing, another REST root). Processes do not share it:
 * in AWS each warm poll container learns it from its own first refused request.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const LONG_WEEKDAYS = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);
/** More digits than this is no delay anyone means (and would lose precision). */
const MAX_DELTA_DIGITS = 10;

/**
 * When a `Retry-After` value asks to be called again, as epoch ms, or undefined when it is not
 * one of the two forms: delta-seconds (`120`) or an HTTP-date — IMF-fixdate
 * (`Sun, 06 Nov 1994 08:49:37 GMT`) or the obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`)
 * and asctime (`Sun Nov  6 08:49:37 1994`) forms a recipient must accept. Parsed by splitting
 * on spaces, in one pass: no regex, linear in the header. A date in the past means "now".
 *
 * @example retryAfterAt('8', Date.parse('2025-01-01T00:00:00Z')) // Date.parse('2025-01-01T00:00:08Z')
 */
export function retryAfterAt(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (isDigits(value)) {
    if (value.length > MAX_DELTA_DIGITS) return undefined;
    return nowMs + Number(value) * 1000;
  }
  const date = parseHttpDate(value, nowMs);
  return date === undefined ? undefined : Math.max(nowMs, date);
}

/** An HTTP-date in any of its three forms, as epoch ms; undefined otherwise. */
export function parseHttpDate(value: string, nowMs = Date.now()): number | undefined {
  const words = value.split(' ').filter((word) => word !== '');
  const [first] = words;
  if (first === undefined) return undefined;
  // Only asctime lacks the comma after the weekday.
  if (!first.endsWith(',')) return parseAsctime(words);
  const weekday = first.slice(0, -1).toLowerCase();
  if (WEEKDAYS.has(weekday)) return parseImfFixdate(words);
  if (LONG_WEEKDAYS.has(weekday)) return parseRfc850(words, nowMs);
  return undefined;
}

/** IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`. */
function parseImfFixdate(words: readonly string[]): number | undefined {
  if (words.length !== 6 || words[5] !== 'GMT') return undefined;
  return utc(words[3], words[2], words[1], words[4]);
}

/** RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT` (a two-digit year more than 50 years ahead is past). */
function parseRfc850(words: readonly string[], nowMs: number): number | undefined {
  if (words.length !== 4 || words[3] !== 'GMT') return undefined;
  const parts = (words[1] ?? '').split('-');
  if (parts.length !== 3) return undefined;
  const [day, month, shortYear] = parts;
  if (shortYear === undefined || shortYear.length !== 2 || !isDigits(shortYear)) return undefined;
  const thisYear = new Date(nowMs).getUTCFullYear();
  let year = Math.floor(thisYear / 100) * 100 + Number(shortYear);
  if (year > thisYear + 50) year -= 100;
  return utc(String(year), month, day, words[2]);
}

/** asctime: `Sun Nov  6 08:49:37 1994`. */
function parseAsctime(words: readonly string[]): number | undefined {
  if (words.length !== 5 || !WEEKDAYS.has((words[0] ?? '').toLowerCase())) return undefined;
  return utc(words[4], words[1], words[2], words[3]);
}

function utc(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
  time: string | undefined,
): number | undefined {
  if (year === undefined || month === undefined || day === undefined || time === undefined) return undefined;
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  const clock = time.split(':');
  if (monthIndex < 0 || year.length !== 4 || !isDigits(year) || clock.length !== 3) return undefined;
  if (day.length < 1 || day.length > 2 || !isDigits(day)) return undefined;
  if (!clock.every((part) => part.length === 2 && isDigits(part))) return undefined;
  const [hours, minutes, seconds] = clock.map(Number) as [number, number, number];
  const dayOfMonth = Number(day);
  if (hours > 23 || minutes > 59 || seconds > 60 || dayOfMonth < 1 || dayOfMonth > 31) return undefined;
  const ms = Date.UTC(Number(year), monthIndex, dayOfMonth, hours, minutes, Math.min(seconds, 59));
  // 31 Feb rolls over into March: not a date.
  return new Date(ms).getUTCDate() === dayOfMonth ? ms : undefined;
}

function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/**
 * The pause one connection's vendor asked for, kept for as long as the connection's session (see
 * `lib/watch/connection-sessions.ts`): every client built for the connection shares it.
 *
 * @example throttle.pause(now + 8000); throttle.pausedUntil(now) // now + 8000
 */
export class ConnectionThrottle {
  private until: number | undefined;

  /** The vendor asked not to be called before `untilMs` (epoch ms on the caller's clock). A later,
   * longer pause extends it; a shorter one does not cut it. */
  pause(untilMs: number): void {
    if (this.until === undefined || untilMs > this.until) this.until = untilMs;
  }

  /** Until when the vendor asked not to be called, if still ahead of `nowMs`; an elapsed pause is forgotten. */
  pausedUntil(nowMs: number): number | undefined {
    if (this.until === undefined) return undefined;
    if (this.until <= nowMs) {
      this.until = undefined;
      return undefined;
    }
    return this.until;
  }
}
