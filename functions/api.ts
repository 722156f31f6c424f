import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpRouterHandler, { type Method } from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { buildOpenApiDocument } from '../lib/api/openapi.js';
import { PROBLEM_CONTENT_TYPE, problemFor } from '../lib/api/problem.js';
import { API_ROUTES } from '../lib/api/route-table.js';
import { json } from '../lib/api/routes.js';
import type { WatchServices } from '../lib/watch/ports.js';
import { awsWatchServices, logger } from './shared/aws-services.js';

const OPENAPI_DOCUMENT = buildOpenApiDocument(API_ROUTES, '1');

/**
 * The HTTP API: API Gateway (REST, proxy) in AWS, the local server locally. Domain code throws;
 * this edge turns errors into RFC 9457 problem documents and logs what the client is not shown.
 */
export function createApiHandler(services: () => Promise<WatchServices>) {
  const router = httpRouterHandler<APIGatewayProxyEvent, APIGatewayProxyResult>([
    ...API_ROUTES.map((route) => ({
      method: route.method as Method,
      path: route.path,
      handler: async (event: APIGatewayProxyEvent) => route.handler(await services(), event),
    })),
    { method: 'GET' as Method, path: '/openapi.json', handler: async () => json(200, OPENAPI_DOCUMENT) },
  ]);
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use({
      onError: async (request) => {
        const problem = problemFor(request.error);
        const log = (await services().catch(() => undefined))?.logger ?? logger;
        if (problem.status >= 500) log.error('API request failed', { error: request.error as Error });
        else log.info('API request refused', { status: problem.status, type: problem.type });
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
