import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api.js';
import { buildOpenApiDocument, openApiAuthOf } from '../../lib/api/openapi.js';
import { API_ROUTES, API_TAGS } from '../../lib/api/route-table.js';
import { LocalApiServer } from '../../local/api-server.js';

type Operation = { operationId: string; tags?: string[]; security?: unknown };
type Document = ReturnType<typeof buildOpenApiDocument> & {
  components: { securitySchemes?: Record<string, Record<string, unknown>> };
};

const operations = (document: Document) =>
  Object.values(document.paths).flatMap((item) => Object.values(item) as Operation[]);

/** A REST proxy event's requestContext as API Gateway sends it behind each kind of authorizer. */
const behindTokenAuthorizer = {
  requestContext: { authorizer: { principalId: 'operator@example.com', subject: 'operator@example.com' } },
} as unknown as APIGatewayProxyEvent;
const behindIam = {
  requestContext: {
    authorizer: null,
    identity: {
      accessKey: 'AKIAEXAMPLE',
      userArn: 'arn:aws:iam::123456789012:user/ops',
      caller: 'AIDAEXAMPLE',
    },
  },
} as unknown as APIGatewayProxyEvent;
const unauthenticated = {
  requestContext: { authorizer: null, identity: { accessKey: null, userArn: null, sourceIp: '127.0.0.1' } },
} as unknown as APIGatewayProxyEvent;

describe('the OpenAPI document', () => {
  it('declares no security scheme and no per-route security for an API without auth', () => {
    const document = buildOpenApiDocument(API_ROUTES, '1', 'none') as Document;

    expect(document.components.securitySchemes).toBeUndefined();
    expect(operations(document).filter((operation) => operation.security !== undefined)).toEqual([]);
  });

  it('declares the JWT bearer scheme on every route behind the token authorizer', () => {
    const document = buildOpenApiDocument(API_ROUTES, '1', 'bearer') as Document;

    expect(document.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
    expect(operations(document)).toHaveLength(API_ROUTES.length);
    for (const operation of operations(document)) {
      expect(operation.security, operation.operationId).toEqual([{ bearer: [] }]);
    }
  });

  it('declares SigV4 on every route behind IAM auth', () => {
    const document = buildOpenApiDocument(API_ROUTES, '1', 'sigv4') as Document;

    expect(Object.keys(document.components.securitySchemes ?? {})).toEqual(['sigv4']);
    for (const operation of operations(document)) expect(operation.security).toEqual([{ sigv4: [] }]);
  });

  it('groups every route under exactly one declared tag', () => {
    const document = buildOpenApiDocument(API_ROUTES, '1');

    expect(document.tags.map((tag) => tag.name)).toEqual(['watches', 'jobs', 'operations']);
    for (const operation of operations(document as Document)) {
      expect(operation.tags, operation.operationId).toHaveLength(1);
      expect(Object.keys(API_TAGS), operation.operationId).toContain(operation.tags?.[0]);
    }
    const byTag = (tag: string) =>
      operations(document as Document)
        .filter((operation) => operation.tags?.[0] === tag)
        .map((operation) => operation.operationId)
        .sort();
    expect(byTag('watches')).toEqual(['cancelJob', 'rewatchJob', 'startWatch']);
    expect(byTag('jobs')).toEqual(['getJob', 'jobHistory', 'listJobs']);
    expect(byTag('operations')).toEqual(['health', 'listConnections']);
  });

  it('reads how the request was authorized from the proxy event', () => {
    expect(openApiAuthOf(behindTokenAuthorizer)).toBe('bearer');
    expect(openApiAuthOf(behindIam)).toBe('sigv4');
    expect(openApiAuthOf(unauthenticated)).toBe('none');
  });

  it('is served by the deployed function with the security of the request that asked for it', async () => {
    const handler = createApiHandler(() => Promise.reject(new Error('no services in this test')));
    const fetchDocument = async (event: APIGatewayProxyEvent) => {
      const answer = await handler(
        {
          ...event,
          httpMethod: 'GET',
          path: '/openapi.json',
          headers: {},
          queryStringParameters: null,
          body: null,
        } as APIGatewayProxyEvent,
        { functionName: 'api', awsRequestId: 'test', getRemainingTimeInMillis: () => 29_000 } as Context,
      );
      return JSON.parse(answer.body) as Document;
    };

    expect(
      Object.keys((await fetchDocument(behindTokenAuthorizer)).components.securitySchemes ?? {}),
    ).toEqual(['bearer']);
    expect(Object.keys((await fetchDocument(behindIam)).components.securitySchemes ?? {})).toEqual(['sigv4']);
    expect((await fetchDocument(unauthenticated)).components.securitySchemes).toBeUndefined();
  });

  describe('over the local API', () => {
    const handler = createApiHandler(() => Promise.reject(new Error('no services in this test')));
    const open = new LocalApiServer({ handler: handler as never });
    const token = 'a-long-local-token-0123456789';
    const secured = new LocalApiServer({ handler: handler as never, token });
    beforeAll(async () => {
      await open.start();
      await secured.start();
    });
    afterAll(async () => {
      await open.close();
      await secured.close();
    });

    it('names no scheme without a token, and bearer with one', async () => {
      const openDocument = (await (await fetch(`${open.url}/openapi.json`)).json()) as Document;
      const securedDocument = (await (
        await fetch(`${secured.url}/openapi.json`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as Document;

      expect(openDocument.components.securitySchemes).toBeUndefined();
      expect(operations(openDocument).some((operation) => operation.security)).toBe(false);
      expect(Object.keys(securedDocument.components.securitySchemes ?? {})).toEqual(['bearer']);
    });
  });
});
