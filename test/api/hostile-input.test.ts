import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api.js';
import { API_ROUTES } from '../../lib/api/route-table.js';
import type { WatchServices } from '../../lib/watch/watch-services.js';
import { type AvidStack, startAvidStack } from '../support/avid-stack.js';

/** Names every plain object inherits: looking them up on a `{}` finds Object.prototype's members. */
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
  'propertyIsEnumerable',
  'toLocaleString',
];

/** A concrete request path for a route (`{id}` filled with a well-formed id nobody has). */
const concretePath = (path: string) => path.replace('{id}', 'jw-00000000000000000000aa');

interface Answer {
  status: number;
  contentType: string;
  allow?: string | undefined;
  body: string;
}

/**
 * One request with a real HTTP client (node:http, no fetch niceties): headers sent exactly as
 * given, the body written in chunks, and the answer read whatever happens to the upload.
 */
function send(
  url: string,
  options: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer | undefined;
    /** Write the body in one call (as most clients do) instead of 64 KiB chunks. */
    oneWrite?: boolean;
  },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const outgoing = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: options.method,
        path: options.path,
        headers: {
          ...(options.body ? { 'content-length': String(options.body.length) } : {}),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            allow: response.headers.allow,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    if (options.body && options.oneWrite) outgoing.write(options.body);
    else if (options.body) {
      // 64 KiB at a time, as a client streaming a large upload would.
      for (let offset = 0; offset < options.body.length; offset += 65_536) {
        outgoing.write(options.body.subarray(offset, offset + 65_536));
      }
    }
    outgoing.end();
  });
}

