import { JOB_STATUSES, type JobStatus } from '../../lib/jobs/job-status.js';
import { parseDurationSeconds } from '../../lib/watch/duration.js';
import type { ApiJob, ListFilters } from '../api-client.js';
import { type CliContext, jsonText } from '../context.js';
import { UsageError } from '../errors.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { nextPageHint, renderJobTable } from '../render.js';
import { terminalWidth } from '../terminal.js';

export interface ListCommandOptions {
  status?: string;
  vendor?: string;
  connection?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
  all?: boolean;
  json?: boolean;
  wide?: boolean;
}

/** Default page size: a screenful. */
const DEFAULT_LIMIT = 20;

/**
 * `jobwatch list`: jobs newest change first. One page by default; `--all` follows `next`
 * cursors to the end. `--json` prints `{ items, next? }` as the API pages do. The table fits
 * the terminal (80 columns when not one); `--wide` has every column and full times.
 */
export async function listCommand(context: CliContext, options: ListCommandOptions): Promise<ExitCode> {
  const { items, next } = await fetchJobs(context, listFilters(options, new Date()), options.all ?? false);
  if (options.json) {
    context.stdout.write(jsonText({ items, ...(next ? { next } : {}) }));
  } else {
    const width = terminalWidth(context.stdout);
    context.stdout.write(`${renderJobTable(items, { wide: options.wide ?? false, width })}\n`);
    // On stderr so piping the table stays clean.
    if (next) context.stderr.write(`${nextPageHint(next, terminalWidth(context.stderr))}\n`);
  }
  return EXIT_CODES.success;
}

/** The API's list filters from the command line; only the options given become filters. */
function listFilters(options: ListCommandOptions, now: Date): ListFilters {
  return {
    ...(options.status !== undefined ? { statuses: parseStatuses(options.status) } : {}),
    ...(options.vendor !== undefined ? { vendor: options.vendor } : {}),
    ...(options.connection !== undefined ? { connection: options.connection } : {}),
    ...(options.since !== undefined ? { updatedSince: parseInstant('--since', options.since, now) } : {}),
    ...(options.until !== undefined ? { updatedUntil: parseInstant('--until', options.until, now) } : {}),
    limit: options.limit ?? DEFAULT_LIMIT,
    ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
  };
}

/** One page, or with `all` every page to the end; `next` is the cursor still left to follow. */
async function fetchJobs(
  context: CliContext,
  filters: ListFilters,
  all: boolean,
): Promise<{ items: ApiJob[]; next: string | undefined }> {
  const items: ApiJob[] = [];
  let next: string | undefined;
  do {
    const page = await context.client.listJobs({ ...filters, ...(next ? { cursor: next } : {}) });
    items.push(...page.items);
    next = page.next;
  } while (all && next);
  return { items, next };
}

/**
 * `RUNNING,queued` → `['RUNNING', 'QUEUED']`, refusing names the API does not know.
 *
 * @example parseStatuses('running, queued') // ['RUNNING', 'QUEUED']
 */
export function parseStatuses(text: string): JobStatus[] {
  const statuses = text
    .split(',')
    .map((status) => status.trim().toUpperCase())
    .filter(Boolean);
  if (statuses.length === 0) throw new UsageError('--status needs at least one status');
  const unknown = statuses.filter((status) => !(JOB_STATUSES as readonly string[]).includes(status));
  if (unknown.length) {
    throw new UsageError(`--status ${unknown.join(',')}: not a status (one of ${JOB_STATUSES.join(', ')})`);
  }
  return statuses as JobStatus[];
}

/**
 * An instant given as an ISO timestamp, or as a duration meaning "that long ago" (`2h`).
 *
 * @example parseInstant('--since', '2h', new Date('2026-01-01T12:00:00Z')) // '2026-01-01T10:00:00.000Z'
 */
export function parseInstant(option: string, text: string, now: Date): string {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const parsed = Date.parse(text);
    if (Number.isNaN(parsed)) throw new UsageError(`${option} ${text} is not a valid timestamp`);
    return new Date(parsed).toISOString();
  }
  try {
    return new Date(now.getTime() - parseDurationSeconds(text) * 1000).toISOString();
  } catch {
    throw new UsageError(
      `${option} ${text}: give an ISO timestamp (2026-01-01T10:00:00Z) or a duration ago (2h)`,
    );
  }
}
