import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { pollJob } from '../lib/watch/poll-job.js';
import type { WatchServices } from '../lib/watch/watch-services.js';
import { type PollEvent, PollEventSchema, type PollResult } from '../lib/workflow/poll-contract.js';
import { asWorkflowError } from '../lib/workflow/workflow-errors.js';
import { type AdapterNeeds, awsWatchServices, logger } from './shared/aws-services.js';
import { flushMetrics } from './shared/observability.js';

/**
 * The state machine's poll task. Returns the final snapshot when the job succeeded; otherwise
 * throws an error whose name tells the state machine what comes next (see poll-contract.ts).
 */
export function createPollHandler(services: (needs?: AdapterNeeds) => Promise<WatchServices>) {
  return middy<PollEvent, PollResult>()
    .use(injectLambdaContext(logger))
    .use(flushMetrics())
    .use(parser({ schema: PollEventSchema }))
    .handler(async (event) => {
      // Building the services reads Secrets Manager: a blip there is trouble to retry like any
      // other, so it must leave as a workflow error too, not as whatever the SDK threw.
      try {
        return await pollJob(await services({ connection: event.input.connection }), event);
      } catch (error) {
        const signal = asWorkflowError(error);
        if (signal !== error) {
          logger.error('Poll failed', {
            jobId: event.input.jobId,
            connection: event.input.connection,
            execution: event.execution.id,
            outcome: signal.name,
            error: error as Error,
          });
        }
        throw signal;
      }
    });
}

export const handler = createPollHandler(awsWatchServices);
