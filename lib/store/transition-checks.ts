import { InvalidInputError } from '../jobs/errors.js';
import type { Job } from '../jobs/job.js';
import { parseOwnJob } from './own-input.js';

/**
 * The job a transition returned, checked before it is stored: the same job, one version on.
 *
 * @throws InvalidInputError for an invalid job, another job id, or a version that is not n+1.
 * @example const next = checkedSuccessor(current, result.job);
 */
export function checkedSuccessor(current: Job, candidate: Job): Job {
  const next = parseOwnJob(candidate, 'transition result');
  if (next.jobId !== current.jobId || next.version !== current.version + 1) {
    throw new InvalidInputError(
      `A transition of job ${current.jobId} must return the same job at version ${current.version + 1}`,
      ['jobId', 'version'],
    );
  }
  return next;
}

/**
 * A refresh may change the watch issue's text and counters only, never the version or the kind.
 * The result is `current` with the refreshed watch issue, whatever else the candidate changed.
 *
 * @throws InvalidInputError for an invalid job, another version, or another watch issue kind.
 * @example const refreshed = checkedRefresh(current, result.job);
 */
export function checkedRefresh(current: Job, candidate: Job): Job {
  const refreshed = parseOwnJob(candidate, 'transition result');
  if (
    refreshed.jobId !== current.jobId ||
    refreshed.version !== current.version ||
    refreshed.watchIssue?.kind === undefined ||
    refreshed.watchIssue.kind !== current.watchIssue?.kind
  ) {
    throw new InvalidInputError(
      `A refresh of job ${current.jobId} must keep version ${current.version} and its watch issue's kind`,
      ['version', 'watchIssue'],
    );
  }
  return { ...current, watchIssue: refreshed.watchIssue };
}
