import { type CliContext, jsonText } from '../context.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { renderCancelResult } from '../render.js';

/**
 * `jobwatch cancel <id>`: asks the vendor to cancel where it can and records CANCELLED.
 * Idempotent, so a job that already ended is not an error: the output says what happened.
 */
export async function cancelCommand(
  context: CliContext,
  jobId: string,
  options: { reason?: string; json?: boolean },
): Promise<ExitCode> {
  const result = await context.client.cancel(jobId, options.reason);
  context.stdout.write(options.json ? jsonText(result) : `${renderCancelResult(result)}\n`);
  return EXIT_CODES.success;
}
