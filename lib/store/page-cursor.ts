import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigurationError, InvalidInputError } from '../jobs/errors.js';

/** A DynamoDB start key as the store uses it: every key attribute of the table is a string. */
export type StartKey = Record<string, string>;

const MAX_CURSOR_LENGTH = 512;
const MIN_SECRET_LENGTH = 16;
const FORMAT_VERSION = 2;
/** Bytes of the query fingerprint a cursor carries: enough to tell queries apart, not to forge. */
const TAG_BYTES = 6;
/** HMAC-SHA256 truncated to 96 bits: a forger must guess it, and a guess costs a request. */
const SIGNATURE_BYTES = 12;
/** Payload: version, tag, encoding flag, then the boundary. */
const HEADER_BYTES = 1 + TAG_BYTES + 1;
const RAW = 0;
/** The boundary starts with a canonical `toISOString` timestamp, stored as 6 bytes of epoch ms. */
const TIMESTAMPED = 1;
const TIMESTAMP_BYTES = 6;
const CANONICAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/;

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
 * Opaque page cursors. A cursor holds where the next page starts — the sort key of the last item
 * it follows (`after`, exclusive), which is all a read needs to resume: every shard of a listing
 * index shares the `gsiSk` order, so one boundary resumes them all, and a history is one
 * partition. It is binary (a timestamp boundary shrinks to 6 bytes), base64url, and signed with a
 * truncated HMAC-SHA256: about 70 characters whatever the shard count. The signature keeps a
 * client from steering a read to a start of its choosing; the fingerprint tag keeps a cursor from
 * being replayed with another query, which would silently skip or repeat items. The content is
 * signed, not hidden: a timestamp and a job id, which the page itself shows anyway.
 *
 * @example
 * const cursors = new PageCursors(secret);
 * const next = cursors.encode(fingerprint, '2025-06-01T10:00:00.000Z#jw-1f');
 * cursors.decode(next, fingerprint); // '2025-06-01T10:00:00.000Z#jw-1f'
 */
export class PageCursors {
  readonly #secret: string;

  constructor(secret: string) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigurationError(`The cursor secret must be at least ${MIN_SECRET_LENGTH} characters`);
    }
    this.#secret = secret;
  }

  encode(fingerprint: string, after: string): string {
    const payload = Buffer.concat([
      Buffer.from([FORMAT_VERSION]),
      fingerprintTag(fingerprint),
      encodeBoundary(after),
    ]);
    return `${payload.toString('base64url')}.${this.#sign(payload).toString('base64url')}`;
  }

  /**
   * The boundary the cursor was issued with.
   *
   * @throws InvalidInputError when the cursor was altered or was issued for another query.
   */
  decode(cursor: string, fingerprint: string): string {
    const malformed = () => new InvalidInputError('cursor is malformed', ['cursor']);
    if (cursor.length > MAX_CURSOR_LENGTH) throw malformed();
    const [encodedPayload, encodedSignature, ...rest] = cursor.split('.');
    if (encodedPayload === undefined || encodedSignature === undefined || rest.length > 0) throw malformed();
    const payload = Buffer.from(encodedPayload, 'base64url');
    const given = Buffer.from(encodedSignature, 'base64url');
    const expected = this.#sign(payload);
    // Base64url decoding skips stray characters, so the text must also be the canonical form.
    if (payload.toString('base64url') !== encodedPayload || given.toString('base64url') !== encodedSignature)
      throw malformed();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw malformed();
    if (payload.length < HEADER_BYTES || payload[0] !== FORMAT_VERSION) throw malformed();
    if (!payload.subarray(1, 1 + TAG_BYTES).equals(fingerprintTag(fingerprint))) {
      throw new InvalidInputError('cursor does not belong to this query', ['cursor']);
    }
    const after = decodeBoundary(payload.subarray(HEADER_BYTES - 1));
    if (after === undefined) throw malformed();
    return after;
  }

  #sign(payload: Buffer): Buffer {
    return createHmac('sha256', this.#secret).update(payload).digest().subarray(0, SIGNATURE_BYTES);
  }
}

function fingerprintTag(fingerprint: string): Buffer {
  return createHash('sha256').update(fingerprint).digest().subarray(0, TAG_BYTES);
}

/** Flag byte, then the boundary: a leading canonical timestamp as epoch ms, the rest as UTF-8. */
function encodeBoundary(after: string): Buffer {
  const timestamp = CANONICAL_TIMESTAMP.exec(after)?.[0];
  const millis = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  if (timestamp === undefined || !(millis >= 0) || new Date(millis).toISOString() !== timestamp) {
    return Buffer.concat([Buffer.from([RAW]), Buffer.from(after, 'utf8')]);
  }
  const packed = Buffer.alloc(1 + TIMESTAMP_BYTES);
  packed[0] = TIMESTAMPED;
  packed.writeUIntBE(millis, 1, TIMESTAMP_BYTES);
  return Buffer.concat([packed, Buffer.from(after.slice(timestamp.length), 'utf8')]);
}

/** The boundary, or undefined when the bytes are not one {@link encodeBoundary} wrote. */
function decodeBoundary(bytes: Buffer): string | undefined {
  const flag = bytes[0];
  const text = (from: number) => {
    const tail = bytes.subarray(from);
    const decoded = tail.toString('utf8');
    return Buffer.from(decoded, 'utf8').equals(tail) ? decoded : undefined;
  };
  if (flag === RAW) {
    const after = text(1);
    return after ? after : undefined;
  }
  if (flag !== TIMESTAMPED || bytes.length < 1 + TIMESTAMP_BYTES) return undefined;
  const rest = text(1 + TIMESTAMP_BYTES);
  if (rest === undefined) return undefined;
  const millis = bytes.readUIntBE(1, TIMESTAMP_BYTES);
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? undefined : `${date.toISOString()}${rest}`;
}