describe('hostile names and sizes at the API edge', () => {
  let env: AvidStack;
  beforeAll(async () => {
    env = await startAvidStack();
  });
  afterAll(async () => {
    await env.close();
  });

  describe('query and header names are data, never property lookups', () => {
    it.each(PROTOTYPE_NAMES)(
      'a query parameter named %s is an unknown parameter on every route, never a 500',
      async (name) => {
        for (const route of API_ROUTES) {
          const answer = await send(env.stack.apiUrl, {
            method: route.method,
            path: `${concretePath(route.path)}?${encodeURIComponent(name)}=1`,
            headers: { 'content-type': 'application/json' },
            body: route.method === 'POST' ? Buffer.from('{}') : undefined,
          });

          expect(answer.status, `${route.method} ${route.path}`).toBeLessThan(500);
          if (answer.status >= 400) expect(answer.contentType).toContain('application/problem+json');
        }
      },
    );

    it.each(PROTOTYPE_NAMES)('a header named %s changes nothing on every route', async (name) => {
      for (const route of API_ROUTES) {
        const answer = await send(env.stack.apiUrl, {
          method: route.method,
          path: concretePath(route.path),
          headers: { [name]: 'x', 'content-type': 'application/json' },
          body: route.method === 'POST' ? Buffer.from('{}') : undefined,
        });

        expect(answer.status, `${route.method} ${route.path}`).toBeLessThan(500);
        if (answer.status >= 400) expect(answer.contentType).toContain('application/problem+json');
      }
    });

    it('answers /health 200 with prototype names in both the query and the headers', async () => {
      const answer = await send(env.stack.apiUrl, {
        method: 'GET',
        path: '/health?__proto__=1&constructor=2',
        headers: { __proto__: 'x', constructor: 'y', toString: 'z' },
      });

      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ status: 'ok' });
    });

    it('reads a repeated query parameter named like a prototype member as one more unknown parameter', async () => {
      const answer = await send(env.stack.apiUrl, {
        method: 'GET',
        path: '/jobs?constructor=a&constructor=b&__proto__=c&__proto__=d',
      });

      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ type: 'urn:jobwatch:problem:invalid-request' });
    });

    it('takes a header named like a prototype member as data in the deployed handler too', async () => {
      // API Gateway's event arrives as JSON, so "__proto__" is an own key of headers and query.
      // Neither route reaches a service: health needs none, the list is refused before the store.
      const handler = createApiHandler(async () => ({}) as WatchServices);
      const event = JSON.parse(
        JSON.stringify({
          resource: '/{proxy+}',
          path: '/health',
          httpMethod: 'GET',
          pathParameters: { proxy: 'health' },
          requestContext: { requestId: 'r-1', httpMethod: 'GET', path: '/health', stage: 'prod' },
          isBase64Encoded: false,
          body: null,
        }).replace(
          '"resource"',
          '"headers":{"__proto__":"x","constructor":"y","Content-Type":"application/json"},' +
            '"multiValueHeaders":{"__proto__":["x"],"constructor":["y"]},' +
            '"queryStringParameters":{"__proto__":"1","hasOwnProperty":"2"},' +
            '"multiValueQueryStringParameters":{"__proto__":["1"],"hasOwnProperty":["2"]},"resource"',
        ),
      ) as APIGatewayProxyEvent;
      const context = { functionName: 'api', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 29_000 };

      const health = (await handler(event, context as Context)) as APIGatewayProxyResult;
      const list = (await handler(
        { ...event, path: '/jobs', pathParameters: { proxy: 'jobs' } },
        context as Context,
      )) as APIGatewayProxyResult;

      expect(health.statusCode).toBe(200);
      expect(list.statusCode).toBe(400);
      expect(list.headers?.['content-type']).toBe('application/problem+json');
      expect(list.body).toContain('__proto__');
    });
  });

  describe('requests the routes do not take', () => {
    it('answers a served path with another method 405 and Allow, an unserved path 404', async () => {
      const put = await send(env.stack.apiUrl, { method: 'PUT', path: '/jobs' });
      const del = await send(env.stack.apiUrl, {
        method: 'DELETE',
        path: '/jobs/jw-00000000000000000000aa/',
      });
      const getCancel = await send(env.stack.apiUrl, { method: 'GET', path: '/jobs/x/cancel' });
      const nowhere = await send(env.stack.apiUrl, { method: 'PUT', path: '/nothing-here' });

      expect([put.status, del.status, getCancel.status, nowhere.status]).toEqual([405, 405, 405, 404]);
      expect(JSON.parse(put.body)).toMatchObject({
        type: 'urn:jobwatch:problem:method-not-allowed',
        status: 405,
      });
      expect(put.allow).toBe('POST, GET');
      expect(del.allow).toBe('GET');
      expect(getCancel.allow).toBe('POST');
      expect(nowhere.contentType).toBe('application/problem+json');
    });

    it.each([
      ['an unknown method', 'BREW /health HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      ['no Host header', 'GET /health HTTP/1.1\r\n\r\n', 400],
      ['a path that reads as a URL without host (was a 500)', 'PUT /// HTTP/1.1\r\nHost: x\r\n\r\n', 404],
      ['a negative Content-Length', 'POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400],
      ['an expectation nobody meets', 'GET /health HTTP/1.1\r\nHost: x\r\nExpect: tea\r\n\r\n', 417],
      ['headers over 16 KiB', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ])(
      'answers %s with a problem document, not a bare status line or a 500',
      async (_case, bytes, status) => {
        const target = new URL(env.stack.apiUrl);
        const received = await new Promise<string>((resolve) => {
          const socket = connect(Number(target.port), '127.0.0.1');
          let text = '';
          socket.on('data', (chunk) => {
            text += chunk.toString('latin1');
          });
          socket.on('close', () => resolve(text));
          socket.on('error', () => resolve(text));
          socket.end(bytes);
        });

        expect(received.slice(0, 13)).toBe(`HTTP/1.1 ${status} `);
        expect(received.toLowerCase()).toContain('content-type: application/problem+json');
        expect(received).toContain('"type":"urn:jobwatch:problem:');
      },
    );
  });

  describe('oversized bodies', () => {
    it.each([
      ['1 MB in one write', 1, true],
      ['2 MB in one write', 2, true],
      ['3 MB in one write', 3, true],
      ['2 MB in 64 KiB writes', 2, false],
    ] as const)(
      'answers %s with the 413 problem document instead of resetting the connection',
      async (_name, megabytes, oneWrite) => {
        const body = Buffer.alloc(megabytes * 1024 * 1024, 'x');

        const answer = await send(env.stack.apiUrl, {
          method: 'POST',
          path: '/jobs',
          headers: { 'content-type': 'application/json' },
          body,
          oneWrite,
        });

        expect(answer.status).toBe(413);
        expect(answer.contentType).toContain('application/problem+json');
        expect(JSON.parse(answer.body)).toMatchObject({
          type: 'urn:jobwatch:problem:payload-too-large',
          status: 413,
        });
      },
    );

    it('keeps serving after an oversized upload', async () => {
      const refused = await send(env.stack.apiUrl, {
        method: 'POST',
        path: '/jobs/jw-00000000000000000000aa/cancel',
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(3 * 1024 * 1024, '{'),
        oneWrite: true,
      });

      const health = await send(env.stack.apiUrl, { method: 'GET', path: '/health' });

      expect(refused.status).toBe(413);
      expect(health.status).toBe(200);
    });
  });
});
