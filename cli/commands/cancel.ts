import type { CancelResult } from '../api-client.js';
import { type CliContext, jsonText } from '../context.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { renderCancelResult } from '../render.js';
import { terminalWidth } from '../terminal.js';

/**
 * `jobwatch cancel <id>`: asks the vendor to cancel where it can and records CANCELLED.
 * Idempotent, so a job that already ended is not an error: the output says what happened. A
 * job that jobwatch stopped watching while the vendor goes on running it exits 15, so a script
 * cannot mistake it for a cancelled vendor job.
 */
export async function cancelCommand(
  context: CliContext,
  jobId: string,
  options: { reason?: string; json?: boolean },
): Promise<ExitCode> {
  const result = await context.client.cancel(jobId, options.reason);
  context.stdout.write(
    options.json ? jsonText(result) : `${renderCancelResult(result, terminalWidth(context.stdout))}\n`,
  );
  return vendorJobGoesOn(result) ? EXIT_CODES.vendorNotCancelled : EXIT_CODES.success;
}

/**
 * The API answers such a cancel with 200, `vendorCancelled: false`, and the job CANCELLED with
 * its watch STOPPED (the reason says the vendor job may still run). A job that had ended before
 * keeps its own status and watch, and a vendor that cancelled leaves the watch as it was.
 */
export function vendorJobGoesOn(result: CancelResult): boolean {
  return (
    !result.vendorCancelled && result.job.status === 'CANCELLED' && result.job.watch?.state === 'STOPPED'
  );
}
