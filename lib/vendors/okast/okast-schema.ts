import { z } from 'zod';

/**
 * Okast's ingest status list, read leniently: every field may be missing, null, a number where a
 * string was expected, or of a shape we cannot use (then it reads as absent). Unknown fields are
 * dropped rather than kept: the list holds every ingest the instance ever took, and only these
 * fields are read.
 */
const Text = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((value) => String(value).trim())
  .nullish()
  .catch(undefined);

/**
 * A text field read the way the schema reads it, without the schema: the index reads two fields
 * of every entry of a list that may hold hundreds of thousands.
 *
 * @example readText(42) // '42'
 */
export function readText(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value).trim();
  }
  return undefined;
}

export const OkastIngestRequestSchema = z.object({
  filePath: Text,
  metadataPath: Text,
  destinationFolder: Text,
  destinationFolderKind: Text,
  destinationFolderIndex: Text,
  destinationFolderIndexReplace: Text,
  reschedule: Text,
  validate: Text,
});
export type OkastIngestRequest = z.infer<typeof OkastIngestRequestSchema>;

export const OkastIngestEntrySchema = z.object({
  request: OkastIngestRequestSchema.nullish().catch(undefined),
  requestTime: Text,
  lastStatusUpdate: Text,
  status: Text,
  statusError: Text,
});
export type OkastIngestEntry = z.infer<typeof OkastIngestEntrySchema>;

/** What the body of `_getIngestStatus.php` turned out to be. */
export type IngestListShape =
  | { kind: 'list'; items: readonly unknown[] }
  | { kind: 'not-a-list'; description: string };

/**
 * Finds the array of ingest requests in a parsed body. [INF] PHP's `json_encode` writes an array
 * whose keys are no longer 0..n-1 (after an `unset`) as an object with numeric keys; such an
 * object is read as the list it was meant to be. `null` (what `json_encode` makes of nothing) is
 * an empty list. Anything else is not a list.
 *
 * @example findIngestList([{ status: 'DONE' }]) // { kind: 'list', items: [{ status: 'DONE' }] }
 */
export function findIngestList(body: unknown): IngestListShape {
  if (Array.isArray(body)) return { kind: 'list', items: body };
  if (body === null) return { kind: 'list', items: [] };
  if (typeof body === 'object') {
    const keys = Object.keys(body);
    if (keys.length > 0 && keys.every((key) => /^(0|[1-9]\d*)$/.test(key))) {
      return {
        kind: 'list',
        items: keys
          .sort((a, b) => Number(a) - Number(b))
          .map((key) => (body as Record<string, unknown>)[key]),
      };
    }
    const named = keys.slice(0, 5).join(', ');
    return { kind: 'not-a-list', description: `a JSON object${named ? ` (keys: ${named})` : ''}` };
  }
  return { kind: 'not-a-list', description: `a JSON ${typeof body}` };
}
