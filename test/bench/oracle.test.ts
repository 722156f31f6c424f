import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { delayBoundFor, oraclePolls } from '../../bench/oracle.js';

describe('oraclePolls', () => {
  it('polls a job without progress every bound: the start, then ceil(length / bound)', () => {
    // 60 s at 90 s: the watch's first poll, then one at the end
    expect(oraclePolls({ queueSeconds: 0, runSeconds: 60, progress: false, boundSeconds: 90 })).toBe(2);
    // 30 s queued + 240 s running = 270 s: polls at 0, 90, 180, 270
    expect(oraclePolls({ queueSeconds: 30, runSeconds: 240, progress: false, boundSeconds: 90 })).toBe(4);
    // 271 s: one more, at 360, 89 s after the end
    expect(oraclePolls({ queueSeconds: 31, runSeconds: 240, progress: false, boundSeconds: 90 })).toBe(5);
  });

  it('halves the true remaining time of a job with progress until it is within the bound', () => {
    // 3600 → 1800 → 900 → 450 → 225 → 112.5 → 56.25 → 28.125, then the end: 1 + 7 + 1
    expect(oraclePolls({ queueSeconds: 0, runSeconds: 3600, progress: true, boundSeconds: 30 })).toBe(9);
    // Twice as long costs one poll more
    expect(oraclePolls({ queueSeconds: 0, runSeconds: 7200, progress: true, boundSeconds: 30 })).toBe(10);
    // Shorter than the bound: the start and the end
    expect(oraclePolls({ queueSeconds: 0, runSeconds: 20, progress: true, boundSeconds: 30 })).toBe(2);
  });

  it('polls a queued job with progress every bound until it runs, then halves', () => {
    // Queued 45 s: polls at 0, 30 (queued), 60 (running, 105 s left) → 112.5 (52.5 left) →
    // 138.75 (26.25 left) → 165, the end
    expect(oraclePolls({ queueSeconds: 45, runSeconds: 120, progress: true, boundSeconds: 30 })).toBe(6);
  });

  it('counts only the first poll for a job that already ended', () => {
    expect(oraclePolls({ queueSeconds: 0, runSeconds: 0, progress: true, boundSeconds: 30 })).toBe(1);
  });

  it('refuses a bound that is not positive', () => {
    expect(() => oraclePolls({ queueSeconds: 0, runSeconds: 60, progress: true, boundSeconds: 0 })).toThrow(
      RangeError,
    );
  });

  it('never needs more polls with progress than without, and without it is exactly 1 + ceil(T / bound)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 5, max: 300 }),
        (queueSeconds, runSeconds, boundSeconds) => {
          const job = { queueSeconds, runSeconds, boundSeconds };
          const without = oraclePolls({ ...job, progress: false });
          expect(without).toBe(1 + Math.ceil((queueSeconds + runSeconds) / boundSeconds));
          expect(oraclePolls({ ...job, progress: true })).toBeLessThanOrEqual(without);
        },
      ),
    );
  });

  it('uses the targets’ bounds: 30 s with progress, 90 s without', () => {
    expect(delayBoundFor(true)).toBe(30);
    expect(delayBoundFor(false)).toBe(90);
  });
});
