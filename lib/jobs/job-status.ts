import { z } from 'zod';

/**
 * The normalized lifecycle every vendor status is mapped onto.
 *
 * - QUEUED: accepted by the vendor, not started.
 * - RUNNING / SUSPENDED: started; suspended means paused and resumable.
 * - SUCCEEDED (optionally `partial`), FAILED, CANCELLED: the vendor's own verdict.
 * - LOST: the vendor no longer knows the job (id vanished, expired or was reset).
 * - TIMED_OUT: *our* deadline passed before the vendor reached a final state.
 * - UNKNOWN: the vendor reported a value no mapping knows. Not final: we keep watching.
 */
export const JOB_STATUSES = [
  'QUEUED',
  'RUNNING',
  'SUSPENDED',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'LOST',
  'TIMED_OUT',
  'UNKNOWN',
] as const;

export const JobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatusSchema>;

export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'LOST',
  'TIMED_OUT',
]);

/**
 * True when no later observation may move the job anywhere else.
 *
 * @example isFinal('LOST') // true
 */
export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.has(status);
}
