import type { z } from 'zod';
import { InvalidInputError } from '../jobs/errors.js';
import { type Job, JobSchema } from '../jobs/job.js';

/**
 * What a caller hands the store, checked strictly: the store's own input is never coerced or
 * trusted, so a bad value is the caller's error, named by field, before anything is written.
 *
 * @throws InvalidInputError with one `path: message` issue per failing field.
 * @example const query = parseOwnInput(ListJobsQuerySchema, input, 'Invalid job listing query');
 */
export function parseOwnInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  message: string,
): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(message, describeIssues(parsed.error));
  return parsed.data;
}

/** @example const job = parseOwnJob(candidate, 'transition result'); */
export function parseOwnJob(job: Job, what: string): Job {
  return parseOwnInput(JobSchema, job, `Invalid ${what}`);
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
}
