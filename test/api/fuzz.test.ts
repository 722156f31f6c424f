import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_TYPES } from '../../lib/api/problem.js';
import { API_ROUTES } from '../../lib/api/route-table.js';
import { stayIn } from '../../local/simulators/avid-ctms/index.js';
import { type AvidStack, startAvidStack } from '../support/avid-stack.js';

/**
 * Property-based fuzzing of the whole HTTP API through real HTTP against the local stack (the
 * source handlers behind the local API server, dynalite, the state machine runner): whatever the
 * method, path, query, headers and body, the API never answers 5xx, and every error is an
 * `application/problem+json` document whose `type` is one of the documented ones. The seed is
 * fast-check's (printed on failure, so a failure replays with `{ seed }`).
 */

const PROBLEM_TYPE_VALUES: readonly string[] = Object.values(PROBLEM_TYPES);

const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  '__defineGetter__',
  '__lookupSetter__',
  'toLocaleString',
  'prototype',
];

/** Printable ASCII, which node:http accepts in header values. */
const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 200,
});
/** An HTTP token: what a method or a header name may consist of. */
const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/);
const anyText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(...PROTOTYPE_NAMES),
);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('API fuzzing: never a 5xx, always a problem document for errors', () => {
  let env: AvidStack;
  let knownJobId = '';
  beforeAll(async () => {
    env = await startAvidStack();
    const started = await env.watch(env.simulator.createCommand({ steps: stayIn('pending') }));
    knownJobId = started.body.jobId;
  });
  afterAll(async () => {
    await env.close();
  });

  function send(request: {
    method: string;
    path: string;
    headers: Array<[string, string]>;
    body?: Buffer | undefined;
    /** Leave out the Host header HTTP/1.1 requires. */
    omitHost?: boolean;
  }): Promise<Answer> {
    const target = new URL(env.stack.apiUrl);
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.path,
          // Raw pairs: repeated and oddly named headers go out exactly as generated.
          headers: [
            ...(request.omitHost ? [] : ['host', target.host]),
            ...request.headers.flat(),
            ...(request.body ? ['content-length', String(request.body.length)] : []),
          ],
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  }

  /** The property every answer must have. */
  function checkAnswer(answer: Answer, method: string, label: string): void {
    expect(answer.status, label).toBeGreaterThanOrEqual(200);
    expect(answer.status, label).toBeLessThan(500);
    const contentType = String(answer.headers['content-type'] ?? '');
    if (answer.status >= 400) {
      expect(contentType, label).toBe('application/problem+json');
      if (method === 'HEAD') return;
      const problem = JSON.parse(answer.body) as { type?: unknown; status?: unknown; title?: unknown };
      expect(PROBLEM_TYPE_VALUES, label).toContain(problem.type);
      expect(problem.status, label).toBe(answer.status);
      expect(typeof problem.title, label).toBe('string');
    } else if (answer.status !== 304 && method !== 'HEAD' && answer.body) {
      expect(contentType, label).toMatch(
        /^(application\/json|text\/html|text\/css|application\/javascript|text\/javascript|image\/png)/,
      );
    }
  }

  /** A path segment: the known job, a well-formed unknown id, or anything. */
  const segment = () =>
    fc.oneof(
      fc.constant(knownJobId),
      fc.constant('jw-00000000000000000000aa'),
      fc.constantFrom(...PROTOTYPE_NAMES, '..', '.', '%2e%2e', '%00', '%zz', '%', '', 'a'.repeat(300)),
      anyText.map((text) => encodeURIComponent(text)),
    );

  /** A route's path with its `{id}` replaced, sometimes extended, or a path of random segments. */
  const path = () =>
    fc.oneof(
      fc
        .tuple(
          fc.constantFrom(...API_ROUTES.map((route) => route.path), '/openapi.json', '/docs', '/'),
          segment(),
          fc.constantFrom('', '/', '//', '/extra'),
        )
        .map(([template, id, tail]) => `${template.replace('{id}', id)}${tail}`),
      fc.array(segment(), { maxLength: 5 }).map((segments) => `/${segments.join('/')}`),
    );

  const queryName = fc.oneof(
    fc.constantFrom(...PROTOTYPE_NAMES),
    fc.constantFrom('status', 'vendor', 'connection', 'updatedSince', 'updatedUntil', 'limit', 'cursor'),
    anyText,
  );
  const queryValue = fc.oneof(
    fc.constantFrom('RUNNING,QUEUED', 'DONE', '0', '1', '100', '1000', '-1', '1e3', 'NaN', '', 'avid-ctms'),
    fc.constantFrom('2026-01-01T00:00:00Z', 'yesterday', 'x'.repeat(3000)),
    anyText,
  );
  const query = fc.oneof(
    fc.constant(''),
    fc
      .array(fc.tuple(queryName, queryValue), { maxLength: 5 })
      .map(
        (pairs) =>
          `?${pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')}`,
      ),
    fc.constantFrom('?', '?&&', '?=', '?%zz=1', '?limit=%', '?__proto__[x]=1', '?a=1&a=2&a=3'),
  );

  const headers = fc.array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(...PROTOTYPE_NAMES),
        fc.constantFrom('content-type', 'idempotency-key', 'if-none-match', 'authorization', 'accept'),
        token,
        // Node answers an unknown expectation itself (417); rarely, or it crowds out the rest.
        fc.oneof(
          { weight: 19, arbitrary: fc.constant('x-request-id') },
          { weight: 1, arbitrary: fc.constant('expect') },
        ),
      ),
      fc.oneof(
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/merge-patch+json',
          '*',
          '"jw-x.v1"',
          'W/"a"',
        ),
        headerValue,
      ),
    ),
    { maxLength: 6 },
  );

  /** Request bodies: none, JSON of any shape, watch requests gone wrong, not JSON, huge, nested. */
  const body = () =>
    fc.oneof(
      fc.constant(undefined),
      // Starts that may well succeed, so that repeats, conflicts and cancels of real jobs occur.
      fc
        .record(
          {
            connection: fc.constant('avid'),
            job: fc.record({
              commandId: fc.constantFrom('11111111-2222-4333-8444-555555555555', 'c-1', 'c-2'),
            }),
            deadline: fc.constantFrom('2h', '3h', 'PT2H', '365d'),
            idempotencyKey: fc.constantFrom('k-1', 'k-2'),
          },
          { requiredKeys: ['connection', 'job'] },
        )
        .map((value) => Buffer.from(JSON.stringify(value))),
      fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
      fc
        .record(
          {
            connection: fc.oneof(fc.constant('avid'), fc.constantFrom(...PROTOTYPE_NAMES), anyText),
            job: fc.oneof(
              fc.record({ commandId: fc.oneof(fc.uuid(), anyText) }),
              fc.dictionary(
                fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), anyText),
                fc.jsonValue({ maxDepth: 2 }),
              ),
              fc.jsonValue({ maxDepth: 2 }),
            ),
            deadline: fc.oneof(
              fc.constantFrom(
                '2h',
                '0s',
                '99999999999999d',
                '9999999d',
                '365d',
                '366d',
                'PT0S',
                '1970-01-01T00:00:00Z',
              ),
              anyText,
            ),
            idempotencyKey: anyText,
            callback: fc.oneof(fc.record({ taskToken: anyText }), fc.jsonValue({ maxDepth: 2 })),
            poll: fc.oneof(
              fc.record({ minIntervalSeconds: fc.integer(), maxIntervalSeconds: fc.double() }),
              fc.jsonValue({ maxDepth: 2 }),
            ),
            reason: anyText,
          },
          { requiredKeys: [] },
        )
        .map((value) => Buffer.from(JSON.stringify(value))),
      fc.string({ unit: 'binary', maxLength: 200 }).map((text) => Buffer.from(text)),
      fc.constantFrom(
        Buffer.from('{"connection":'),
        Buffer.from('{"__proto__":{"connection":"avid"},"job":{"commandId":"x"}}'),
        Buffer.from('{"constructor":{"prototype":{"polluted":true}}}'),
        Buffer.from(`${'['.repeat(30_000)}${']'.repeat(30_000)}`),
        Buffer.from(`{"connection":"avid","job":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`),
        Buffer.alloc(70_000, 'x'),
        Buffer.from(
          JSON.stringify({ connection: 'avid', job: { commandId: 'x' }, padding: 'y'.repeat(200_000) }),
        ),
        Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
      ),
    );

  const method = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('GET', 'POST') },
    { weight: 2, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') },
    // Methods Node's parser does not know: refused before any handler runs.
    { weight: 1, arbitrary: fc.constantFrom('FOO', 'BREW', 'get', 'PROPFIND', 'M-SEARCH', 'SUBSCRIBE') },
  );

  /** True about one time in ten. */
  const rarely = fc.oneof(
    { weight: 9, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  );

  it('answers any method, path, query, header set and body without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        method,
        path(),
        query,
        headers,
        body(),
        rarely,
        async (verb, route, search, sent, payload, omitHost) => {
          const label = `${verb} ${route}${search}`;
          const answer = await send({
            method: verb,
            path: `${route}${search}`,
            headers: sent,
            body: payload,
            omitHost,
          });
          checkAnswer(answer, verb, label);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('answers any body and query on every route of the route table', async () => {
    for (const route of API_ROUTES) {
      await fc.assert(
        fc.asyncProperty(segment(), query, body(), async (id, search, payload) => {
          const target = `${route.path.replace('{id}', id)}${search}`;
          const answer = await send({
            method: route.method,
            path: target,
            headers: [['content-type', 'application/json']],
            body: payload,
          });
          checkAnswer(answer, route.method, `${route.method} ${target}`);
        }),
        { numRuns: 40 },
      );
    }
  });

  it('answers bytes that are not HTTP with a problem document, or closes', async () => {
    const target = new URL(env.stack.apiUrl);
    const raw = (bytes: Buffer) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(target.port), '127.0.0.1');
        let received = '';
        socket.on('data', (chunk) => {
          received += chunk.toString('latin1');
        });
        socket.on('error', () => resolve(received));
        socket.on('close', () => resolve(received));
        socket.end(bytes);
      });
    const garbage = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }).map((text) => Buffer.from(`${text}\r\n\r\n`)),
      fc
        .tuple(token, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 80 }))
        .map(([verb, target, header]) =>
          Buffer.from(`${verb} /${target} HTTP/1.1\r\nHost: x\r\n${header}\r\n\r\n`),
        ),
      fc.constantFrom(
        Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'),
        Buffer.from('POST /jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'),
        Buffer.from(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
      ),
    );
    await fc.assert(
      fc.asyncProperty(garbage, async (bytes) => {
        const received = await raw(bytes);
        for (const [, status] of received.matchAll(/^HTTP\/1\.1 (\d{3})/gm)) {
          expect(Number(status), JSON.stringify(bytes.toString('latin1').slice(0, 80))).toBeLessThan(500);
        }
        const statusLine = /^HTTP\/1\.1 (\d{3})/.exec(received);
        if (statusLine && Number(statusLine[1]) >= 400) {
          expect(received.toLowerCase()).toContain('content-type: application/problem+json');
        }
      }),
      { numRuns: 120 },
    );
  });
});
