import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SimResponse } from '../sim-server.js';
import type { ListedActivity } from './state.js';

/**
 * How AdmiralCloud writes things, from its documents and public code — written here on its own,
 * never borrowed from the adapter: compact JSON, `{"message":"error_…"}` errors, the activity
 * listing, and the request signature as the API computes it.
 */

/** JSON as the API's Node server sends it: compact, so `{"ok":true}` is byte for byte the same. */
export function compact(status: number, value: unknown): SimResponse {
  return { status, body: JSON.stringify(value), contentType: 'application/json; charset=utf-8' };
}

/** The API's error body. */
export function errorAnswer(status: number, message: string): SimResponse {
  return compact(status, { message });
}

function activityJson(activity: ListedActivity, now: number): Record<string, unknown> {
  return {
    id: activity.id,
    jobId: activity.jobId,
    type: activity.type,
    percent: activity.percent,
    createdAt: new Date(activity.createdAt).toISOString(),
    updatedAt: new Date(now).toISOString(),
  };
}

/**
 * `{ activities, modelChanges, modelChangesES }`; `grouped` keys the activities by type
 * (`upload`, `miscActivities`), the two types the find-activities reference names.
 */
export function listingAnswer(
  activities: readonly ListedActivity[],
  now: number,
  grouped: boolean,
): SimResponse {
  const written = activities.map((activity) => activityJson(activity, now));
  const body = grouped
    ? {
        upload: written.filter((activity) => activity.type === 'upload'),
        miscActivities: written.filter((activity) => activity.type !== 'upload'),
      }
    : written;
  return compact(200, { activities: body, modelChanges: [], modelChangesES: [] });
}

/**
 * The signed GET parameters as an older API server saw them: `value == parseInt(value)` turned
 * `"4711"` into 4711 and left `"7c1e…"` and `"0815"` strings.
 */
export function numericParams(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const numeric = typeof value === 'string' ? Number.parseInt(value, 10) : Number.NaN;
    converted[key] = typeof value === 'string' && String(numeric) === value ? numeric : value;
  }
  return converted;
}

/**
 * The text the API hashes: the base (v1 `controller\naction`, v2 the lower-cased path), `\n` rts,
 * and `\n` + the payload's JSON when it has keys — top-level keys sorted as strings, then
 * `JSON.stringify` (which lists integer keys first).
 */
export function hashInput(base: string, rts: number, payload: Readonly<Record<string, unknown>>): string {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(payload).sort()) sorted[key] = payload[key];
  const body = Object.keys(sorted).length === 0 ? '' : `\n${JSON.stringify(sorted)}`;
  return `${base}\n${rts}${body}`;
}

export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

/** Compares a sent hash with an expected one in constant time. */
export function sameHex(expected: string, given: string): boolean {
  const left = Buffer.from(expected, 'utf8');
  const right = Buffer.from(given, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
