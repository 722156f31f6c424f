import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { type ReconcileResult, reconcile } from '../lib/watch/reconcile.js';
import type { WatchServices } from '../lib/watch/watch-services.js';
import { awsServicesWithoutAdapters, logger } from './shared/aws-services.js';

/**
 * Target of the reconciler schedule (every 5 minutes): restarts jobs that say WATCHING without a
 * live execution. Where a capped run stopped is kept while the container lives, so the next run
 * goes on from there; a cold start begins again at the newest jobs, which is only slower.
 */
export function createReconcileHandler(services: () => Promise<WatchServices>) {
  let resumeBefore: ReconcileResult['resumeBefore'] = {};
  return middy<unknown, { checked: number; restarted: number; failed: number }>()
    .use(injectLambdaContext(logger))
    .handler(async () => {
      const result = await reconcile(await services(), { resumeBefore });
      resumeBefore = result.resumeBefore;
      return { checked: result.checked, restarted: result.restarted.length, failed: result.failed.length };
    });
}

export const handler = createReconcileHandler(awsServicesWithoutAdapters);
