import type { Job } from '../jobs/job.js';
import type { TransitionResult } from '../jobs/transitions.js';
import { executionOf } from './execution-names.js';

/** What one poll writes down about itself on the snapshots it stores. */
export interface PollMarks {
  /** The execution polling (its id: an ARN deployed). */
  executionId: string;
  /** When this poll ran. */
  at: Date;
  /** When the state machine will poll a job in this state next (undefined: it will not). */
  nextPollAt(job: Job): Date | undefined;
}

/**
 * A transition's result with this poll's marks — `execution`, `lastPolledAt`, `nextPollAt` — when
 * it is stored anyway (a change), so each history entry says which poll stored it. The live
 * count of polls is the poll ledger's (`store.recordPoll`), which every poll writes. The marks are never material: a poll that
 * changes nothing writes nothing, so they cost no write of their own, and they tell how the
 * watch stood at the job's latest stored change (see the Job schema).
 *
 * @example const marked = withPollMarks(applyObservation(job, observation, now), marks);
 */
export function withPollMarks(result: TransitionResult, marks: PollMarks): TransitionResult {
  if (!result.changed) return result;
  const { nextPollAt: _stale, polls: _counted, ...job } = result.job;
  const next = marks.nextPollAt(job);
  return {
    ...result,
    job: {
      ...job,
      execution: executionOf(marks.executionId),
      lastPolledAt: marks.at.toISOString(),
      ...(next ? { nextPollAt: next.toISOString() } : {}),
    },
  };
}
