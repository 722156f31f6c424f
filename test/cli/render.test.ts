import { describe, expect, it } from 'vitest';
import type { ApiJob } from '../../cli/api-client.js';
import {
  EtaEstimator,
  formatProgressLine,
  formatSeconds,
  LineProgressDisplay,
  renderJobTable,
} from '../../cli/render.js';
import { apiJob } from './fake-api.js';

const job = (overrides: Record<string, unknown>) => apiJob(overrides) as ApiJob;

describe('rendering', () => {
  it('formats durations compactly', () => {
    expect(formatSeconds(42)).toBe('42s');
    expect(formatSeconds(185)).toBe('3m05s');
    expect(formatSeconds(7620)).toBe('2h07m');
    expect(formatSeconds(3 * 86_400 + 4 * 3600)).toBe('3d04h');
  });

  it('estimates the time left from the progress rate of the snapshots', () => {
    const eta = new EtaEstimator();

    const first = eta.observe(job({ progress: 10, updatedAt: '2026-01-15T10:00:00.000Z' }));
    const second = eta.observe(job({ progress: 30, updatedAt: '2026-01-15T10:00:40.000Z' }));
    const suspended = eta.observe(
      job({ status: 'SUSPENDED', progress: 30, updatedAt: '2026-01-15T10:01:00.000Z' }),
    );
    const resumed = eta.observe(job({ progress: 40, updatedAt: '2026-01-15T10:05:00.000Z' }));

    expect(first).toBeUndefined();
    // 20 points in 40 s: the remaining 70 take 140 s.
    expect(second).toBe(140);
    expect(suspended).toBeUndefined();
    // The suspension does not count as slow progress: the rate starts over.
    expect(resumed).toBeUndefined();
  });

  it('writes one line per change, skipping polls that brought nothing new', () => {
    const lines: string[] = [];
    const display = new LineProgressDisplay(
      (text) => lines.push(text),
      () => new Date('2026-01-15T10:00:00Z'),
    );

    display.update(
      job({ version: 1, status: 'UNKNOWN', progress: undefined, rawStatus: undefined, message: 'Waiting' }),
    );
    display.update(job({ version: 2 }));
    display.update(job({ version: 2 }));
    display.update(job({ version: 3, status: 'SUCCEEDED', progress: 100, rawStatus: 'finished' }));

    expect(lines).toEqual([
      '2026-01-15T10:00:00.000Z jw-test-1 UNKNOWN: Waiting\n',
      '2026-01-15T10:00:00.000Z jw-test-1 RUNNING 40% vendor=running\n',
      '2026-01-15T10:00:00.000Z jw-test-1 SUCCEEDED 100% vendor=finished\n',
    ]);
  });

  it('shows the vendor error on a failed job line', () => {
    const line = formatProgressLine(
      job({ status: 'FAILED', error: { message: 'Transcode failed', code: 'X' } }),
      undefined,
      new Date('2026-01-15T10:00:00Z'),
    );
    expect(line).toBe('2026-01-15T10:00:00.000Z jw-test-1 FAILED 40% vendor=running: Transcode failed');
  });

  it('lists jobs as a plain table without colours or borders', () => {
    const table = renderJobTable([job({ partial: true, status: 'SUCCEEDED' })]);

    expect(table.split('\n')).toEqual([
      expect.stringMatching(/^JOB\s+STATUS\s+PROGRESS\s+CONNECTION\s+VENDOR\s+VENDOR STATUS\s+UPDATED$/),
      expect.stringMatching(
        /^jw-test-1\s+SUCCEEDED \(partial\)\s+40%\s+avid\s+avid-ctms\s+running\s+2026-01-15T10:01:00.000Z$/,
      ),
    ]);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that no ANSI escape is present
    expect(table).not.toMatch(/\u001b\[/);
  });
});
