import type { JobStatus } from '../../jobs/job-status.js';
import { fixedOffsetMinutes, wallTimeToInstant } from '../shared/zoned-time.js';

/*
 * What Cinegy PCS REST does that a plain reading would trip over, one tolerance each, with where
 * it is seen: [DOC] the PCS REST API reference (../shared/seeds/cinegy-pcs-rest-api.txt), [FIX] a
 * recorded payload in test/vendors/cinegy-pcs/fixtures (taken from that reference).
 */

/**
 * [DOC] The reference says the methods return "an XML text" and its curl examples send
 * `accept: text/plain`, yet every answer shown is `application/json`. JSON is asked for first and
 * read whatever the content type; only markup is refused (see the client).
 */
export const ACCEPT_HEADER = 'application/json, text/plain;q=0.9';

/** .NET's DateTime round-trip form: 1–7 fractional digits, then no offset, `Z` or `±hh:mm`. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})?$/;

function calendarInstant(fields: number[], fraction: string | undefined): number | undefined {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = fields;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return undefined;
  // Seven fractional digits are .NET ticks; an ISO timestamp here keeps milliseconds.
  date.setUTCHours(hour, minute, second, fraction ? Number(fraction.padEnd(3, '0').slice(0, 3)) : 0);
  return date.getTime();
}

function instantIn(wall: number, zone: string): number | undefined {
  try {
    return wallTimeToInstant(wall, zone);
  } catch {
    return undefined;
  }
}

/**
 * [DOC] PCS writes its dates as .NET holds them: `2023-07-27T13:29:00.6410079` (server-local, no
 * offset), `2023-07-27T10:30:15.2450333Z`, `2023-07-27T13:30:36.9985865+03:00` — and [FIX]
 * seed-task-by-id.json has the impossible `2023-07-273T13:30:36.9985865+03:00`. A date without
 * an offset is read in `zone`; one that cannot be read is `undefined`, never an error.
 *
 * @example parseCinegyDate('2023-07-27T13:30:36.9985865+03:00') // '2023-07-27T10:30:36.998Z'
 * @example parseCinegyDate('2023-07-27T13:29:00.6410079', '+03:00') // '2023-07-27T10:29:00.641Z'
 * @example parseCinegyDate('2023-07-273T13:30:36.9985865+03:00') // undefined
 */
export function parseCinegyDate(value: unknown, zone = 'UTC'): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DATE_TIME.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const wall = calendarInstant([year, month, day, hour, minute, second].map(Number), fraction);
  if (wall === undefined) return undefined;
  const offsetMinutes = offset === undefined ? undefined : fixedOffsetMinutes(offset);
  const instant =
    offset === undefined
      ? instantIn(wall, zone)
      : offsetMinutes === undefined
        ? undefined
        : wall - offsetMinutes * 60_000;
  return instant === undefined || !Number.isFinite(instant) ? undefined : new Date(instant).toISOString();
}

const TICKS_PER_SECOND = 10_000_000;

/** .NET's constant ("c") TimeSpan format: `[-][d.]hh:mm:ss[.fffffff]`. */
const TIME_SPAN = /^(-)?(?:(\d{1,8})\.)?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

function timeSpanTextSeconds(text: string): number | undefined {
  const match = TIME_SPAN.exec(text);
  if (!match) return undefined;
  const [, negative, days, hours, minutes, seconds, fraction] = match;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return undefined;
  const total =
    Number(days ?? 0) * 86_400 +
    Number(hours) * 3600 +
    Number(minutes) * 60 +
    Number(seconds) +
    (fraction ? Number(`0.${fraction}`) : 0);
  return negative ? -total : total;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function timeSpanObjectSeconds(value: Record<string, unknown>): number | undefined {
  const ticks = finiteNumber(value.ticks);
  const readings = [
    ticks === undefined ? undefined : ticks / TICKS_PER_SECOND,
    finiteNumber(value.totalSeconds),
  ];
  const read = readings.filter((reading) => reading !== undefined);
  if (read.length === 0) return undefined;
  // [FIX] seed-task-by-id-schema.json: the Swagger template zero-fills every field, so a writer
  // that sets only `totalSeconds` leaves `ticks: 0` beside it. The first reading not 0 counts.
  return read.find((reading) => reading !== 0) ?? 0;
}

/**
 * [DOC] Progress is media time done / media time total, as .NET TimeSpans: strings in the
 * examples (`"00:06:32.8320000"`, `"00:11:40"`, possibly with days `"1.02:03:04"`), the struct
 * `{ ticks, …, totalSeconds }` in the Swagger schema. Seconds, or `undefined` for anything else.
 *
 * @example timeSpanSeconds('00:06:32.8320000') // 392.832
 * @example timeSpanSeconds({ ticks: 7_000_000_000, totalSeconds: 700 }) // 700
 */
export function timeSpanSeconds(value: unknown): number | undefined {
  if (typeof value === 'string') return timeSpanTextSeconds(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return timeSpanObjectSeconds(value as Record<string, unknown>);
  }
  return undefined;
}

/**
 * [FIX] seed-task-by-id.json: a task finished with a success result still shows its last progress
 * sample, 00:06:32.832 of 00:11:40 (56%). The verdict wins: a succeeded task is at 100.
 *
 * @example progressFor('SUCCEEDED', 56.12) // 100
 */
export function progressFor(status: JobStatus, reported: number | undefined): number | undefined {
  return status === 'SUCCEEDED' ? 100 : reported;
}

/**
 * [FIX] seed-tasks-list.txt: `tasks/list` shows `metadata: {}` for finished tasks whose own
 * resource (seed-task-by-id.json) carries `src.name` and the like. A list item with empty
 * metadata says nothing about its metadata: only `tasks/{id}` does.
 *
 * @example listedWithoutMetadata({ metadata: {} }) // true
 */
export function listedWithoutMetadata(task: {
  metadata?: Record<string, unknown> | null | undefined;
}): boolean {
  return !task.metadata || Object.keys(task.metadata).length === 0;
}

/**
 * [FIX] seed-tasks-list.txt answers `limit: 20` whatever `count` asked: the server caps pages.
 * The next page starts after the items that actually came, not after the count asked for.
 *
 * @example nextPageStart(0, 20) // 20
 */
export function nextPageStart(start: number, itemsReturned: number): number {
  return start + itemsReturned;
}
