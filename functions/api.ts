import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpRouterHandler, { type Method } from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { PROBLEM_CONTENT_TYPE, problemFor } from '../lib/api/problem.js';
import * as routes from '../lib/api/routes.js';
import type { WatchServices } from '../lib/watch/ports.js';
import { awsWatchServices, logger } from './shared/aws-services.js';

type Handler = (services: WatchServices, event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

const ROUTES: Array<{ method: Method; path: string; handler: Handler }> = [
  { method: 'POST', path: '/jobs', handler: routes.startJob },
  { method: 'GET', path: '/jobs', handler: routes.listJobs },
  { method: 'GET', path: '/jobs/{id}', handler: routes.getJob },
  { method: 'GET', path: '/jobs/{id}/history', handler: routes.jobHistory },
  { method: 'POST', path: '/jobs/{id}/cancel', handler: routes.cancelJob },
  { method: 'GET', path: '/connections', handler: routes.listConnections },
  { method: 'GET', path: '/health', handler: routes.health },
];

/**
 * The HTTP API: API Gateway (REST, proxy) in AWS, the local server locally. Domain code throws;
 * this edge turns errors into RFC 9457 problem documents and logs what the client is not shown.
 */
export function createApiHandler(services: () => Promise<WatchServices>) {
  const router = httpRouterHandler<APIGatewayProxyEvent, APIGatewayProxyResult>(
    ROUTES.map((route) => ({
      method: route.method,
      path: route.path,
      handler: async (event: APIGatewayProxyEvent) => route.handler(await services(), event),
    })),
  );
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use({
      onError: async (request) => {
        const problem = problemFor(request.error);
        if (problem.status >= 500) logger.error('API request failed', { error: request.error as Error });
        else logger.info('API request refused', { status: problem.status, type: problem.type });
        request.response = {
          statusCode: problem.status,
          headers: { 'content-type': PROBLEM_CONTENT_TYPE },
          body: JSON.stringify({ ...problem, instance: request.event.path }),
        };
      },
    })
    .handler(router);
}

export const handler = createApiHandler(awsWatchServices);
