import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError } from '../../lib/jobs/errors.js';
import { PageCursors, queryFingerprint } from '../../lib/store/page-cursor.js';

const SECRET = 'unit-test-secret-0123456789';
/** A listing boundary as the store writes it: canonical `updatedAt`, then a derived job id. */
const position = '2025-06-01T00:00:00.000Z#jw-0123456789abcdef012345';

describe('PageCursors', () => {
  it('gives back the position it encoded, for the same query', () => {
    // Prepare
    const cursors = new PageCursors(SECRET);
    const fingerprint = queryFingerprint(['list', ['RUNNING']]);

    // Act
    const decoded = cursors.decode(cursors.encode(fingerprint, position), fingerprint);

    // Assess
    expect(decoded).toEqual(position);
  });

  it('is opaque to URLs: base64url parts only', () => {
    // Act
    const cursor = new PageCursors(SECRET).encode('fp', position);

    // Assess
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('stays short: a listing boundary fits in under 80 characters', () => {
    // Act
    const cursor = new PageCursors(SECRET).encode(queryFingerprint(['list', []]), position);

    // Assess
    expect(cursor.length).toBeLessThan(80);
  });

  it.each([
    ['a history key', 'V#0000000007'],
    ['a timestamp before 1970', '1969-12-31T23:59:59.999Z#jw-1'],
    ['a non-canonical timestamp', '2025-06-01T00:00:00Z#jw-1'],
    ['non-ASCII text', '2025-06-01T00:00:00.000Z#jw-été'],
  ])('round-trips %s', (_, after) => {
    // Prepare
    const cursors = new PageCursors(SECRET);

    // Act
    const decoded = cursors.decode(cursors.encode('fp', after), 'fp');

    // Assess
    expect(decoded).toBe(after);
  });

  it('refuses a cursor issued for another query', () => {
    // Prepare
    const cursors = new PageCursors(SECRET);
    const cursor = cursors.encode(queryFingerprint(['history', 'jw-1']), position);

    // Act
    const decoding = () => cursors.decode(cursor, queryFingerprint(['history', 'jw-2']));

    // Assess
    expect(decoding).toThrow(InvalidInputError);
    expect(decoding).toThrow('cursor does not belong to this query');
  });

  it.each([
    ['a flipped payload character', (cursor: string) => `x${cursor.slice(1)}`],
    ['a cut signature', (cursor: string) => cursor.slice(0, -3)],
    ['no signature', (cursor: string) => cursor.split('.')[0] ?? ''],
    ['an extra part', (cursor: string) => `${cursor}.extra`],
    ['an oversized cursor', (cursor: string) => `${cursor}${'A'.repeat(3000)}`],
  ])('refuses %s as malformed', (_, alter) => {
    // Prepare
    const cursors = new PageCursors(SECRET);
    const cursor = cursors.encode('fp', position);

    // Act
    const decoding = () => cursors.decode(alter(cursor), 'fp');

    // Assess
    expect(decoding).toThrow(InvalidInputError);
    expect(decoding).toThrow('cursor is malformed');
  });

  const tag = [...createHash('sha256').update('fp').digest().subarray(0, 6)];
  it.each([
    ['an unknown format version', Buffer.from([9, ...tag, 0, 65])],
    ['an unknown boundary encoding', Buffer.from([2, ...tag, 7, 65])],
    ['an empty boundary', Buffer.from([2, ...tag, 0])],
    ['a truncated header', Buffer.from([2, 1, 2])],
  ])('refuses a correctly signed payload with %s', (_, payload) => {
    // Prepare: signed with the real secret, as a leaked secret or a bug would produce.
    const cursors = new PageCursors(SECRET);
    const signature = createHmac('sha256', SECRET).update(payload).digest().subarray(0, 12);

    // Act
    const decoding = () =>
      cursors.decode(`${payload.toString('base64url')}.${signature.toString('base64url')}`, 'fp');

    // Assess
    expect(decoding).toThrow(InvalidInputError);
    expect(decoding).toThrow('cursor is malformed');
  });

  it('refuses a secret too short to sign with', () => {
    // Act
    const construction = () => new PageCursors('short');

    // Assess
    expect(construction).toThrow(ConfigurationError);
  });
});

describe('queryFingerprint', () => {
  it('tells queries apart and is stable for equal ones', () => {
    // Act
    const first = queryFingerprint(['list', ['FAILED'], null]);
    const again = queryFingerprint(['list', ['FAILED'], null]);
    const other = queryFingerprint(['list', ['FAILED'], 'okast']);

    // Assess
    expect(first).toBe(again);
    expect(first).not.toBe(other);
  });
});
