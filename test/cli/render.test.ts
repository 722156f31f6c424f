import { describe, expect, it } from 'vitest';
import type { ApiJob } from '../../cli/api-client.js';
import {
  BarProgressDisplay,
  EtaEstimator,
  formatOutcomeLine,
  formatProgressLine,
  formatSeconds,
  LineProgressDisplay,
  nextPageHint,
  relativeTime,
  renderJobTable,
} from '../../cli/render.js';
import { apiJob } from './fake-api.js';
import { Screen, screenStream } from './screen.js';

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
      'Waiting for jw-test-1 (avid, avid-ctms)\n',
      '2026-01-15T10:00:00Z UNKNOWN: Waiting\n',
      '2026-01-15T10:00:00Z RUNNING 40% vendor=running\n',
      '2026-01-15T10:00:00Z SUCCEEDED 100% vendor=finished\n',
    ]);
  });

  it('shows the vendor error on a failed job line', () => {
    const line = formatProgressLine(
      job({ status: 'FAILED', error: { message: 'Transcode failed', code: 'X' } }),
      undefined,
      new Date('2026-01-15T10:00:00Z'),
    );
    expect(line).toBe('2026-01-15T10:00:00Z FAILED 40% vendor=running: Transcode failed');
  });

  it('cuts a progress line to 80 columns, and wraps the final line without losing the reason', () => {
    const failed = job({
      status: 'FAILED',
      error: { message: `Transcode failed: ${'codec mismatch '.repeat(8)}` },
    });

    const line = formatProgressLine(failed, 75, new Date('2026-01-15T10:00:00Z'));
    const outcome = formatOutcomeLine(failed).split('\n');

    expect(line).toHaveLength(80);
    expect(line.endsWith('…')).toBe(true);
    expect(outcome.length).toBeGreaterThan(1);
    expect(outcome.every((row) => row.length <= 80)).toBe(true);
    expect(outcome.join(' ').replace(/\s+/g, ' ')).toBe(`jw-test-1 FAILED: ${failed.error?.message.trim()}`);
  });

  it('lists jobs in 80 columns by default: id, status, progress, connection, time ago', () => {
    const now = new Date('2026-01-15T10:04:30Z');
    const table = renderJobTable(
      [
        job({ jobId: 'jw-0123456789abcdef012345', status: 'SUCCEEDED', partial: true, stalled: true }),
        job({
          jobId: 'jw-1123456789abcdef012345',
          connection: 'a-connection-with-a-rather-long-name-indeed',
        }),
      ],
      { now },
    );

    const rows = table.split('\n');
    expect(rows.every((row) => row.length <= 80)).toBe(true);
    expect(rows[0]).toMatch(/^JOB\s+STATUS\s+PROGRESS\s+CONNECTION\s+UPDATED$/);
    expect(rows[1]).toMatch(/^jw-0123456789abcdef012345\s+SUCCEEDED \(partial, \S*…\s+40%\s+avid\s+3m ago$/);
    expect(rows[2]).toMatch(/^jw-1123456789abcdef012345\s+RUNNING\s+40%\s+a-conne\S*…\s+3m ago$/);
  });

  it('reads times as people do', () => {
    const now = new Date('2026-01-15T10:00:00Z');
    expect(relativeTime('2026-01-15T10:00:00Z', now)).toBe('just now');
    expect(relativeTime('2026-01-15T09:59:18Z', now)).toBe('42s ago');
    expect(relativeTime('2026-01-15T07:00:00Z', now)).toBe('3h ago');
    expect(relativeTime('2026-01-12T10:00:00Z', now)).toBe('3d ago');
    expect(relativeTime('2026-01-15T10:05:00Z', now)).toBe('just now');
  });

  it('fits the next-page hint: one line when it can, the cursor on its own line otherwise', () => {
    expect(nextPageHint('abc')).toBe('More jobs: --all, or --cursor abc');
    const long = 'x'.repeat(60);
    expect(nextPageHint(long).split('\n')).toEqual([
      'More jobs: --all for every page, or the next page with',
      `--cursor ${long}`,
    ]);
  });

  it('lists every column with full times with --wide, as a plain table without colours or borders', () => {
    const table = renderJobTable([job({ partial: true, status: 'SUCCEEDED' })], { wide: true });

    expect(table.split('\n')).toEqual([
      expect.stringMatching(/^JOB\s+STATUS\s+PROGRESS\s+CONNECTION\s+VENDOR\s+VENDOR STATUS\s+UPDATED$/),
      expect.stringMatching(
        /^jw-test-1\s+SUCCEEDED \(partial\)\s+40%\s+avid\s+avid-ctms\s+running\s+2026-01-15T10:01:00.000Z$/,
      ),
    ]);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that no ANSI escape is present
    expect(table).not.toMatch(/\u001b\[/);
  });

  it('keeps the live bar on one row of an 80-column terminal, with a note in its place while the API is away', () => {
    const screen = new Screen(80);
    const display = new BarProgressDisplay(screenStream(screen));

    for (let progress = 0; progress <= 60; progress += 10) {
      display.update(
        job({ version: progress, progress, rawStatus: 'Processing (transcoding the second of three reels)' }),
      );
    }
    const running = screen.text();
    display.note('API unreachable at http://127.0.0.1:8787, retrying in 2s… (1/5)');
    const away = screen.text();
    display.clearNote();
    display.stop();

    expect(running).toHaveLength(1);
    expect(running[0]).toMatch(/^RUNNING\s+\[#{12}\.{8}\] {2}60% {2}ETA .*vendor: Processing.*…$/);
    expect(running[0]?.length).toBe(79);
    expect(away).toEqual(['RUNNING  60%  API unreachable at http://127.0.0.1:8787, retrying in 2s… (1/5)']);
    expect(screen.text()).toEqual(running);
  });
});
