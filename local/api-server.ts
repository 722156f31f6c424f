import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { dashboardFileFor, dashboardResult } from '../lib/api/dashboard.js';
import { readDashboardFile } from '../lib/api/dashboard-files.js';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES } from '../lib/api/problem.js';
import { MAX_BODY_BYTES } from '../lib/api/routes.js';
import { apiDocsAnswer, DOCS_CSP } from './api-docs-page.js';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface LocalApiServerOptions {
  handler: ApiHandler;
  /** 0 picks a free port. */
  port?: number;
  /** When set, every request needs `Authorization: Bearer <token>` (stands in for IAM auth). */
  token?: string | undefined;
}

/**
 * API Gateway, locally: a loopback HTTP server that turns each request into the REST API proxy
 * event API Gateway would send, calls the same API handler, and writes its result back.
 */
export class LocalApiServer {
  private server: Server | undefined;
  /** Requests whose handler is still running; closing waits for them (they may be writing). */
  private readonly inFlight = new Set<Promise<unknown>>();
  url = '';

  constructor(private readonly options: LocalApiServerOptions) {}

  async start(): Promise<string> {
    // Node's own Host check answers a bare 400; the handler answers it as a problem instead.
    this.server = createServer({ requireHostHeader: false }, (request, response) => {
      answering.add(request.socket);
      response.once('close', () => answering.delete(request.socket));
      const handled = this.handle(request);
      this.inFlight.add(handled);
      void handled.then(
        () => this.inFlight.delete(handled),
        () => this.inFlight.delete(handled),
      );
      void handled.then(
        (result) => {
          const headers = { ...result.headers, ...result.multiValueHeaders } as Record<string, string>;
          response.writeHead(result.statusCode, headers);
          response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
        },
        () => {
          response.writeHead(500, { 'content-type': PROBLEM_CONTENT_TYPE });
          response.end(
            JSON.stringify({ type: PROBLEM_TYPES.internal, title: 'Internal error', status: 500 }),
          );
        },
      );
    });
    // Node answers these itself with a bare status line; a client of the API gets a problem
    // document like any other refusal.
    this.server.on('clientError', answerClientError);
    this.server.on('checkExpectation', (request, response) => {
      request.resume();
      const refused = problem(
        417,
        PROBLEM_TYPES.expectationFailed,
        'Expectation failed',
        'Only "Expect: 100-continue" is understood',
      );
      response.writeHead(refused.statusCode, { ...refused.headers, connection: 'close' });
      response.end(refused.body);
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async handle(request: IncomingMessage): Promise<APIGatewayProxyResult> {
    const url = checkedTarget(request);
    if (!(url instanceof URL)) {
      request.resume();
      return url;
    }
    // The docs page and the dashboard hold no data, so they need no token (what they load does,
    // when one is set). The dashboard's files are read from the repository on each request.
    const docs = request.method === 'GET' ? await docsResult(url.pathname) : undefined;
    if (docs) return docs;
    const dashboardFile = request.method === 'GET' ? dashboardFileFor(url.pathname) : undefined;
    if (dashboardFile) return dashboardResult(dashboardFile, await readDashboardFile(dashboardFile));
    if (this.options.token && !bearerMatches(request.headers.authorization, this.options.token)) {
      return problem(401, PROBLEM_TYPES.unauthorized, 'Unauthorized', 'Send Authorization: Bearer <token>');
    }
    const read = await readBody(request, MAX_BODY_BYTES, DRAIN_LIMIT_BYTES);
    if (read.kind === 'too-large') return tooLarge(read.drained);
    const requestId = randomUUID();
    const event = proxyEvent(request, url, read.body, requestId, Boolean(this.options.token));
    return this.options.handler(event, {
      functionName: 'api',
      awsRequestId: requestId,
      getRemainingTimeInMillis: () => 29_000,
    } as Context);
  }
}

/** The request's target as a URL, or the 400 that refuses a request without a usable one. */
function checkedTarget(request: IncomingMessage): URL | APIGatewayProxyResult {
  if (request.httpVersion === '1.1' && request.headers.host === undefined) {
    return problem(400, PROBLEM_TYPES.malformedRequest, 'Bad Request', 'HTTP/1.1 requires a Host header');
  }
  return (
    requestTarget(request.url) ??
    problem(400, PROBLEM_TYPES.malformedRequest, 'Bad Request', 'The request target is not a path')
  );
}

/** The API docs page (or one of its assets) at this path, as an API Gateway result. */
async function docsResult(pathname: string): Promise<APIGatewayProxyResult | undefined> {
  const docs = await apiDocsAnswer(pathname);
  if (!docs) return undefined;
  const binary = Buffer.isBuffer(docs.body);
  return {
    statusCode: docs.status,
    headers: {
      'content-type': docs.contentType,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': DOCS_CSP,
    },
    body: binary ? (docs.body as Buffer).toString('base64') : (docs.body as string),
    isBase64Encoded: binary,
  };
}

/** A 413; a body too large even to drain leaves the connection unusable, so it is closed. */
function tooLarge(drained: boolean): APIGatewayProxyResult {
  const refused = problem(
    413,
    PROBLEM_TYPES.payloadTooLarge,
    'Payload too large',
    `Request bodies are limited to ${MAX_BODY_BYTES} bytes`,
  );
  return drained ? refused : { ...refused, headers: { ...refused.headers, connection: 'close' } };
}

/** The REST API proxy event API Gateway would send for this request. */
function proxyEvent(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  requestId: string,
  tokenChecked: boolean,
): APIGatewayProxyEvent {
  const rawHeaders: Array<[string, string]> = [];
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    rawHeaders.push([request.rawHeaders[index] ?? '', request.rawHeaders[index + 1] ?? '']);
  }
  const { single: headers, multi: multiValueHeaders } = collectValues(rawHeaders);
  const { single: query, multi: multiQuery } = collectValues(url.searchParams);
  const method = request.method ?? 'GET';
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: url.search ? query : null,
    multiValueQueryStringParameters: url.search ? multiQuery : null,
    pathParameters: { proxy: url.pathname.slice(1) },
    stageVariables: null,
    body: body.length ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      // As API Gateway's token authorizer does: a request let through by a token says so.
      authorizer: tokenChecked ? { principalId: 'local-token' } : null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: localIdentity(
        request.socket.remoteAddress ?? '127.0.0.1',
        request.headers['user-agent'] ?? null,
      ),
      path: url.pathname,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: '/{proxy+}',
    },
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S.*)$/i.exec(header ?? '')?.[1] ?? '';
  const expected = Buffer.from(token);
  const actual = Buffer.from(presented);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * The request target as a URL on this server. Relative resolution would read `//x/y` as a host
 * and throw on `///`, so the path is appended to the origin; the absolute form (`http://h/p`)
 * keeps its path; anything else (`*`, garbage) is no target.
 */
function requestTarget(target: string | undefined): URL | undefined {
  try {
    if (target?.startsWith('/')) return new URL(`http://127.0.0.1${target}`);
    const absolute = new URL(target ?? '');
    return absolute.protocol === 'http:' || absolute.protocol === 'https:'
      ? new URL(`http://127.0.0.1${absolute.pathname}${absolute.search}`)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What Node's HTTP parser refused (an unknown method, a malformed header, headers too large, a
 * request too slow), answered as a problem document when nothing was written on the socket yet
 * — as Node's own default does, but with a body — and the connection closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A socket kept alive has answered before; only one answering a request now must not be
  // written to (the two answers would interleave).
  if (error.code === 'ECONNRESET' || !socket.writable || answering.has(socket)) {
    socket.destroy();
    return;
  }
  const [status, type, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, PROBLEM_TYPES.headersTooLarge, 'The request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, PROBLEM_TYPES.requestTimeout, 'The request was not received in time']
        : [400, PROBLEM_TYPES.malformedRequest, 'The request is not HTTP/1.1 this server can read'];
  const title = STATUS_CODES[status] ?? 'Bad request';
  const body = JSON.stringify({ type, title, status, detail });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  // What the client still sends is read and dropped, so that closing does not reset the
  // connection before it has read the answer; a client that never stops is cut off.
  socket.on('data', () => undefined);
  socket.resume();
  setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS).unref();
}

/** Sockets with a response under way. */
const answering = new WeakSet<Socket>();

/** How long a refused connection is drained before it is closed regardless. */
const CLIENT_ERROR_LINGER_MS = 5000;

function problem(status: number, type: string, title: string, detail: string): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    body: JSON.stringify({ type, title, status, detail }),
  };
}

