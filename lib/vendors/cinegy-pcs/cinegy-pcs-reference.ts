import { z } from 'zod';
import { canonicalGuid } from '../shared/guid.js';

/**
 * PCS task ids are GUIDs in every example [DOC]. This is our own input, so it is strict: one
 * path-safe word of sane length, nothing that could leave `tasks/` (`../clients/list`).
 */
const TASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._{}-]{0,127}$/;

const MetadataSchema = z
  .record(
    z.string().min(1, 'metadata keys must not be empty').max(200),
    z.string({ error: 'metadata values are strings, as PCS stores them' }).max(2000),
  )
  .refine((metadata) => Object.keys(metadata).length > 0, 'metadata, when given, names at least one key')
  .refine((metadata) => Object.keys(metadata).length <= 20, 'metadata names at most 20 keys');

/**
 * The caller's reference to a Cinegy PCS (Convert) task. Tasks are created elsewhere (Convert
 * Monitor, watch folders, the SOAP API), so a caller may know only the task's name or its source
 * file: `name` and `metadata` (e.g. `{ "src.name": "The Trail.mp4" }`) are resolved through
 * `tasks/list`, and `createdAfter` picks among several matches (the newest one created at or
 * after it).
 *
 * @example CinegyPcsReferenceSchema.parse({ taskId: '7b30672e-6a83-4559-9b0c-d2454fa7bab7' })
 * @example CinegyPcsReferenceSchema.parse({ metadata: { 'src.name': 'The Trail.mp4' }, createdAfter: '2023-07-27T10:00:00Z' })
 */
export const CinegyPcsReferenceSchema = z
  .object({
    // One spelling per GUID (case, braces, urn:uuid:), so one task is one job: PCS is .NET,
    // whose GUIDs compare so and which writes them in lower case without braces.
    taskId: z
      .string({ error: 'taskId must be a string: the task id PCS shows (a GUID)' })
      .transform(canonicalGuid)
      .pipe(
        z.string().regex(TASK_ID_PATTERN, 'taskId must be the PCS task id (a GUID: letters, digits, "-")'),
      )
      .optional(),
    name: z
      .string({ error: 'name must be a string: the exact task name' })
      .min(1, 'name must not be empty')
      .max(1000, 'name is at most 1000 characters')
      .optional(),
    metadata: MetadataSchema.optional(),
    createdAfter: z.iso
      .datetime({
        offset: true,
        error: 'createdAfter must be an ISO 8601 date-time with a zone, e.g. 2023-07-27T10:00:00Z',
      })
      .optional(),
  })
  .strict()
  .superRefine((reference, context) => {
    const byQuery = reference.name !== undefined || reference.metadata !== undefined;
    if (reference.taskId === undefined && !byQuery) {
      context.addIssue({
        code: 'custom',
        message: 'give taskId, or name and/or metadata to find the task by',
      });
    }
    if (reference.taskId !== undefined && byQuery) {
      context.addIssue({
        code: 'custom',
        message: 'give taskId alone, or name/metadata to search by: not both',
      });
    }
    if (reference.taskId !== undefined && reference.createdAfter !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['createdAfter'],
        message: 'createdAfter only picks among tasks found by name or metadata; drop it with taskId',
      });
    }
  });
export type CinegyPcsReference = z.infer<typeof CinegyPcsReferenceSchema>;

/**
 * A short human label for the reference, for messages.
 *
 * @example describeReference({ name: 'Task A' }) // 'named "Task A"'
 */
export function describeReference(reference: CinegyPcsReference): string {
  if (reference.taskId !== undefined) return `task ${reference.taskId}`;
  const parts: string[] = [];
  if (reference.name !== undefined) parts.push(`named "${reference.name}"`);
  if (reference.metadata !== undefined) {
    const pairs = Object.entries(reference.metadata).map(([key, value]) => `${key}="${value}"`);
    parts.push(`with metadata ${pairs.join(', ')}`);
  }
  if (reference.createdAfter !== undefined) parts.push(`created at or after ${reference.createdAfter}`);
  return parts.join(' ');
}
