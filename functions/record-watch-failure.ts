import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { recordWatchFailure } from '../lib/watch/record-watch-failure.js';
import type { WatchServices } from '../lib/watch/watch-services.js';
import { type WatchFailureEvent, WatchFailureEventSchema } from '../lib/workflow/poll-contract.js';
import { awsServicesWithoutAdapters, logger } from './shared/aws-services.js';
import { flushMetrics } from './shared/observability.js';

/** The Catch of the poll task: writes down why the watch broke before the execution fails. */
export function createRecordWatchFailureHandler(services: () => Promise<WatchServices>) {
  return middy<WatchFailureEvent, { recorded: true }>()
    .use(injectLambdaContext(logger))
    .use(flushMetrics())
    .use(parser({ schema: WatchFailureEventSchema }))
    .handler(async (event) => {
      await recordWatchFailure(await services(), event);
      return { recorded: true };
    });
}

export const handler = createRecordWatchFailureHandler(awsServicesWithoutAdapters);
