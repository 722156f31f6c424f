import type { ApiJob } from '../api-client.js';
import { type CliContext, jsonText } from '../context.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { renderHistoryTable } from '../render.js';

/** Snapshots per request: the API's maximum, since the whole history is wanted. */
const PAGE_SIZE = 100;

/**
 * `jobwatch history <id>`: every snapshot of a job, oldest first, across all pages (a job's
 * history is bounded: snapshots are stored only on change).
 */
export async function historyCommand(
  context: CliContext,
  jobId: string,
  options: { json?: boolean },
): Promise<ExitCode> {
  const items: ApiJob[] = [];
  let cursor: string | undefined;
  do {
    const page = await context.client.history(jobId, { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.next;
  } while (cursor);
  context.stdout.write(options.json ? jsonText({ items }) : `${renderHistoryTable(items)}\n`);
  return EXIT_CODES.success;
}
