import type { OkastSimState } from './state.js';

/*
 * How an Okast channels instance writes its ingest list, as the published example shows it
 * (../shared/seeds/okast-ingest-status.txt): a bare JSON array indented by four spaces, each entry
 * echoing its `request`, dates as instance-local wall time without a zone and without the dash
 * between month and day (`"2022-1018 14:20:00"`), `statusError` as text when ERRORED.
 */

/** Variations of the list another page (or another stand-in written from the same documents) may show. */
export interface OkastSimQuirks {
  /**
   * How dates are written: `seed` = `2022-1018 14:20:00` (as published, default); `dashed` =
   * `2022-10-18 14:20:00` and `isoLocal` = `2022-10-18T14:20:00`, the other spellings of
   * `YYYY-?MM-?DD[ T]hh:mm:ss` the vendor notes describe.
   */
  dateFormat?: 'seed' | 'dashed' | 'isoLocal';
  /** The content type of the status page; default `application/json` (PHP pages often say text/html). */
  contentType?: string;
  /** A second ingest of a file already DONE ends ERRORED "File already exists in database", as in the published example. Default true. */
  refuseDuplicates?: boolean;
}

type WallClock = Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;

const clocks = new Map<string, Intl.DateTimeFormat>();

function clockOf(timeZone: string): Intl.DateTimeFormat {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    clocks.set(timeZone, clock);
  }
  return clock;
}

/**
 * What a clock on the wall of the instance shows at `instant` (the instance's IANA zone).
 *
 * @example wallClockIn(Date.UTC(2022, 9, 18, 12, 20), 'Europe/Paris').hour // '14'
 */
export function wallClockIn(instant: number, timeZone: string): WallClock {
  const parts = Object.fromEntries(
    clockOf(timeZone)
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  return {
    year: parts.year ?? '1970',
    month: parts.month ?? '01',
    day: parts.day ?? '01',
    hour: parts.hour ?? '00',
    minute: parts.minute ?? '00',
    second: parts.second ?? '00',
  };
}

/**
 * An instant as the instance writes it.
 *
 * @example okastDate(Date.UTC(2022, 9, 18, 14, 20), 'UTC') // '2022-1018 14:20:00'
 */
export function okastDate(
  instant: number,
  timeZone: string,
  format: OkastSimQuirks['dateFormat'] = 'seed',
): string {
  const { year, month, day, hour, minute, second } = wallClockIn(instant, timeZone);
  const time = `${hour}:${minute}:${second}`;
  switch (format) {
    case 'dashed':
      return `${year}-${month}-${day} ${time}`;
    case 'isoLocal':
      return `${year}-${month}-${day}T${time}`;
    default:
      return `${year}-${month}${day} ${time}`;
  }
}

/** One entry of the list, as published: the echoed request, the two dates, the status. */
export function entryJson(
  request: Readonly<Record<string, string>>,
  dates: { requestTime: string; lastStatusUpdate: string },
  state: OkastSimState,
): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    request: { ...request },
    requestTime: dates.requestTime,
    lastStatusUpdate: dates.lastStatusUpdate,
    status: state.status,
  };
  if (state.statusError !== undefined) entry.statusError = state.statusError;
  return entry;
}

/** The published example is indented by four spaces, as PHP's JSON_PRETTY_PRINT writes it. */
export function listJson(entries: readonly unknown[]): string {
  return JSON.stringify(entries, null, 4);
}
