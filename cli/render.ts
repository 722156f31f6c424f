import Table from 'cli-table3';
import type { ApiConnection, ApiJob, CancelResult } from './api-client.js';
import {
  DEFAULT_COLUMNS,
  fitLine,
  LiveBlock,
  type TerminalStream,
  terminalWidth,
  wrapText,
} from './terminal.js';

/**
 * Borderless, uncoloured tables in the style of `kubectl get`: they read well in a terminal and
 * still survive `grep`, `awk` and a CI log (no ANSI codes, no box drawing).
 */
function plainTable(head: string[]): Table.Table {
  return new Table({
    head,
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
    style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [] },
  });
}

/** Trims a table's trailing blanks: the last column is padded to its width by cli-table3. */
function tableText(table: Table.Table): string {
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/**
 * Seconds as people read them on a progress line: `42s`, `3m05s`, `2h07m`, `3d04h`.
 *
 * @example formatSeconds(185) // '3m05s'
 */
export function formatSeconds(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds}s`;
  const pad = (value: number) => String(value).padStart(2, '0');
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${pad(seconds % 60)}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h${pad(Math.floor((seconds % 3600) / 60))}m`;
  return `${Math.floor(seconds / 86_400)}d${pad(Math.floor((seconds % 86_400) / 3600))}h`;
}

/** `SUCCEEDED (partial)`, `RUNNING (stalled)`: the status with the flags that qualify it. */
export function statusLabel(job: ApiJob): string {
  const flags = [job.partial ? 'partial' : undefined, job.stalled ? 'stalled' : undefined].filter(Boolean);
  return flags.length ? `${job.status} (${flags.join(', ')})` : job.status;
}

function progressText(job: ApiJob): string {
  return job.progress === undefined ? '-' : `${Math.round(job.progress)}%`;
}

