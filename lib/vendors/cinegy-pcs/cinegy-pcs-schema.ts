import { z } from 'zod';

/*
 * The vendor's payloads, read leniently: loose objects, nullish fields, and `.catch` on fields
 * that only feed details, so a surprising type in a side field never hides the task's status.
 * Dates and TimeSpans stay unknown here: the quirks read them, and an unreadable one is only
 * left out of the observation.
 */

const LooseText = z.string().nullish().catch(undefined);
/** [DOC] `status` and `result.type` are numbers in the examples (`4`, `0`), strings in the Swagger schema (`"inProgress"`, `"success"`). */
const NumberOrText = z.union([z.number(), z.string()]).nullish().catch(undefined);

/** `progress`: `null` until an agent picks the task up [DOC]. */
export const CinegyProgressSchema = z.looseObject({
  generationTime: z.unknown().optional(),
  globalMessage: LooseText,
  globalCurrentProgress: z.unknown().optional(),
  globalMaxProgress: z.unknown().optional(),
  localMessage: LooseText,
});

/** `result`: `null` until the task has a verdict [DOC]. */
export const CinegyResultSchema = z.looseObject({
  details: LooseText,
  generationTime: z.unknown().optional(),
  type: NumberOrText,
});

/** One task as `tasks/{id}` returns it and `tasks/list` lists it. */
export const CinegyTaskSchema = z.looseObject({
  id: LooseText,
  name: LooseText,
  creationTime: z.unknown().optional(),
  modificationTime: z.unknown().optional(),
  priority: z.number().nullish().catch(undefined),
  status: NumberOrText,
  statusDescription: LooseText,
  metadata: z.record(z.string(), z.unknown()).nullish().catch(undefined),
  handlerHost: LooseText,
  progress: CinegyProgressSchema.nullish().catch(undefined),
  result: CinegyResultSchema.nullish().catch(undefined),
});
export type CinegyTask = z.infer<typeof CinegyTaskSchema>;

/** `tasks/list`: `{ items, totalCount, start, limit }` [DOC]. Items are read one by one. */
export const CinegyTaskListSchema = z.looseObject({
  items: z.array(z.unknown()),
  totalCount: z.number().int().nonnegative().nullish().catch(undefined),
  start: z.number().int().nonnegative().nullish().catch(undefined),
  limit: z.number().int().nonnegative().nullish().catch(undefined),
});
export type CinegyTaskList = z.infer<typeof CinegyTaskListSchema>;

/**
 * A task list, or `undefined` when the value is not one.
 *
 * @example readTaskList({ items: [], totalCount: 0, start: 0, limit: 20 })?.totalCount // 0
 */
export function readTaskList(value: unknown): CinegyTaskList | undefined {
  const parsed = CinegyTaskListSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * A task, or `undefined` when the value is not one: an object with at least an `id` or a `status`.
 *
 * @example readTask({ id: 'a', status: 0 })?.status // 0
 */
export function readTask(value: unknown): CinegyTask | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const parsed = CinegyTaskSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const task = parsed.data;
  if (task.id == null && task.status == null) return undefined;
  return task;
}
