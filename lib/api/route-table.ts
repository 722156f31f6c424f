import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { z } from 'zod';
import { WatchRequestSchema } from '../jobs/watch-request.js';
import type { WatchServices } from '../watch/watch-services.js';
import * as routes from './routes.js';

export type RouteHandler = (
  services: WatchServices,
  event: APIGatewayProxyEvent,
) => Promise<APIGatewayProxyResult>;

/** The groups of routes in the docs, in the order they are listed. */
export const API_TAGS = {
  watches: 'Start, cancel and rewatch the watch of a vendor job',
  jobs: 'Read jobs: the list, one snapshot, its history',
  operations: 'Connections and liveness',
} as const;
export type ApiTag = keyof typeof API_TAGS;

export interface ApiRoute {
  method: 'GET' | 'POST';
  /** API Gateway style: `{id}` for a path parameter. */
  path: string;
  operationId: string;
  /** The group the docs list it under (see API_TAGS). */
  tag: ApiTag;
  summary: string;
  handler: RouteHandler;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Status codes this route answers besides the problem documents every route may send. */
  responses: Record<
    number,
    {
      description: string;
      /** `Problem` is served as application/problem+json, the others as application/json. */
      schema?: 'Job' | 'JobPage' | 'Cancel' | 'Connections' | 'Health' | 'OpenApi' | 'Problem';
    }
  >;
}

/**
 * Every route of the HTTP API, once: the router serves this table and the OpenAPI document is
 * generated from it, so the two cannot disagree.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'POST',
    path: '/jobs',
    operationId: 'startWatch',
    tag: 'watches',
    summary: 'Start watching a vendor job (idempotent)',
    handler: routes.startJob,
    body: WatchRequestSchema,
    responses: {
      202: { description: 'Watching started', schema: 'Job' },
      200: {
        description:
          'The same watch already existed (a repeated start: the same deadline, or none, joins it as it is)',
        schema: 'Job',
      },
      400: {
        description:
          'Invalid request, e.g. a deadline that is not in the future or more than one year away ' +
          "(a watch lasts at most one year, Step Functions' execution limit)",
        schema: 'Problem',
      },
      409: {
        description:
          'idempotency-conflict: the key was used for another job; deadline-conflict: the job is watched ' +
          'already with another deadline, which a start does not change (a duration counts from the first start)',
        schema: 'Problem',
      },
    },
  },
  {
    method: 'GET',
    path: '/jobs',
    operationId: 'listJobs',
    tag: 'jobs',
    summary: 'List jobs, newest change first',
    handler: routes.listJobs,
    query: routes.ListQuerySchema,
    responses: { 200: { description: 'A page of jobs', schema: 'JobPage' } },
  },
  {
    method: 'GET',
    path: '/jobs/{id}',
    operationId: 'getJob',
    tag: 'jobs',
    summary: 'The latest snapshot of a job (ETag, Retry-After)',
    handler: routes.getJob,
    responses: { 200: { description: 'The job', schema: 'Job' }, 304: { description: 'Not modified' } },
  },
  {
    method: 'GET',
    path: '/jobs/{id}/history',
    operationId: 'jobHistory',
    tag: 'jobs',
    summary: 'Snapshots of a job, oldest first',
    handler: routes.jobHistory,
    query: routes.PageQuerySchema,
    responses: { 200: { description: 'A page of snapshots', schema: 'JobPage' } },
  },
  {
    method: 'POST',
    path: '/jobs/{id}/cancel',
    operationId: 'cancelJob',
    tag: 'watches',
    summary: 'Cancel a job at the vendor where possible, and stop watching it',
    handler: routes.cancelJob,
    body: routes.CancelBodySchema,
    responses: { 200: { description: 'The job after the cancel', schema: 'Cancel' } },
  },
  {
    method: 'POST',
    path: '/jobs/{id}/rewatch',
    operationId: 'rewatchJob',
    tag: 'watches',
    summary: 'Watch a job again whose watch stopped while the job is not final (409 once final)',
    handler: routes.rewatchJob,
    body: routes.RewatchBodySchema,
    responses: {
      202: { description: 'Watched again, as a new attempt', schema: 'Job' },
      200: { description: 'The job is being watched already', schema: 'Job' },
    },
  },
  {
    method: 'GET',
    path: '/connections',
    operationId: 'listConnections',
    tag: 'operations',
    summary: 'Configured connections (names and vendors only)',
    handler: routes.listConnections,
    responses: { 200: { description: 'Connections', schema: 'Connections' } },
  },
  {
    method: 'GET',
    path: '/health',
    operationId: 'health',
    tag: 'operations',
    summary: 'Liveness',
    handler: routes.health,
    responses: { 200: { description: 'Alive', schema: 'Health' } },
  },
];