function truncate(text: string | undefined, length: number): string {
  if (!text) return '';
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/**
 * Time since an instant as people read it in a list: `just now`, `42s ago`, `3m ago`, `5h ago`,
 * `2d ago`. A time ahead of this machine's clock (skew) reads `just now`.
 *
 * @example relativeTime('2026-01-15T10:00:00Z', new Date('2026-01-15T10:03:10Z')) // '3m ago'
 */
export function relativeTime(iso: string, now: Date): string {
  const seconds = Math.floor((now.getTime() - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return iso;
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

export interface JobTableOptions {
  /** Every column, with full times (`--wide`). */
  wide?: boolean;
  /** Columns to fit when not wide (default 80). */
  width?: number;
  now?: Date;
}

/**
 * `jobwatch list`: one row per job. By default the columns that matter (job, status, progress,
 * connection, how long ago it changed), fitted to `width`: the connection, then the status, are
 * cut with `…` when a row would be wider; the job id never is, since it is what one copies.
 */
export function renderJobTable(jobs: readonly ApiJob[], options: JobTableOptions = {}): string {
  if (jobs.length === 0) return 'No jobs.';
  if (options.wide) return renderWideJobTable(jobs);
  const now = options.now ?? new Date();
  const header = ['JOB', 'STATUS', 'PROGRESS', 'CONNECTION', 'UPDATED'];
  const rows = [
    header,
    ...jobs.map((job) => [
      job.jobId,
      statusLabel(job),
      progressText(job),
      job.connection,
      relativeTime(job.updatedAt, now),
    ]),
  ];
  const widths = columnWidths(rows);
  const budget = options.width ?? DEFAULT_COLUMNS;
  // Shrink the connection first, then the status, until a row fits.
  for (const column of [3, 1]) {
    const excess = widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1) - budget;
    const current = widths[column] ?? 0;
    // Never narrower than its heading.
    if (excess > 0) widths[column] = Math.max(header[column]?.length ?? 0, current - excess);
  }
  return rows
    .map((row) =>
      row
        .map((cell, index) => fitLine(cell, widths[index] ?? cell.length).padEnd(widths[index] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function columnWidths(rows: readonly string[][]): number[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return widths;
}

/** `jobwatch list --wide`: every column, full times. */
function renderWideJobTable(jobs: readonly ApiJob[]): string {
  const table = plainTable(['JOB', 'STATUS', 'PROGRESS', 'CONNECTION', 'VENDOR', 'VENDOR STATUS', 'UPDATED']);
  for (const job of jobs) {
    table.push([
      job.jobId,
      statusLabel(job),
      progressText(job),
      job.connection,
      job.vendor,
      job.rawStatus ?? '',
      job.updatedAt,
    ]);
  }
  return tableText(table);
}

/**
 * The hint under a page with more after it: on one line when it fits `width`, else the cursor on
 * a line of its own (never broken: it is copied whole).
 */
export function nextPageHint(cursor: string, width = DEFAULT_COLUMNS): string {
  const oneLine = `More jobs: --all, or --cursor ${cursor}`;
  if (oneLine.length <= width) return oneLine;
  return `More jobs: --all for every page, or the next page with\n--cursor ${cursor}`;
}

/** `jobwatch history`: one row per snapshot, oldest first as the API sends them. */
export function renderHistoryTable(snapshots: readonly ApiJob[]): string {
  if (snapshots.length === 0) return 'No snapshots.';
  const table = plainTable(['VERSION', 'STATUS', 'PROGRESS', 'VENDOR STATUS', 'UPDATED', 'MESSAGE']);
  for (const snapshot of snapshots) {
    table.push([
      snapshot.version,
      statusLabel(snapshot),
      progressText(snapshot),
      snapshot.rawStatus ?? '',
      snapshot.updatedAt,
      truncate(snapshot.error?.message ?? snapshot.message, 70),
    ]);
  }
  return tableText(table);
}

/** `jobwatch get`: one field per line, only the fields the job has. */
export function renderJobDetails(job: ApiJob): string {
  const rows: [string, string | undefined][] = [
    ['job', job.jobId],
    ['status', statusLabel(job)],
    ['progress', job.progress === undefined ? undefined : progressText(job)],
    ['vendor status', job.rawStatus],
    ['message', job.message],
    [
      'error',
      job.error
        ? [
            job.error.message,
            job.error.code && `code ${job.error.code}`,
            job.error.cause && `cause ${job.error.cause}`,
          ]
            .filter(Boolean)
            .join(', ')
        : undefined,
    ],
    [
      'watch issue',
      job.watchIssue
        ? `${job.watchIssue.kind}: ${job.watchIssue.message} (since ${job.watchIssue.since})`
        : undefined,
    ],
    ['watching', job.watch ? [job.watch.state, job.watch.reason].filter(Boolean).join(': ') : undefined],
    ['connection', job.connection],
    ['vendor', job.vendor],
    ['reference', JSON.stringify(job.reference)],
    ['deadline', job.deadline],
    ['created', job.createdAt],
    ['updated', job.updatedAt],
    ['observed', job.observedAt],
    ['finished', job.finishedAt],
    ['version', String(job.version)],
  ];
  const table = plainTable([]);
  for (const [name, value] of rows) {
    if (value !== undefined && value !== '') table.push([name, value]);
  }
  return tableText(table);
}

/** `jobwatch connections`. */
export function renderConnectionsTable(connections: readonly ApiConnection[]): string {
  if (connections.length === 0) return 'No connections configured.';
  const table = plainTable(['NAME', 'VENDOR']);
  for (const connection of connections) table.push([connection.name, connection.vendor]);
  return tableText(table);
}

/** `jobwatch cancel`: what happened, in words (whether the vendor itself cancelled matters). */
export function renderCancelResult(result: CancelResult, width = DEFAULT_COLUMNS): string {
  const outcome = result.vendorCancelled ? 'cancelled at the vendor' : 'not cancelled at the vendor';
  const goesOn =
    !result.vendorCancelled && result.job.status === 'CANCELLED' && result.job.watch?.state === 'STOPPED';
  return [
    `${result.job.jobId}: ${statusLabel(result.job)} (${outcome})`,
    ...(result.message ? wrapText(result.message, width) : []),
    ...(goesOn ? wrapText('The vendor job goes on: jobwatch only stopped watching it.', width) : []),
  ].join('\n');
}

/**
 * Estimates the time left from the job's progress rate, between the first progress seen in the
 * current run and the latest. Uses the snapshots' own timestamps (when the API saw each value),
 * not when this CLI happened to look, so the estimate does not depend on how often it polls.
 */
export class EtaEstimator {
  private anchor: { atMs: number; progress: number } | undefined;

  /** Feeds one snapshot; returns the seconds left, or undefined while there is no rate yet. */
  observe(job: ApiJob): number | undefined {
    const progress = job.progress;
    const atMs = Date.parse(job.observedAt ?? job.updatedAt);
    if (progress === undefined || Number.isNaN(atMs) || job.status !== 'RUNNING') {
      // A suspended job makes no progress: restart the rate when it runs again.
      if (job.status !== 'RUNNING') this.anchor = undefined;
      return undefined;
    }
    if (!this.anchor || progress < this.anchor.progress) {
      this.anchor = { atMs, progress };
      return undefined;
    }
    const elapsedSeconds = (atMs - this.anchor.atMs) / 1000;
    const gained = progress - this.anchor.progress;
    if (elapsedSeconds <= 0 || gained <= 0) return undefined;
    return ((100 - progress) * elapsedSeconds) / gained;
  }
}

/**
 * One line per change, for logs and pipes, at most `width` columns (the vendor's message is cut):
 * `2026-01-01T10:00:05Z RUNNING 42% eta 1m10s vendor=running: Processing`. The job id is on the
 * line before the first (see {@link LineProgressDisplay}).
 */
export function formatProgressLine(
  job: ApiJob,
  etaSeconds: number | undefined,
  now: Date,
  width = DEFAULT_COLUMNS,
): string {
  const parts = [secondsIso(now), statusLabel(job)];
  if (job.progress !== undefined) parts.push(progressText(job));
  if (etaSeconds !== undefined) parts.push(`eta ${formatSeconds(etaSeconds)}`);
  if (job.rawStatus) parts.push(`vendor=${job.rawStatus}`);
  const note = job.error?.message ?? job.watchIssue?.message ?? job.message;
  return fitLine(note ? `${parts.join(' ')}: ${note}` : parts.join(' '), width);
}

/** `2026-01-01T10:00:05Z`: the time to the second, as a log line needs it. */
function secondsIso(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The line `watch --wait` ends with, wrapped to `width` (the reason is not cut: it matters). */
export function formatOutcomeLine(job: ApiJob, width = DEFAULT_COLUMNS): string {
  const reason = job.error?.message ?? job.watch?.reason ?? job.message;
  return wrapText(`${job.jobId} ${statusLabel(job)}${reason ? `: ${reason}` : ''}`, width, '  ').join('\n');
}

/** Shows a watched job as it changes. */
export interface ProgressDisplay {
  update(job: ApiJob): void;
  /** A remark (the API is unreachable, retrying) that is not a change of the job. */
  note(message: string): void;
  /** The API answers again: the remark no longer holds. */
  clearNote(): void;
  stop(): void;
}

/** One line per change: what a non-TTY (a log file, a pipe, CI) should get. */
export class LineProgressDisplay implements ProgressDisplay {
  private readonly eta = new EtaEstimator();
  private lastVersion: number | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => Date = () => new Date(),
    private readonly width = DEFAULT_COLUMNS,
  ) {}

  update(job: ApiJob): void {
    const etaSeconds = this.eta.observe(job);
    if (job.version === this.lastVersion) return;
    if (this.lastVersion === undefined) {
      this.write(`${fitLine(`Waiting for ${job.jobId} (${job.connection}, ${job.vendor})`, this.width)}\n`);
    }
    this.lastVersion = job.version;
    this.write(`${formatProgressLine(job, etaSeconds, this.now(), this.width)}\n`);
  }

  note(message: string): void {
    this.write(`${fitLine(`${secondsIso(this.now())} ${message}`, this.width)}\n`);
  }

  clearNote(): void {}

  stop(): void {}
}

/** Bar cells: 20 on an 80-column terminal, more on a wider one, never under 10. */
function barSize(columns: number): number {
  return Math.max(10, Math.min(30, columns - 60));
}

function bar(progress: number | undefined, size: number): string {
  const filled = Math.round((Math.min(100, Math.max(0, progress ?? 0)) / 100) * size);
  return `[${'#'.repeat(filled)}${'.'.repeat(size - filled)}]`;
}

/**
 * A live line (status, bar, %, ETA, vendor status) redrawn in place on a terminal, cut to its
 * width. A note (the API unreachable) takes the bar's place until the API answers again.
 */
export class BarProgressDisplay implements ProgressDisplay {
  private readonly eta = new EtaEstimator();
  private readonly block: LiveBlock;
  private lastEta: number | undefined;
  private job: ApiJob | undefined;
  private remark: string | undefined;

  constructor(private readonly stream: TerminalStream) {
    this.block = new LiveBlock(stream);
  }

  update(job: ApiJob): void {
    const etaSeconds = this.eta.observe(job);
    if (etaSeconds !== undefined || job.status !== 'RUNNING') this.lastEta = etaSeconds;
    this.job = job;
    this.draw();
  }

  note(message: string): void {
    this.remark = message;
    this.draw();
  }

  clearNote(): void {
    if (this.remark === undefined) return;
    this.remark = undefined;
    this.draw();
  }

  stop(): void {
    this.block.release();
  }

  private draw(): void {
    if (!this.job) return;
    const status = statusLabel(this.job);
    const percent = this.job.progress === undefined ? '  -%' : progressText(this.job).padStart(4);
    if (this.remark !== undefined) {
      this.block.render([`${status} ${percent}  ${this.remark}`]);
      return;
    }
    const eta = this.lastEta === undefined ? '-' : formatSeconds(this.lastEta);
    const raw = this.job.rawStatus ? `vendor: ${this.job.rawStatus}` : '';
    const size = barSize(terminalWidth(this.stream));
    this.block.render([
      `${status.padEnd(11)} ${bar(this.job.progress, size)} ${percent}  ETA ${eta.padEnd(6)}  ${raw}`,
    ]);
  }
}
