import { describe, expect, it } from 'vitest';

interface Sample {
  at: number;
  progress?: number;
  status: string;
}

/** The page's own module, as the browser loads it (plain JavaScript, no types). */
const format = (await import(new URL('../../lib/api/pages/format.js', import.meta.url).href)) as {
  formatDuration(seconds: number): string;
  formatRelative(iso: string | undefined, now: number): string;
  estimateEtaSeconds(samples: Sample[], now: number): number | undefined;
};

const at = (seconds: number) => Date.UTC(2026, 0, 1) + seconds * 1000;

describe("the dashboard's formatting", () => {
  it('writes durations in at most two whole units', () => {
    expect(format.formatDuration(42)).toBe('42s');
    expect(format.formatDuration(90)).toBe('1m 30s');
    expect(format.formatDuration(3600)).toBe('1h');
    expect(format.formatDuration(3661)).toBe('1h 1m');
    expect(format.formatDuration(2 * 86_400 + 5)).toBe('2d');
    expect(format.formatDuration(Number.NaN)).toBe('–');
  });

  it('writes times relative to the given now, past and future', () => {
    const now = at(1000);

    expect(format.formatRelative(new Date(at(880)).toISOString(), now)).toBe('2m ago');
    expect(format.formatRelative(new Date(at(1090)).toISOString(), now)).toBe('in 1m 30s');
    expect(format.formatRelative(new Date(now).toISOString(), now)).toBe('just now');
    expect(format.formatRelative(undefined, now)).toBe('–');
  });

  it('projects the ETA from the current RUNNING stretch only, counting time since the last change', () => {
    const samples: Sample[] = [
      { at: at(0), progress: 0, status: 'RUNNING' },
      { at: at(100), progress: 50, status: 'SUSPENDED' },
      { at: at(1000), progress: 50, status: 'RUNNING' },
      { at: at(1100), progress: 60, status: 'RUNNING' },
    ];

    // 10 points in 100 s since the resume: 40 points left take 400 s, 30 s of them passed.
    expect(format.estimateEtaSeconds(samples, at(1130))).toBe(370);
  });

  it('gives no ETA without a rate: one point, no progress made, or not running', () => {
    expect(
      format.estimateEtaSeconds([{ at: at(0), progress: 10, status: 'RUNNING' }], at(5)),
    ).toBeUndefined();
    expect(
      format.estimateEtaSeconds(
        [
          { at: at(0), progress: 10, status: 'RUNNING' },
          { at: at(60), progress: 10, status: 'RUNNING' },
        ],
        at(60),
      ),
    ).toBeUndefined();
    expect(
      format.estimateEtaSeconds(
        [
          { at: at(0), progress: 10, status: 'RUNNING' },
          { at: at(60), progress: 20, status: 'SUSPENDED' },
        ],
        at(60),
      ),
    ).toBeUndefined();
    expect(format.estimateEtaSeconds([], at(0))).toBeUndefined();
  });
});
