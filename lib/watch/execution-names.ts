import type { Job } from '../jobs/job.js';

/**
 * How a watch's executions are named. Step Functions keeps a name for 90 days after its execution
 * closed, so every restart of a watch (an *attempt*) needs a name of its own:
 * attempt 1 is `<jobId>` (or the name a parent state machine gave it, `watch.execution`),
 * attempt n is `<jobId>-r<n>`; continuations of an attempt add `-c<k>`.
 */

/** The attempt a job's watch is on (1 when it never restarted). */
export function attemptOf(job: Pick<Job, 'watch'>): number {
  return job.watch?.attempt ?? 1;
}

/**
 * The name of the first execution of an attempt.
 *
 * @example rootExecutionName({ jobId: 'jw-1f', watch: { state: 'WATCHING', attempt: 3 } }) // 'jw-1f-r3'
 */
export function rootExecutionName(job: Pick<Job, 'jobId' | 'watch'>, attempt = attemptOf(job)): string {
  if (attempt <= 1) return job.watch?.execution ?? job.jobId;
  return `${job.jobId}-r${attempt}`;
}

/**
 * The job id in an execution name, its restart and continuation suffixes dropped.
 *
 * @example jobIdOfExecutionName('jw-1f-r2-c4') // 'jw-1f'
 */
export function jobIdOfExecutionName(name: string): string | undefined {
  const { jobId } = splitSuffixes(name);
  return jobId.length > 0 ? jobId : undefined;
}

/**
 * `<jobId>[-r<attempt>](-c<n>)*`, one suffix at a time from the end: the single pattern
 * `/(?:-r(\d+))?(?:-c\d+)*$/` was retried from every position (quadratic).
 */
function splitSuffixes(name: string): { jobId: string; attempt?: string } {
  let jobId = name;
  for (let suffix = /-c\d+$/.exec(jobId); suffix; suffix = /-c\d+$/.exec(jobId)) {
    jobId = jobId.slice(0, suffix.index);
  }
  const restart = /-r(\d+)$/.exec(jobId);
  const attempt = restart?.[1];
  return restart && attempt !== undefined ? { jobId: jobId.slice(0, restart.index), attempt } : { jobId };
}

/**
 * The attempt an execution name belongs to.
 *
 * @example attemptOfExecutionName('jw-1f-c2') // 1
 */
export function attemptOfExecutionName(name: string): number {
  const { attempt } = splitSuffixes(name);
  return attempt ? Number(attempt) : 1;
}

/**
 * The execution a job shows, from the id Step Functions gives a task (`$$.Execution.Id`): its
 * name, and its ARN when it is one in AWS. The local runner's ids are ARN-shaped in region
 * `local`, which names nothing an operator could open, so a local job shows the name only.
 *
 * @example executionOf('arn:aws:states:eu-west-1:123456789012:execution:jobwatch-dev-watch:jw-1f') // { name: 'jw-1f', arn: 'arn:…' }
 */
export function executionOf(executionId: string): { name: string; arn?: string } {
  const name = executionId.slice(executionId.lastIndexOf(':') + 1);
  const region = executionId.split(':')[3];
  const inAws = executionId.startsWith('arn:') && region !== undefined && region !== '' && region !== 'local';
  return inAws ? { name, arn: executionId } : { name };
}
