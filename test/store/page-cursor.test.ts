import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError } from '../../lib/jobs/errors.js';
import { PageCursors, queryFingerprint } from '../../lib/store/page-cursor.js';

const SECRET = 'unit-test-secret-0123456789';
const position = {
  index: 'byStatus',
  startKey: { pk: 'JOB#jw-1', sk: 'LATEST', gsiSk: '2025-06-01T00:00:00.000Z#jw-1' },
};

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

  it('refuses a correctly signed payload of the wrong shape', () => {
    // Prepare: a start key holding a number, signed with the real secret.
    const cursors = new PageCursors(SECRET);
    const payload = Buffer.from(JSON.stringify({ v: 1, q: 'fp', i: 'x', k: { pk: 1 } })).toString(
      'base64url',
    );
    const signature = createHmac('sha256', SECRET).update(payload).digest('base64url');

    // Act
    const decoding = () => cursors.decode(`${payload}.${signature}`, 'fp');

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
