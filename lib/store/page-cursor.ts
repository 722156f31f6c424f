import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ConfigurationError, InvalidInputError } from '../jobs/errors.js';

/** A DynamoDB start key as the store uses it: every key attribute of the table is a string. */
export type StartKey = Record<string, string>;

export interface CursorPosition {
  /** The index the page was read from (`table` for the base table). */
  index: string;
  /** Where the next page starts (exclusive). */
  startKey: StartKey;
}

const MAX_CURSOR_LENGTH = 2048;
const MIN_SECRET_LENGTH = 16;

const CursorPayloadSchema = z.strictObject({
  v: z.literal(1),
  /** Fingerprint of the query the cursor was issued for. */
  q: z.string(),
  i: z.string(),
  k: z.record(z.string(), z.string()),
});

/**
 * A short, stable digest of what a query asks for. Two queries with the same fingerprint may
 * share cursors; anything that changes the result set must be part of `parts`.
 *
 * @example queryFingerprint(['history', 'jw-1f'])
 */
export function queryFingerprint(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

/**
 * Opaque page cursors: base64url JSON of {query fingerprint, index, start key}, then an
 * HMAC-SHA256 of it. The signature keeps a client from steering a query to a start key of its
 * choosing (another partition, another index); the fingerprint keeps a cursor from being replayed
 * with a different query, which would silently skip or repeat items. The content is signed, not
 * hidden: it holds only job ids and timestamps, which the page itself shows anyway.
 *
 * @example
 * const cursors = new PageCursors(secret);
 * const next = cursors.encode(fingerprint, { index: 'byStatus', startKey });
 * cursors.decode(next, fingerprint); // { index: 'byStatus', startKey }
 */
export class PageCursors {
  readonly #secret: string;

  constructor(secret: string) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigurationError(`The cursor secret must be at least ${MIN_SECRET_LENGTH} characters`);
    }
    this.#secret = secret;
  }

  encode(fingerprint: string, position: CursorPosition): string {
    const payload = Buffer.from(
      JSON.stringify({ v: 1, q: fingerprint, i: position.index, k: position.startKey }),
    ).toString('base64url');
    return `${payload}.${this.#sign(payload)}`;
  }

  /** @throws InvalidInputError when the cursor was altered or was issued for another query. */
  decode(cursor: string, fingerprint: string): CursorPosition {
    const malformed = () => new InvalidInputError('cursor is malformed', ['cursor']);
    if (cursor.length > MAX_CURSOR_LENGTH) throw malformed();
    const [payload, signature, ...rest] = cursor.split('.');
    if (payload === undefined || signature === undefined || rest.length > 0) throw malformed();
    const expected = Buffer.from(this.#sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw malformed();
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw malformed();
    }
    const parsed = CursorPayloadSchema.safeParse(decoded);
    if (!parsed.success) throw malformed();
    if (parsed.data.q !== fingerprint) {
      throw new InvalidInputError('cursor does not belong to this query', ['cursor']);
    }
    return { index: parsed.data.i, startKey: parsed.data.k };
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.#secret).update(payload).digest('base64url');
  }
}
