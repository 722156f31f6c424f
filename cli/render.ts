import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import type { ApiConnection, ApiJob, CancelResult } from './api-client.js';

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

/** `jobwatch list`: one row per job. */
export function renderJobTable(jobs: readonly ApiJob[]): string {
  if (jobs.length === 0) return 'No jobs.';
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
export function renderCancelResult(result: CancelResult): string {
  const outcome = result.vendorCancelled ? 'cancelled at the vendor' : 'not cancelled at the vendor';
  return [
    `${result.job.jobId}: ${statusLabel(result.job)} (${outcome})`,
    ...(result.message ? [result.message] : []),
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
 * One line per change, for logs and pipes:
 * `2026-01-01T10:00:05.000Z jw-abc RUNNING 42% eta 1m10s vendor=running: Processing`.
 */
export function formatProgressLine(job: ApiJob, etaSeconds: number | undefined, now: Date): string {
  const parts = [now.toISOString(), job.jobId, statusLabel(job)];
  if (job.progress !== undefined) parts.push(progressText(job));
  if (etaSeconds !== undefined) parts.push(`eta ${formatSeconds(etaSeconds)}`);
  if (job.rawStatus) parts.push(`vendor=${job.rawStatus}`);
  const note = job.error?.message ?? job.watchIssue?.message ?? job.message;
  return note ? `${parts.join(' ')}: ${truncate(note, 120)}` : parts.join(' ');
}

/** The line `watch --wait` ends with. */
export function formatOutcomeLine(job: ApiJob): string {
  const reason = job.error?.message ?? job.watch?.reason ?? job.message;
  return `${job.jobId} ${statusLabel(job)}${reason ? `: ${reason}` : ''}`;
}

/** Shows a watched job as it changes. */
export interface ProgressDisplay {
  update(job: ApiJob): void;
  /** A passing remark (retrying after a transport error) that is not a change of the job. */
  note(message: string): void;
  stop(): void;
}

/** One line per change: what a non-TTY (a log file, a pipe, CI) should get. */
export class LineProgressDisplay implements ProgressDisplay {
  private readonly eta = new EtaEstimator();
  private lastVersion: number | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  update(job: ApiJob): void {
    const etaSeconds = this.eta.observe(job);
    if (job.version === this.lastVersion) return;
    this.lastVersion = job.version;
    this.write(`${formatProgressLine(job, etaSeconds, this.now())}\n`);
  }

  note(message: string): void {
    this.write(`${this.now().toISOString()} ${message}\n`);
  }

  stop(): void {}
}

/** A live bar (status, bar, %, ETA, vendor status) redrawn in place, for a terminal. */
export class BarProgressDisplay implements ProgressDisplay {
  private readonly eta = new EtaEstimator();
  private readonly bar: cliProgress.SingleBar;
  private started = false;
  private lastEta: number | undefined;

  constructor(stream: NodeJS.WritableStream) {
    this.bar = new cliProgress.SingleBar({
      stream,
      hideCursor: true,
      // Keep the terminal usable if the user interrupts the wait.
      gracefulExit: true,
      barsize: 30,
      // cli-progress's own ETA assumes updates at a steady pace; ours comes from the job's rate.
      format: (options, params, payload: { status: string; eta: string; raw: string; known: boolean }) => {
        const bar = cliProgress.Format.BarFormat(params.progress, options);
        const percent = payload.known ? `${String(Math.round(params.progress * 100)).padStart(3)}%` : '  -%';
        return `${payload.status.padEnd(11)} ${bar} ${percent}  ETA ${payload.eta.padEnd(6)}  ${payload.raw}`;
      },
    });
  }

  update(job: ApiJob): void {
    const etaSeconds = this.eta.observe(job);
    if (etaSeconds !== undefined || job.status !== 'RUNNING') this.lastEta = etaSeconds;
    const payload = {
      status: statusLabel(job),
      eta: this.lastEta === undefined ? '-' : formatSeconds(this.lastEta),
      raw: job.rawStatus ? `vendor: ${truncate(job.rawStatus, 40)}` : '',
      known: job.progress !== undefined,
    };
    const value = job.progress ?? 0;
    if (!this.started) {
      this.bar.start(100, value, payload);
      this.started = true;
    } else {
      this.bar.update(value, payload);
    }
  }

  note(_message: string): void {
    // The bar owns the line; a transient remark would only garble it. The status stays visible.
  }

  stop(): void {
    if (this.started) this.bar.stop();
    this.started = false;
  }
}
