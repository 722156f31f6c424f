import { type CliContext, jsonText } from '../context.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { renderJobDetails } from '../render.js';

/**
 * `jobwatch rewatch <id>`: watches a job again whose watch stopped (it broke down, or its
 * execution is gone) while the job is not final. A job being watched already is left as it is;
 * a final job is refused by the API (409, exit 3): final states are sticky.
 */
export async function rewatchCommand(
  context: CliContext,
  jobId: string,
  options: { reason?: string; json?: boolean },
): Promise<ExitCode> {
  const { job, restarted } = await context.client.rewatch(jobId, options.reason);
  if (options.json) {
    context.stdout.write(jsonText({ job, restarted }));
  } else {
    const headline = restarted
      ? `Watching ${job.jobId} again (attempt ${job.watch?.attempt ?? 1})`
      : `${job.jobId} is being watched already`;
    context.stdout.write(`${headline}\n${renderJobDetails(job)}\n`);
  }
  return EXIT_CODES.success;
}
