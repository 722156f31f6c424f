import { z } from 'zod';

/**
 * What AdmiralCloud's payloads look like, read leniently: the activity object is not published
 * beyond "jobId and percent" (the update call's answer), so every field is optional and extra
 * fields are kept.
 */

/** `{"message":"error_…"}` — the API's error body, also on 401 (`…_hashMismatch`). */
export const AdmiralCloudErrorBodySchema = z.looseObject({
  message: z.string().nullish(),
});

const IdSchema = z.union([z.string(), z.number()]);

/** One entry of the activity listing. */
export const AdmiralCloudActivitySchema = z.looseObject({
  id: IdSchema.nullish(),
  jobId: IdSchema.nullish(),
  /** 0–100; sometimes a numeric string in client-created activities [INF]. */
  percent: z.union([z.number(), z.string()]).nullish(),
  type: z.string().nullish(),
  /** [INF] Not documented; read when present. */
  status: z.string().nullish(),
});
export type AdmiralCloudActivity = z.infer<typeof AdmiralCloudActivitySchema>;

/** `{ activities, modelChanges, modelChangesES }` — or, leniently, a bare array of activities. */
export const AdmiralCloudActivitiesResponseSchema = z.union([
  z.array(z.unknown()),
  z.looseObject({ activities: z.array(z.unknown()).nullish() }),
]);

/** What the jobResult body says, before it becomes a status. */
export type JobResultBody =
  /** Exactly `{ "ok": true }`: the job has not reached 100% yet. */
  | { kind: 'pending' }
  /** `{}`: done, and the job left no result. */
  | { kind: 'empty' }
  /** Anything else: done, this is the result. */
  | { kind: 'result'; value: unknown };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a jobResult body. Only `{ ok: true }` *exactly* means pending: a result may well carry
 * an `ok` field of its own next to its data.
 *
 * @example classifyJobResult({ ok: true }) // { kind: 'pending' }
 * @example classifyJobResult({}) // { kind: 'empty' }
 */
export function classifyJobResult(body: unknown): JobResultBody {
  if (body === null) return { kind: 'empty' };
  if (isPlainObject(body)) {
    const keys = Object.keys(body);
    if (keys.length === 0) return { kind: 'empty' };
    if (keys.length === 1 && body.ok === true) return { kind: 'pending' };
  }
  return { kind: 'result', value: body };
}

/** One activity, with the numbers made numbers. Entries without a jobId are of no use here. */
export interface ActivityEntry {
  id: string | undefined;
  jobId: string;
  percent: number | undefined;
  type: string | undefined;
  status: string | undefined;
}

function toPercent(value: number | string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number)) return undefined;
  return Math.min(100, Math.max(0, number));
}

/**
 * The activities of a listing. Entries that do not parse are skipped and counted: one odd entry
 * must not hide the others.
 *
 * @example parseActivities({ activities: [{ id: 7, jobId: 'j1', percent: 40 }] }).activities[0]?.percent // 40
 */
export function parseActivities(body: unknown): { activities: ActivityEntry[]; skipped: number } | undefined {
  const parsed = AdmiralCloudActivitiesResponseSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const raw = Array.isArray(parsed.data) ? parsed.data : (parsed.data.activities ?? []);
  const activities: ActivityEntry[] = [];
  let skipped = 0;
  for (const item of raw) {
    const entry = AdmiralCloudActivitySchema.safeParse(item);
    if (!entry.success || entry.data.jobId === null || entry.data.jobId === undefined) {
      skipped += 1;
      continue;
    }
    activities.push({
      id: entry.data.id === null || entry.data.id === undefined ? undefined : String(entry.data.id),
      jobId: String(entry.data.jobId),
      percent: toPercent(entry.data.percent),
      type: entry.data.type ?? undefined,
      status: entry.data.status ?? undefined,
    });
  }
  return { activities, skipped };
}
