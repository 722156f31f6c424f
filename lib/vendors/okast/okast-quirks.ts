import type { JobStatus } from '../../jobs/job-status.js';
import { wallTimeToInstant } from '../shared/zoned-time.js';
import { mapOkastStatus } from './map-okast-status.js';

/*
 * What Okast does differently from a tidy JSON API, each beside the field that needs it, with
 * what shows it: [DOC] Okast's documentation (../shared/seeds/okast-ingest-status.txt),
 * [FIX] the published example (test/vendors/okast/fixtures/seed-ingest-status.txt),
 * [OBS] the payloads described in the vendor notes.
 */

/**
 * [FIX] `"requestTime": "2022-1018 14:20:00"`: no dash between month and day, and no zone.
 * [OBS] Read as `YYYY-?MM-?DD[ T]hh:mm:ss`, in the instance's own zone (the `timeZone` option).
 */
const OKAST_DATE = /^(\d{4})-?(\d{2})-?(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Reads an Okast date (`requestTime`, `lastStatusUpdate`) as wall time in the instance's IANA
 * zone. A wall time repeated when clocks go back is the earlier instant; one skipped when they go
 * forward is read with the offset before the change. Undefined for anything else — an entry with
 * a bad date must not break the poll of every other job on the instance.
 *
 * @example parseOkastDate('2022-1018 14:20:00', 'Europe/Paris')?.toISOString() // '2022-10-18T12:20:00.000Z'
 */
export function parseOkastDate(text: string | null | undefined, timeZone: string): Date | undefined {
  const match = typeof text === 'string' ? OKAST_DATE.exec(text) : null;
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  return new Date(wallTimeToInstant(wall, timeZone));
}

function isEmpty(value: string | null | undefined): value is '' | null | undefined {
  return value === undefined || value === null || value === '';
}

/**
 * Whether an entry's echo of an optional `_addVideoLink.php` parameter rules it out for a
 * reference. [FIX] Entries echo some parameters for some requests only (the second one echoes
 * neither `destinationFolder` nor `destinationFolderKind`, none echoes `validate`), and echo
 * `"destinationFolderIndex": ""` for one not given: only a value on both sides that differs
 * rules an entry out.
 *
 * @example echoDisagrees('queueTop', 'queueBottom') // true
 * @example echoDisagrees('queueTop', undefined) // false
 */
export function echoDisagrees(wanted: string | undefined, echoed: string | null | undefined): boolean {
  return !isEmpty(wanted) && !isEmpty(echoed) && wanted !== echoed;
}

/**
 * The status of a listed entry. [DOC] Only `DONE` and `ERRORED` are documented, and every listed
 * entry is a request Okast accepted (the vendor notes read any other value as in progress): an
 * undocumented status is RUNNING, with the raw value kept beside it. Only an entry without a
 * status is UNKNOWN.
 *
 * @example statusOfListedEntry('PROCESSING') // 'RUNNING'
 */
export function statusOfListedEntry(raw: string | null | undefined): JobStatus {
  const status = mapOkastStatus(raw);
  return status === 'UNKNOWN' && !isEmpty(raw) ? 'RUNNING' : status;
}
