import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../lib/jobs/errors.js';
import { MAX_DEADLINE_SECONDS, resolveDeadline } from '../../lib/watch/duration.js';

const now = new Date('2026-01-01T00:00:00Z');
const refusal = (deadline: string): InvalidInputError => {
  try {
    resolveDeadline(deadline, now);
  } catch (error) {
    return error as InvalidInputError;
  }
  throw new Error(`${deadline} was accepted`);
};

describe('deadline bounds', () => {
  it('accepts exactly one year (365 days) from now, as a duration or a timestamp', () => {
    expect(MAX_DEADLINE_SECONDS).toBe(365 * 86_400);
    expect(resolveDeadline('365d', now)).toBe('2027-01-01T00:00:00.000Z');
    expect(resolveDeadline('P365D', now)).toBe('2027-01-01T00:00:00.000Z');
    expect(resolveDeadline('2027-01-01T00:00:00Z', now)).toBe('2027-01-01T00:00:00.000Z');
  });

  it.each([
    ['a duration too large for a date: 99999999999999d', '99999999999999d'],
    ['a duration past any job: 9999999d', '9999999d'],
    ['one second over the year: 365d1s', '365d1s'],
    ['a timestamp one second over the year: 2027-01-01T00:00:01Z', '2027-01-01T00:00:01Z'],
    ['the last ISO year: 9999-12-31T23:59:59Z', '9999-12-31T23:59:59Z'],
    ['a number that is Infinity', `${'9'.repeat(400)}s`],
  ])('refuses %s as more than one year away, naming the field and why', (_case, deadline) => {
    const error = refusal(deadline);

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toContain('deadline');
    expect(error.message).toContain('one year');
    expect(error.message).toContain('Step Functions');
    expect(error.issues[0]).toMatch(/^deadline: /);
  });

  it.each([
    ['zero: 0s', '0s'],
    ['zero, ISO: PT0S', 'PT0S'],
    ['zero in parts: 0d0h', '0d0h'],
    ['now: 2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
    ['a second ago: 2025-12-31T23:59:59Z', '2025-12-31T23:59:59Z'],
    ['long ago: 1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'],
  ])('refuses %s as not in the future, naming the field', (_case, deadline) => {
    const error = refusal(deadline);

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toContain('deadline');
    expect(error.message).toContain('not in the future');
    expect(error.issues[0]).toMatch(/^deadline: /);
  });

  it('never throws anything but InvalidInputError, and what it accepts lies within the year', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 64 }),
      fc
        .tuple(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.constantFrom('s', 'm', 'h', 'd', 'w', 'S', 'D'))
        .map(([amount, unit]) => `${amount}${unit}`),
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    );
    fc.assert(
      fc.property(text, (deadline) => {
        let resolved: string;
        try {
          resolved = resolveDeadline(deadline, now);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidInputError);
          return;
        }
        const at = Date.parse(resolved);
        expect(at).toBeGreaterThan(now.getTime());
        expect(at).toBeLessThanOrEqual(now.getTime() + MAX_DEADLINE_SECONDS * 1000);
      }),
      { numRuns: 2000 },
    );
  });
});
