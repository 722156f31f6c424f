import { pollJob } from '../lib/watch/poll-job.js';
import type { WatchServices } from '../lib/watch/watch-services.js';
import { PollEventSchema } from '../lib/workflow/poll-contract.js';
import { JobEndedError, PollAgainError } from '../lib/workflow/workflow-errors.js';

/** Seconds the classic poller waits between polls, whatever the job does. */
export const CLASSIC_INTERVAL_SECONDS = 30;

/**
 * The baseline: the poller everyone writes first — Poll → Choice → Wait 30 s → Poll — three
 * state transitions per poll at a fixed interval. It reads the vendor and stores snapshots with
 * the same code as jobwatch, so only the loop differs.
 */
export const CLASSIC_DEFINITION = {
  Comment: 'Classic fixed-interval poller (benchmark baseline)',
  StartAt: 'Poll',
  States: {
    Poll: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:local:000000000000:function:classic-poll',
      Parameters: {
        'input.$': '$',
        execution: { 'id.$': '$$.Execution.Id', 'startTime.$': '$$.Execution.StartTime' },
      },
      ResultPath: '$.poll',
      Next: 'IsFinal',
    },
    IsFinal: {
      Type: 'Choice',
      Choices: [{ Variable: '$.poll.final', BooleanEquals: true, Next: 'Done' }],
      Default: 'Wait',
    },
    Wait: { Type: 'Wait', Seconds: CLASSIC_INTERVAL_SECONDS, Next: 'Poll' },
    Done: { Type: 'Succeed' },
  },
};

/** The classic poll function: the same poll, answering `{ final }` instead of steering a Retry. */
export function createClassicPollHandler(services: () => Promise<WatchServices>) {
  return async (event: unknown): Promise<{ final: boolean }> => {
    const parsed = PollEventSchema.parse(event);
    try {
      // A fixed poller keeps one execution: no history budget.
      await pollJob(await services(), { ...parsed, input: { ...parsed.input, maxHistoryEvents: 1e12 } });
      return { final: true };
    } catch (error) {
      if (error instanceof PollAgainError) return { final: false };
      if (error instanceof JobEndedError) return { final: true };
      throw error;
    }
  };
}
