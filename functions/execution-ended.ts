import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeEnvelope } from '@aws-lambda-powertools/parser/envelopes/eventbridge';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import {
  type ExecutionStatusChange,
  ExecutionStatusChangeSchema,
  onExecutionEnded,
} from '../lib/watch/execution-ended.js';
import type { WatchServices } from '../lib/watch/watch-services.js';
import { awsWatchServices, logger } from './shared/aws-services.js';
import { flushMetrics } from './shared/observability.js';

/** Target of the rule on this state machine's executions ending ABORTED, TIMED_OUT or FAILED. */
export function createExecutionEndedHandler(services: () => Promise<WatchServices>) {
  return middy<ExecutionStatusChange, void>()
    .use(injectLambdaContext(logger))
    .use(flushMetrics())
    .use(parser({ schema: ExecutionStatusChangeSchema, envelope: EventBridgeEnvelope }))
    .handler(async (change) => onExecutionEnded(await services(), change));
}

// A stopped execution is a cancel, and the vendor is asked to cancel where it can: the adapter of
// the job it reads is loaded then (no connection is known before the job is read).
export const handler = createExecutionEndedHandler(() => awsWatchServices({}));
