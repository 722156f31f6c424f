import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../lib/jobs/errors.js';
import { parseDurationSeconds, resolveDeadline } from '../../lib/watch/duration.js';
import { canonicalJson, deriveJobId } from '../../lib/watch/job-identity.js';

describe('deriveJobId', () => {
  it('gives the same id for the same reference whatever its key order', () => {
    const a = deriveJobId({ connection: 'okast', reference: { filePath: 'f', metadataPath: 'm' } });
    const b = deriveJobId({ connection: 'okast', reference: { metadataPath: 'm', filePath: 'f' } });

    expect(a).toBe(b);
    expect(a).toMatch(/^jw-[0-9a-f]{22}$/);
  });

  it('separates connections and lets an idempotency key decide instead of the reference', () => {
    const onA = deriveJobId({ connection: 'a', reference: { id: 1 } });
    const onB = deriveJobId({ connection: 'b', reference: { id: 1 } });
    const keyed1 = deriveJobId({ connection: 'a', reference: { id: 1 }, idempotencyKey: 'k' });
    const keyed2 = deriveJobId({ connection: 'a', reference: { id: 2 }, idempotencyKey: 'k' });

    expect(onA).not.toBe(onB);
    expect(keyed1).toBe(keyed2);
  });

  it('canonicalizes nested objects and drops undefined fields', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: undefined, e: null })).toBe(
      '{"b":[{"c":2,"d":1}],"e":null}',
    );
  });
});

describe('durations and deadlines', () => {
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['1d12h', 129_600],
    ['PT2H', 7200],
    ['P1DT6H', 108_000],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', 'soon', '2x', 'PT', '5 hours'])('refuses %j with a clear error', (text) => {
    expect(() => parseDurationSeconds(text)).toThrow(InvalidInputError);
  });

  it('accepts an ISO deadline or a duration from now', () => {
    const now = new Date('2026-01-01T00:00:00Z');

    expect(resolveDeadline('2h', now)).toBe('2026-01-01T02:00:00.000Z');
    expect(resolveDeadline('2026-02-01T10:00:00+01:00', now)).toBe('2026-02-01T09:00:00.000Z');
  });
});
