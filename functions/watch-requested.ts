import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeEnvelope } from '@aws-lambda-powertools/parser/envelopes/eventbridge';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { type WatchRequest, WatchRequestSchema } from '../lib/jobs/watch-request.js';
import { startWatch } from '../lib/watch/start-watch.js';
import type { WatchServices } from '../lib/watch/watch-services.js';
import { type AdapterNeeds, awsWatchServices, logger } from './shared/aws-services.js';

/**
 * Target of the "Watch Job Requested" rule. EventBridge delivers at least once; the watch's
 * derived job id and execution name make a duplicate event start nothing new.
 */
export function createWatchRequestedHandler(services: (needs?: AdapterNeeds) => Promise<WatchServices>) {
  return middy<WatchRequest, { jobId: string; created: boolean }>()
    .use(injectLambdaContext(logger))
    .use(parser({ schema: WatchRequestSchema, envelope: EventBridgeEnvelope }))
    .handler(async (request) => {
      const { job, created } = await startWatch(await services({ connection: request.connection }), request);
      return { jobId: job.jobId, created };
    });
}

export const handler = createWatchRequestedHandler(awsWatchServices);
