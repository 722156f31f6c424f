import { z } from 'zod';

/*
 * Okast's ingest status list (`_getIngestStatus.php`), read leniently: every field may be
 * missing, null or of a type we cannot use — then it reads as absent. Unknown fields are dropped:
 * the list holds every ingest the instance ever took, and only these fields are read.
 */

/** [DOC] Every field Okast writes is text. */
const Text = z.string().nullish().catch(undefined);

/** [DOC] The `_addVideoLink.php` parameters an entry echoes in its `request`. */
export const REQUEST_FIELDS = [
  'filePath',
  'metadataPath',
  'destinationFolder',
  'destinationFolderKind',
  'destinationFolderIndex',
  'destinationFolderIndexReplace',
  'reschedule',
  'validate',
] as const;
export type RequestField = (typeof REQUEST_FIELDS)[number];

export const OkastIngestRequestSchema = z.object(
  Object.fromEntries(REQUEST_FIELDS.map((field) => [field, Text])) as Record<RequestField, typeof Text>,
);
export type OkastIngestRequest = z.infer<typeof OkastIngestRequestSchema>;

/**
 * One entry of the list: the echoed `request`, `requestTime`, `lastStatusUpdate`, `status`, and
 * `statusError` when ERRORED [DOC]. An entry without a `request` object reads as one that echoes
 * nothing.
 */
export const OkastIngestEntrySchema = z.object({
  request: OkastIngestRequestSchema.catch({}),
  requestTime: Text,
  lastStatusUpdate: Text,
  status: Text,
  statusError: Text,
});
export type OkastIngestEntry = z.infer<typeof OkastIngestEntrySchema>;

/** [DOC] The answer: a JSON array of every ingest request of the instance (items read one by one). */
export const OkastIngestListSchema = z.array(z.unknown());

/**
 * The form a path is compared in. [DOC] `filePath` and `metadataPath` are HTTPS URLs, so they are
 * compared as URLs: as the WHATWG parser writes them (`a b.mp4` is `a%20b.mp4`, the host in lower
 * case); anything that is not an http(s) URL as trimmed text.
 *
 * @example pathKey(' https://Storage.example.com/a b.mp4 ') // 'https://storage.example.com/a%20b.mp4'
 */
export function pathKey(path: string): string {
  const trimmed = path.trim();
  if (!/^https?:\/\//i.test(trimmed)) return trimmed;
  try {
    return new URL(trimmed).href;
  } catch {
    return trimmed;
  }
}

/**
 * The `filePath` an item echoes, without parsing the whole item: the index reads it from every
 * entry of a list that may hold hundreds of thousands.
 *
 * @example echoedFilePath({ request: { filePath: 'https://s/a.mp4' } }) // 'https://s/a.mp4'
 */
export function echoedFilePath(item: Record<string, unknown>): string | undefined {
  const request = item.request;
  if (request === null || typeof request !== 'object') return undefined;
  const filePath = (request as Record<string, unknown>).filePath;
  return typeof filePath === 'string' && filePath !== '' ? filePath : undefined;
}

/**
 * What a body that is not the list is, for the protocol error.
 *
 * @example describeJson({ error: 'session expired' }) // 'a JSON object (keys: error)'
 */
export function describeJson(body: unknown): string {
  if (body === null) return 'JSON null';
  if (typeof body !== 'object') return `a JSON ${typeof body}`;
  const keys = Object.keys(body).slice(0, 5).join(', ');
  return `a JSON object${keys ? ` (keys: ${keys})` : ''}`;
}