/**
 * Names and values as API Gateway puts them in an event: the last value under `single`, all of
 * them under `multi`. The names are outside input, so they are kept in Maps and only turned into
 * objects at the end, where Object.fromEntries makes each one an own property: a name such as
 * `__proto__` or `constructor` is data, never a lookup of Object.prototype.
 */
function collectValues(pairs: Iterable<[string, string]>): {
  single: Record<string, string>;
  multi: Record<string, string[]>;
} {
  const single = new Map<string, string>();
  const multi = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    single.set(name, value);
    const values = multi.get(name);
    if (values) values.push(value);
    else multi.set(name, [value]);
  }
  return { single: Object.fromEntries(single), multi: Object.fromEntries(multi) };
}

/**
 * How much of an oversized body is read and thrown away so that its client, still sending, reads
 * the 413 instead of a connection reset: API Gateway's own payload limit (10 MB). Past it the
 * answer goes out with `Connection: close` and the rest is not read.
 */
export const DRAIN_LIMIT_BYTES = 10 * 1024 * 1024;

type BodyRead = { kind: 'read'; body: Buffer } | { kind: 'too-large'; drained: boolean };

/**
 * Reads the body, keeping at most `limit` bytes. A larger one is read to its end and discarded,
 * up to `drainLimit`: closing a socket with unread data resets it, and the client then loses the
 * answer it has not read yet.
 */
function readBody(request: IncomingMessage, limit: number, drainLimit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > drainLimit) {
        request.off('data', onData);
        request.pause();
        resolve({ kind: 'too-large', drained: false });
      }
    };
    request.on('data', onData);
    request.once('end', () =>
      resolve(
        size > limit ? { kind: 'too-large', drained: true } : { kind: 'read', body: Buffer.concat(chunks) },
      ),
    );
    request.once('error', reject);
  });
}

function localIdentity(
  sourceIp: string,
  userAgent: string | null,
): APIGatewayProxyEvent['requestContext']['identity'] {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent,
    userArn: null,
  };
}
