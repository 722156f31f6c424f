import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpRouterHandler, { type Method } from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { DASHBOARD_ROUTES } from '../lib/api/dashboard-routes.js';
import { openApiResult } from '../lib/api/openapi.js';
import { HttpProblemError, PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, problemFor } from '../lib/api/problem.js';
import { API_ROUTES } from '../lib/api/route-table.js';
import type { WatchServices } from '../lib/watch/watch-services.js';
import { adapterNeedsOf } from './shared/api-adapter-needs.js';
import { type AdapterNeeds, awsWatchServices, logger } from './shared/aws-services.js';
import { flushMetrics } from './shared/observability.js';

/**
 * The HTTP API: API Gateway (REST, proxy) in AWS, the local server locally. Domain code throws;
 * this edge turns errors into RFC 9457 problem documents and logs what the client is not shown.
 */
export function createApiHandler(services: (needs?: AdapterNeeds) => Promise<WatchServices>) {
  const router = httpRouterHandler<APIGatewayProxyEvent, APIGatewayProxyResult>({
    routes: [
      ...API_ROUTES.map((route) => ({
        method: route.method as Method,
        path: route.path,
        handler: async (event: APIGatewayProxyEvent) =>
          route.handler(await services(adapterNeedsOf(route.operationId, event)), event),
      })),
      {
        method: 'GET' as Method,
        path: '/openapi.json',
        handler: async (event: APIGatewayProxyEvent) => openApiResult(event),
      },
      ...DASHBOARD_ROUTES,
    ],
    notFoundResponse: ({ method, path }) => {
      throw routeNotServed(method, path);
    },
  });
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(flushMetrics())
    .use({
      onError: async (request) => {
        const problem = problemFor(request.error);
        const log = (await services({}).catch(() => undefined))?.logger ?? logger;
        if (problem.status >= 500) log.error('API request failed', { error: request.error as Error });
        else log.info('API request refused', { status: problem.status, type: problem.type });
        const allow = request.error instanceof HttpProblemError ? request.error.allow : undefined;
        request.response = {
          statusCode: problem.status,
          headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...(allow ? { allow } : {}) },
          body: JSON.stringify({ ...problem, instance: request.event.path }),
        };
      },
    })
    .handler(router);
}

/** Paths the API serves, each with the methods it answers (the route table plus the document). */
const SERVED = [
  ...API_ROUTES.map((route) => ({ method: route.method as string, path: route.path })),
  { method: 'GET', path: '/openapi.json' },
  ...DASHBOARD_ROUTES,
].map(({ method, path }) => ({
  method,
  // `{id}` is one segment, as the router reads it; an optional trailing slash, as it allows.
  pattern: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}/?$`),
}));

/** 405 with `Allow` for a path served with other methods, 404 for a path not served at all. */
function routeNotServed(method: string, path: string): HttpProblemError {
  const allowed = [
    ...new Set(SERVED.filter((route) => route.pattern.test(path)).map((route) => route.method)),
  ];
  if (allowed.length === 0) {
    return new HttpProblemError({
      type: PROBLEM_TYPES.routeNotFound,
      title: 'Not found',
      status: 404,
      detail: 'No such route',
    });
  }
  return new HttpProblemError(
    {
      type: PROBLEM_TYPES.methodNotAllowed,
      title: 'Method not allowed',
      status: 405,
      detail: `${path} answers ${allowed.join(', ')}, not ${method}`,
    },
    allowed.join(', '),
  );
}

export const handler = createApiHandler(awsWatchServices);
