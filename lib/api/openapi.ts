import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { JobSchema } from '../jobs/job.js';
import { PROBLEM_TYPES } from './problem.js';
import { API_ROUTES, API_TAGS, type ApiRoute } from './route-table.js';
import { json } from './routes.js';

/** The job as the API shows it: the stored schema minus the fields that stay inside. */
const PublicJobSchema = JobSchema.omit({
  adapterState: true,
  requestHash: true,
  progressAnchor: true,
  progressPrevious: true,
});

const ProblemSchema = z.object({
  type: z.enum(Object.values(PROBLEM_TYPES) as [string, ...string[]]),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.string()).optional(),
});

const COMPONENTS: Record<string, z.ZodType> = {
  Job: PublicJobSchema,
  JobPage: z.object({ items: z.array(PublicJobSchema), next: z.string().optional() }),
  Cancel: z.object({ job: PublicJobSchema, vendorCancelled: z.boolean(), message: z.string() }),
  Connections: z.object({ items: z.array(z.object({ name: z.string(), vendor: z.string() })) }),
  Health: z.object({ status: z.literal('ok') }),
  Problem: ProblemSchema,
};

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  });
  return rest;
}

/**
 * How callers of this API authenticate: `none` (the local API without a token), `bearer` (a JWT
 * checked by the deployed token authorizer, or the local API's token), `sigv4` (IAM).
 */
export type OpenApiAuth = 'none' | 'bearer' | 'sigv4';

const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "A JWT from the operator's issuer (API Gateway token authorizer); locally, api.token",
  },
  sigv4: {
    type: 'apiKey',
    name: 'Authorization',
    in: 'header',
    description: 'AWS Signature Version 4 (API Gateway IAM auth)',
  },
} as const;

/**
 * The OpenAPI 3.1 document of the API, generated from the route table and the same zod schemas
 * that validate requests — never written by hand. Security is declared only where it applies:
 * with `auth: 'none'` the document names no scheme (and Swagger UI shows no Authorize button).
 *
 * @example buildOpenApiDocument(API_ROUTES, '0.1.0').paths['/jobs'].post.operationId // 'startWatch'
 */
export function buildOpenApiDocument(
  routes: readonly ApiRoute[],
  version: string,
  auth: OpenApiAuth = 'none',
) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    const pathItem = paths[route.path] as Record<string, unknown>;
    pathItem[route.method.toLowerCase()] = {
      ...operationObject(route),
      ...(auth === 'none' ? {} : { security: [{ [auth]: [] }] }),
    };
  }
  const usedTags = new Set(routes.map((route) => route.tag));
  return {
    openapi: '3.1.0',
    info: {
      title: 'jobwatch',
      version,
      description: "Watch jobs running in vendors' media systems until they end.",
    },
    tags: Object.entries(API_TAGS)
      .filter(([name]) => usedTags.has(name as ApiRoute['tag']))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: Object.fromEntries(
        Object.entries(COMPONENTS).map(([name, schema]) => [name, jsonSchema(schema)]),
      ),
      ...(auth === 'none' ? {} : { securitySchemes: { [auth]: SECURITY_SCHEMES[auth] } }),
    },
  };
}

/**
 * How the request for the document was authorized, which is how every route of this API is:
 * API Gateway puts a token authorizer's principal in `requestContext.authorizer` and an IAM
 * caller in `requestContext.identity`; a request with neither met no authorizer at all. The
 * function need not be told which one the stack configured.
 */
export function openApiAuthOf(event: APIGatewayProxyEvent): OpenApiAuth {
  const context = event.requestContext;
  if (context?.authorizer && typeof context.authorizer.principalId === 'string') return 'bearer';
  if (context?.identity?.userArn || context?.identity?.accessKey) return 'sigv4';
  return 'none';
}

const documents = new Map<OpenApiAuth, ReturnType<typeof buildOpenApiDocument>>();

/** `GET /openapi.json`: the document, with the security of the way this request came in. */
export function openApiResult(event: APIGatewayProxyEvent, version = '1'): APIGatewayProxyResult {
  const auth = openApiAuthOf(event);
  let document = documents.get(auth);
  if (!document) {
    document = buildOpenApiDocument(API_ROUTES, version, auth);
    documents.set(auth, document);
  }
  return json(200, document);
}

/** One route as an OpenAPI operation. */
function operationObject(route: ApiRoute): Record<string, unknown> {
  const parameters = [...pathParameters(route.path), ...queryParameters(route)];
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.method === 'POST' && route.operationId === 'startWatch',
            content: { 'application/json': { schema: jsonSchema(route.body) } },
          },
        }
      : {}),
    responses: responsesObject(route),
  };
}

/** `/jobs/{jobId}` → a required string parameter `jobId`. */
function pathParameters(path: string): unknown[] {
  return (path.match(/\{(\w+)\}/g) ?? []).map((name) => ({
    name: name.slice(1, -1),
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
}

/** Each property of the route's query schema as its own query parameter. */
function queryParameters(route: ApiRoute): unknown[] {
  if (!route.query) return [];
  const query = jsonSchema(route.query) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(query.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: query.required?.includes(name) ?? false,
    schema,
  }));
}

/** The route's own responses, plus the problem document any route may answer with instead. */
function responsesObject(route: ApiRoute): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema
        ? {
            content: {
              [response.schema === 'Problem' ? 'application/problem+json' : 'application/json']: {
                schema: { $ref: `#/components/schemas/${response.schema}` },
              },
            },
          }
        : {}),
    };
  }
  responses.default = {
    description:
      'A problem (RFC 9457): 400 invalid request, 404 not found, 405 method not allowed (with Allow), ' +
      '409 conflict, 413 too large, 415 not JSON, 5xx',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
  return responses;
}
