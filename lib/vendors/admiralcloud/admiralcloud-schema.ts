import { z } from 'zod';

/**
 * What AdmiralCloud's payloads look like, read leniently: the activity object is not published
 * beyond "jobId and percent" (the update call's answer), so every field is optional and extra
 * fields are kept.
 */

/**
 * `{"message":"error_…"}` — the API's error body, also on 401 (`…_hashMismatch`) [CODE]. Other
 * servers and proxies in front of it say `error` or `detail`; those are read when `message` is
 * absent. Any field may be of another type: it is then ignored.
 */
export const AdmiralCloudErrorBodySchema = z.looseObject({
  message: z.unknown().optional(),
  error: z.unknown().optional(),
  detail: z.unknown().optional(),
});

const IdSchema = z.union([z.string(), z.number()]);

/** One entry of the activity listing. */
export const AdmiralCloudActivitySchema = z.looseObject({
  id: IdSchema.nullish(),
  jobId: IdSchema.nullish(),
  /** 0–100; sometimes a numeric string in client-created activities [INF]. */
  percent: z.union([z.number(), z.string()]).nullish(),
  /** [INF] What other servers call the percent; read when `percent` is absent. */
  progress: z.union([z.number(), z.string()]).nullish(),
  /** Read when a string: one odd field must not hide the entry's percent. */
  type: z.unknown().optional(),
  /** [INF] Not documented; read when a string. */
  status: z.unknown().optional(),
});
export type AdmiralCloudActivity = z.infer<typeof AdmiralCloudActivitySchema>;

/**
 * `{ activities, modelChanges, modelChangesES }` [DOC] — or, leniently, a bare array of
 * activities, or `activities` grouped by type (the reference lists the types `upload` and
 * `miscActivities` [DOC], so a server may key them so).
 */
export const AdmiralCloudActivitiesResponseSchema = z.union([
  z.array(z.unknown()),
  z.looseObject({
    activities: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).nullish(),
  }),
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
  if (value === null || value === undefined) return undefined;
  // "40" and "40%" both occur in hand-written activity updates [INF].
  const text = typeof value === 'string' ? value.trim().replace(/%$/, '') : undefined;
  if (text === '') return undefined;
  const number = text === undefined ? value : Number(text);
  if (typeof number !== 'number' || !Number.isFinite(number)) return undefined;
  return Math.min(100, Math.max(0, number));
}

/** The raw entries of a listing: an array, or the arrays of `activities` grouped by type. */
function rawEntries(activities: unknown[] | Record<string, unknown> | null | undefined): unknown[] {
  if (!activities) return [];
  if (Array.isArray(activities)) return activities;
  return Object.values(activities).flatMap((group) => (Array.isArray(group) ? group : [group]));
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
  const raw = Array.isArray(parsed.data) ? parsed.data : rawEntries(parsed.data.activities);
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
      percent: toPercent(entry.data.percent ?? entry.data.progress),
      type: typeof entry.data.type === 'string' ? entry.data.type : undefined,
      status: typeof entry.data.status === 'string' ? entry.data.status : undefined,
    });
  }
  return { activities, skipped };
}
