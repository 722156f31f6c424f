import { type CliContext, jsonText } from '../context.js';
import { ResponseShapeError } from '../errors.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { renderJobDetails } from '../render.js';

/** `jobwatch get <id>`: the latest snapshot of one job. */
export async function getCommand(
  context: CliContext,
  jobId: string,
  options: { json?: boolean },
): Promise<ExitCode> {
  const { job } = await context.client.getJob(jobId);
  // Without If-None-Match the API always sends the job; a 304 here would be a broken proxy.
  if (!job) throw new ResponseShapeError(`the API answered GET /jobs/${jobId} without the job`);
  context.stdout.write(options.json ? jsonText(job) : `${renderJobDetails(job)}\n`);
  return EXIT_CODES.success;
}
