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

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The `_addVideoLink.php` parameters an entry may echo. */
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

/**
 * The `request` object of an entry. [INF] Besides the published object, a stored request may come
 * back as a JSON string (a PHP page echoing a database column), and an empty one as `[]` (what
 * `json_encode` makes of an empty PHP array); anything else reads as no request.
 */
function requestObjectOf(entry: Record<string, unknown>): Record<string, unknown> | undefined {
  const request = entry.request;
  if (isObject(request)) return request;
  if (typeof request === 'string' && request.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(request);
      return isObject(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * One request parameter of an entry: from its `request`, else [INF] from the entry itself — a
 * page that flattens the echo (`{"filePath": …, "status": …}`) still names the same parameters.
 *
 * @example requestField({ request: { filePath: 'a' } }, 'filePath') // 'a'
 * @example requestField({ filePath: 'a' }, 'filePath') // 'a'
 */
export function requestField(entry: Record<string, unknown>, field: string): string | undefined {
  const fromRequest = readText(requestObjectOf(entry)?.[field]);
  if (fromRequest) return fromRequest;
  return readText(entry[field]) || fromRequest;
}

export const OkastIngestRequestSchema = z.object(
  Object.fromEntries(REQUEST_FIELDS.map((field) => [field, Text])) as Record<
    (typeof REQUEST_FIELDS)[number],
    typeof Text
  >,
);
export type OkastIngestRequest = z.infer<typeof OkastIngestRequestSchema>;

const ERROR_TEXT_FIELDS = ['message', 'error', 'msg', 'text', 'description', 'detail', 'reason'];
const MAX_ERROR_LENGTH = 1000;

/**
 * An error as text, whatever its shape [INF]: the published `statusError` is a string, but a list
 * of messages or an `{ "message": … }` object says the same thing.
 *
 * @example errorText(['file path missing', { message: 'no metadata' }]) // 'file path missing; no metadata'
 */
export function errorText(value: unknown, depth = 0): string | undefined {
  const text = readText(value);
  if (text !== undefined) return text || undefined;
  if (depth > 2) return undefined;
  if (Array.isArray(value)) {
    const parts = value.map((item) => errorText(item, depth + 1)).filter((part) => part !== undefined);
    return parts.length > 0 ? parts.join('; ').slice(0, MAX_ERROR_LENGTH) : undefined;
  }
  if (isObject(value)) {
    for (const field of ERROR_TEXT_FIELDS) {
      const named = errorText(value[field], depth + 1);
      if (named) return named.slice(0, MAX_ERROR_LENGTH);
    }
    const json = JSON.stringify(value);
    return json === '{}' ? undefined : json.slice(0, MAX_ERROR_LENGTH);
  }
  return undefined;
}

const ErrorText = z
  .unknown()
  .transform((value) => errorText(value))
  .optional();

const EntrySchema = z.object({
  request: OkastIngestRequestSchema,
  requestTime: Text,
  lastStatusUpdate: Text,
  status: Text,
  statusError: ErrorText,
  /** [INF] Not published: read only when `statusError` is absent. */
  error: ErrorText,
});

/**
 * One entry of the list. `request` is always an object here: its fields come from the entry's
 * `request` or, where that lacks them, from the entry itself (see {@link requestField}).
 */
export const OkastIngestEntrySchema = z.preprocess(
  (value) =>
    isObject(value)
      ? {
          ...value,
          request: Object.fromEntries(REQUEST_FIELDS.map((field) => [field, requestField(value, field)])),
        }
      : value,
  EntrySchema,
);
export type OkastIngestEntry = z.infer<typeof EntrySchema>;

/** What the body of `_getIngestStatus.php` turned out to be. */
export type IngestListShape =
  | { kind: 'list'; items: readonly unknown[] }
  | { kind: 'not-a-list'; description: string };

/**
 * [INF] Names under which a page might wrap the list (`{"data": [...]}`). Okast publishes a bare
 * array; a wrapper is accepted only under one of these names, so an error object is never read
 * as a list.
 */
const WRAPPER_KEYS = new Set([
  'data',
  'ingests',
  'ingest',
  'ingestrequests',
  'ingeststatus',
  'items',
  'list',
  'requests',
  'result',
  'results',
  'rows',
]);

/** A wrapper that also says the call failed (`{"success": false, "data": []}`) is not an empty list. */
function signalsFailure(body: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(body)) {
    const name = key.toLowerCase();
    if ((name === 'success' || name === 'ok') && (value === false || value === 'false' || value === 0)) {
      return true;
    }
    if ((name === 'error' || name === 'errors') && errorText(value) !== undefined && value !== false) {
      return true;
    }
    if (
      (name === 'status' || name === 'result') &&
      typeof value === 'string' &&
      /^(ko|error|errored|fail|failed|failure)$/i.test(value.trim())
    ) {
      return true;
    }
  }
  return false;
}

/** PHP's `json_encode` writes an array whose keys are no longer 0..n-1 as an object with numeric keys. */
function numericKeyedItems(body: Record<string, unknown>): unknown[] | undefined {
  const keys = Object.keys(body);
  if (keys.length === 0 || !keys.every((key) => /^(0|[1-9]\d*)$/.test(key))) return undefined;
  return keys.sort((a, b) => Number(a) - Number(b)).map((key) => body[key]);
}

function looksLikeEntry(body: Record<string, unknown>): boolean {
  return (
    isObject(requestObjectOf(body)) ||
    (readText(body.filePath) !== undefined && ('status' in body || 'requestTime' in body))
  );
}

/**
 * Finds the array of ingest requests in a parsed body. The published answer is a bare array. [INF]
 * Also read as the list: `null` (what `json_encode` makes of nothing: an empty list); an object
 * whose keys are all array indexes (`json_encode` of an array with holes); the list wrapped in an
 * object under a name such as `data` or `ingests`, unless the wrapper says the call failed; and a
 * single entry on its own. Anything else is not a list.
 *
 * @example findIngestList([{ status: 'DONE' }]) // { kind: 'list', items: [{ status: 'DONE' }] }
 * @example findIngestList({ data: [{ status: 'DONE' }] }) // { kind: 'list', items: [{ status: 'DONE' }] }
 */
export function findIngestList(body: unknown): IngestListShape {
  if (Array.isArray(body)) return { kind: 'list', items: body };
  if (body === null) return { kind: 'list', items: [] };
  if (isObject(body)) {
    const numbered = numericKeyedItems(body);
    if (numbered) return { kind: 'list', items: numbered };
    const keys = Object.keys(body);
    const wrapped = keys.filter((key) => {
      const value = body[key];
      return WRAPPER_KEYS.has(key.toLowerCase()) && (Array.isArray(value) || isObject(value));
    });
    if (wrapped.length === 1 && !signalsFailure(body)) {
      const value = body[wrapped[0] as string];
      if (Array.isArray(value)) return { kind: 'list', items: value };
      if (isObject(value)) {
        const items = numericKeyedItems(value);
        if (items) return { kind: 'list', items };
        if (looksLikeEntry(value)) return { kind: 'list', items: [value] };
      }
    }
    if (looksLikeEntry(body)) return { kind: 'list', items: [body] };
    const named = keys.slice(0, 5).join(', ');
    return { kind: 'not-a-list', description: `a JSON object${named ? ` (keys: ${named})` : ''}` };
  }
  return { kind: 'not-a-list', description: `a JSON ${typeof body}` };
}
