import type { SimResponse } from '../sim-server.js';
import type { SimTask } from './state.js';

/*
 * How PCS REST writes values [DOC: the seed's examples and Swagger schema]: .NET TimeSpans in
 * constant format (`00:06:32.8320000`) or, per the Swagger schema, as objects; DateTimes with
 * seven fractional digits, with no offset (server-local), with `Z`, or with `+03:00`; numbers
 * for `status` and `result.type` in the examples, strings in the schema.
 */

/** Wire-format variations seen in the seed, switchable so tests cover each. */
export interface CinegyPcsSimQuirks {
  /** `status: "inProgress"` and `result.type: "success"` (Swagger schema) instead of numbers. */
  stringEnums?: boolean;
  /** TimeSpans as `{ ticks, totalSeconds, ... }` objects instead of `"00:06:32.8320000"`. */
  ticksObjects?: boolean;
  /** A finished task keeps its last progress sample (56%), as in the seed. */
  staleProgressOnFinish?: boolean;
  /** `result.generationTime` in the seed's broken form `2023-07-273T...`. */
  invalidResultDate?: boolean;
  /** List items show `metadata: {}` (as the seed's list does); `tasks/{id}` has it. */
  listOmitsMetadata?: boolean;
  /** Content type of answers; the server's is `application/json; charset=utf-8` [DOC]. */
  contentType?: string;
  /** Most items one `tasks/list` page returns, whatever `count` asks (the seed's `limit: 20`). Default 100. */
  maxListLimit?: number;
  /** Zone of dates written without an offset, minutes east of UTC. Default 0. */
  utcOffsetMinutes?: number;
  /** A UTF-8 byte order mark before every JSON body, as Windows-hosted .NET writers may put it. */
  byteOrderMark?: boolean;
  /** How a missing task or route is answered: ASP.NET's JSON problem (default), an HTML page, or nothing. */
  notFound?: 'problem' | 'html' | 'empty';
}

const TICKS_PER_SECOND = 10_000_000;

function pad(value: number, width = 2): string {
  return String(Math.trunc(Math.abs(value))).padStart(width, '0');
}

/** `[d.]hh:mm:ss[.fffffff]`, as .NET's TimeSpan.ToString("c"). */
export function timeSpanText(seconds: number): string {
  const ticks = Math.round(seconds * TICKS_PER_SECOND);
  const sign = ticks < 0 ? '-' : '';
  let rest = Math.abs(ticks);
  const fraction = rest % TICKS_PER_SECOND;
  rest = Math.floor(rest / TICKS_PER_SECOND);
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

/** The TimeSpan struct as the Swagger schema shows it. */
export function timeSpanObject(seconds: number): Record<string, number> {
  const ticks = Math.round(seconds * TICKS_PER_SECOND);
  const totalMilliseconds = ticks / 10_000;
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

/** The seed's finished task shows 00:06:32.832 of 00:11:40. */
const STALE_FRACTION = 392.832 / 700;

function timeSpan(seconds: number, quirks: CinegyPcsSimQuirks): string | Record<string, number> {
  return quirks.ticksObjects ? timeSpanObject(seconds) : timeSpanText(seconds);
}

function progressJson(task: SimTask, now: number, quirks: CinegyPcsSimQuirks, modifiedAt: number) {
  const position = task.timeline.at(now);
  const state = position.step.state;
  if (!state.started) return null;
  const success = state.result?.type === 0;
  let percent = position.progress ?? (success ? 100 : 0);
  if (success && quirks.staleProgressOnFinish) percent = STALE_FRACTION * 100;
  const current = (task.mediaDurationSeconds * percent) / 100;
  const shortName = task.metadata['src.shortname'] ?? task.name;
  return {
    generationTime: utcDate(modifiedAt),
    globalMessage: `Processing '${shortName}'`,
    globalCurrentProgress: timeSpan(current, quirks),
    globalMaxProgress: timeSpan(task.mediaDurationSeconds, quirks),
    localMessage: null,
    localCurrentProgress: timeSpan(current % 100, quirks),
    localMaxProgress: timeSpan(Math.min(100, task.mediaDurationSeconds), quirks),
  };
}

function resultJson(task: SimTask, now: number, quirks: CinegyPcsSimQuirks, stepAt: number) {
  const result = task.timeline.at(now).step.state.result;
  if (!result) return null;
  const offset = quirks.utcOffsetMinutes ?? 0;
  return {
    details: result.details,
    generationTime: quirks.invalidResultDate ? brokenDate(stepAt, offset) : offsetDate(stepAt, offset),
    type: quirks.stringEnums ? result.typeName : result.type,
  };
}

/**
 * A task as `tasks/{id}` answers it (and, `listed`, as `tasks/list` lists it): the seed's shape.
 *
 * @example taskJson(task, clock.now(), false, {}).status // 0
 */
export function taskJson(
  task: SimTask,
  now: number,
  listed: boolean,
  quirks: CinegyPcsSimQuirks,
): Record<string, unknown> {
  const position = task.timeline.at(now);
  const state = position.step.state;
  const offset = quirks.utcOffsetMinutes ?? 0;
  const stepAt = task.registeredAt + position.step.at * 1000;
  const running = state.started && state.result === undefined && state.status === 0;
  const modifiedAt = running ? now : stepAt;
  return {
    id: task.id,
    type: null,
    name: task.name,
    description: null,
    version: null,
    creatorName: 'Cinegy Convert\\Monitor',
    creatorHost: 'SIM-MONITOR',
    creatorId: '',
    creationTime: localDate(task.registeredAt, offset),
    modificationTime: localDate(modifiedAt, offset),
    timestamp: 0,
    priority: task.priority,
    status: quirks.stringEnums ? state.statusName : state.status,
    statusDescription: state.statusDescription,
    requirements: [],
    metadata: listed && quirks.listOmitsMetadata ? {} : task.metadata,
    payload: { Payload: 'null', type: 'GenericTaskPayload' },
    handlerId: '',
    handlerName: 'Cinegy Convert\\Agent Manager',
    handlerHost: state.started ? 'SIM-AGENT' : '',
    progress: progressJson(task, now, quirks, modifiedAt),
    result: resultJson(task, now, quirks, stepAt),
  };
}

/** A JSON answer as Kestrel sends it, with the quirks' content type and byte order mark. */
export function jsonAnswer(status: number, value: unknown, quirks: CinegyPcsSimQuirks): SimResponse {
  const body = JSON.stringify(value, null, 2);
  return {
    status,
    body: quirks.byteOrderMark ? `\uFEFF${body}` : body,
    contentType: quirks.contentType ?? 'application/json; charset=utf-8',
  };
}

/** A missing task or route, in the form the quirks ask for. */
export function notFoundAnswer(quirks: CinegyPcsSimQuirks): SimResponse {
  if (quirks.notFound === 'empty') return { status: 404, body: '' };
  if (quirks.notFound === 'html') {
    // What Flask, Express or Python's http.server answer for a missing resource.
    return {
      status: 404,
      body: '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n',
      contentType: 'text/html; charset=utf-8',
    };
  }
  // ASP.NET Core's default problem details for a 404.
  return {
    status: 404,
    body: JSON.stringify({
      type: 'https://tools.ietf.org/html/rfc7231#section-6.5.4',
      title: 'Not Found',
      status: 404,
    }),
    contentType: 'application/problem+json; charset=utf-8',
  };
}
