import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { pollJob } from '../lib/watch/poll-job.js';
import type { WatchServices } from '../lib/watch/ports.js';
import { type PollEvent, PollEventSchema, type PollResult } from '../lib/workflow/poll-contract.js';
import { awsWatchServices, logger } from './shared/aws-services.js';

/**
 * The state machine's poll task. Returns when the job is final (or the execution should continue
 * as a new one); otherwise throws `PollIn<n>s`, which the task's Retry turns into the next poll.
 */
export function createPollHandler(services: () => Promise<WatchServices>) {
  return middy<PollEvent, PollResult>()
    .use(injectLambdaContext(logger))
    .use(parser({ schema: PollEventSchema }))
    .handler(async (event) => pollJob(await services(), event));
}

export const handler = createPollHandler(awsWatchServices);
