import { z } from 'zod';
import { groupedEntries, isPendingBody } from './admiralcloud-quirks.js';

/**
 * AdmiralCloud's payloads, read leniently: the activity object is not published beyond "jobId
 * and percent" (the update call's answer) [DOC], so every field is optional, extra fields are
 * kept, and a field of another type is ignored rather than refused.
 */

/** `{"message":"error_…"}` — the API's error body, also on 401 (`…_hashMismatch`) [CODE]. */
export const AdmiralCloudErrorBodySchema = z.looseObject({ message: z.unknown().optional() });

/**
 * The vendor's message from an error body, at most 300 characters; undefined when it has none.
 *
 * @example errorMessageOf({ message: 'error_notFound' }) // 'error_notFound'
 */
export function errorMessageOf(body: unknown): string | undefined {
  const parsed = AdmiralCloudErrorBodySchema.safeParse(body);
  const message = parsed.success ? parsed.data.message : undefined;
  return typeof message === 'string' && message.trim() !== '' ? message.slice(0, 300) : undefined;
}

/** What a jobResult body says, before it becomes a status. */
export type JobResultBody =
  /** Exactly `{ "ok": true }`: the job has not reached 100% yet [CODE]. */
  | { kind: 'pending' }
  /** `{}`: done, and the job left no result [DOC]. */
  | { kind: 'empty' }
  /** Anything else: done, this is the result. */
  | { kind: 'result'; value: unknown };

/**
 * Reads a jobResult body.
 *
 * @example classifyJobResult({ ok: true }) // { kind: 'pending' }
 * @example classifyJobResult({}) // { kind: 'empty' }
 */
export function classifyJobResult(body: unknown): JobResultBody {
  if (isPendingBody(body)) return { kind: 'pending' };
  const isEmptyObject =
    typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0;
  return isEmptyObject ? { kind: 'empty' } : { kind: 'result', value: body };
}

const IdSchema = z.union([z.string(), z.number()]);

/** One entry of the activity listing. */
export const AdmiralCloudActivitySchema = z.looseObject({
  id: IdSchema.nullish(),
  jobId: IdSchema.nullish(),
  /** 0–100 [DOC: an update answers "jobId and percent"]; anything but a number is no percent. */
  percent: z.unknown().optional(),
  /** `upload`, `miscActivities`… [DOC]; read when a string. */
  type: z.unknown().optional(),
});

/** `{ activities, modelChanges, modelChangesES }` [DOC]; `activities` possibly grouped by type. */
export const AdmiralCloudActivitiesResponseSchema = z.looseObject({
  activities: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).nullish(),
});

/** One activity, the ids made strings. Entries without a jobId are of no use here. */
export interface ActivityEntry {
  id: string | undefined;
  jobId: string;
  percent: number | undefined;
  type: string | undefined;
}

function toPercent(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  // A progress is 0–100 whatever a client-written activity says.
  return Math.min(100, Math.max(0, value));
}

function toEntry(item: unknown): ActivityEntry | undefined {
  const entry = AdmiralCloudActivitySchema.safeParse(item);
  if (!entry.success) return undefined;
  const { id, jobId, percent, type } = entry.data;
  if (jobId === null || jobId === undefined) return undefined;
  return {
    id: id === null || id === undefined ? undefined : String(id),
    jobId: String(jobId),
    percent: toPercent(percent),
    type: typeof type === 'string' ? type : undefined,
  };
}

/**
 * The activities of a listing; undefined when the body is not a listing at all. Entries that do
 * not parse are skipped and counted: one odd entry must not hide the others.
 *
 * @example parseActivities({ activities: [{ id: 7, jobId: 'j1', percent: 40 }] })?.activities[0]?.percent // 40
 */
export function parseActivities(body: unknown): { activities: ActivityEntry[]; skipped: number } | undefined {
  const parsed = AdmiralCloudActivitiesResponseSchema.safeParse(body);
  if (!parsed.success || Array.isArray(body)) return undefined;
  const raw = parsed.data.activities ? groupedEntries(parsed.data.activities) : [];
  const activities: ActivityEntry[] = [];
  let skipped = 0;
  for (const item of raw) {
    const entry = toEntry(item);
    if (entry) activities.push(entry);
    else skipped += 1;
  }
  return { activities, skipped };
}
