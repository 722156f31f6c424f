import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { VendorAuthError, VendorProtocolError, VendorTransportError } from '../../../lib/jobs/errors.js';
import { cinegyPcsAdapter } from '../../../lib/vendors/cinegy-pcs/cinegy-pcs-adapter.js';
import { describeJsonFuzz, type FuzzTarget } from '../../security/vendor-fuzz.js';
import { cinegyContext, closeSimulators, errorOf, hostRoot, startSimulator } from './support.js';

afterEach(closeSimulators);

describe('Cinegy PCS outages', () => {
  it('surfaces a 503 in the middle of a watch as a transport error, then carries on', async () => {
    // Prepare
    const { clock, simulator, context, watch } = await startSimulator();
    const watched = watch(simulator.createDemoJob(60));
    await watched.poll(context);
    simulator.server.inject({ kind: 'status', status: 503, body: 'Service Unavailable' });
    clock.advance(61);

    // Act
    const error = await errorOf(watched.poll(context));
    const after = await watched.poll(context);

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(after.status).toBe('SUCCEEDED');
  });

  it.each([
    ['a reset connection', { kind: 'reset' } as const],
    ['a body cut off mid-way', { kind: 'truncate' } as const],
  ])('treats %s as a transport error', async (_what, fault) => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    const watched = watch(simulator.createDemoJob(60));
    simulator.server.inject(fault);

    // Act
    const error = await errorOf(watched.poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
  });

  it('gives up on a hanging server after the timeout, as a transport error', async () => {
    // Prepare
    const { clock, simulator, baseUrl, watch } = await startSimulator();
    const watched = watch(simulator.createDemoJob(60));
    const context = cinegyContext(baseUrl, clock, { timeoutMs: 200 });
    simulator.server.inject({ kind: 'hang' });

    // Act
    const error = await errorOf(watched.poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.message).toContain('no answer within 200 ms');
  });

  it.each([
    [500, VendorTransportError],
    [502, VendorTransportError],
    [401, VendorAuthError],
    [403, VendorAuthError],
  ] as const)('turns HTTP %i into a %s, never a job state', async (status, expected) => {
    // Prepare
    const { simulator, context, watch } = await startSimulator({}, {}, hostRoot);
    const reference = simulator.createDemoJob(60);
    simulator.server.inject({
      kind: 'status',
      status,
      body: '<html><body>no</body></html>',
      contentType: 'text/html',
    });

    // Act
    const error = await errorOf(watch(reference).poll(context));

    // Assess
    expect(error).toBeInstanceOf(expected);
    expect(simulator.server.requests).toHaveLength(1);
  });
});

describe('Cinegy PCS malformed and hostile answers', () => {
  it.each([
    ['truncated JSON', { kind: 'garbage', body: '{"id":"x","status":4,"result":{"ty' } as const, 'not JSON'],
    [
      'an HTML error page',
      {
        kind: 'garbage',
        body: '<!DOCTYPE html><html><body>Bad gateway</body></html>',
        contentType: 'text/html',
      } as const,
      'HTML page',
    ],
    [
      'XML',
      { kind: 'garbage', body: '<task><id>x</id></task>', contentType: 'application/xml' } as const,
      'markup',
    ],
    ['a JSON array', { kind: 'garbage', body: '[]' } as const, 'not a PCS task'],
    [
      'another task',
      { kind: 'garbage', body: '{"id":"someone-else","status":0}' } as const,
      'answered task someone-else',
    ],
    [
      'a task sent as one JSON string',
      { kind: 'garbage', body: JSON.stringify(JSON.stringify({ id: 'x', status: 0 })) } as const,
      'not a PCS task',
    ],
    ['an empty body', { kind: 'garbage', body: '' } as const, 'empty body'],
    [
      'a 20 MB body',
      { kind: 'garbage', body: `{"id":"${'x'.repeat(20 * 1024 * 1024)}"}` } as const,
      'allowed',
    ],
    [
      'an HTML 404 from a proxy',
      {
        kind: 'status',
        status: 404,
        body: '<html><body>Not Found</body></html>',
        contentType: 'text/html',
      } as const,
      'probably not the PCS REST API',
    ],
    [
      'an unexpected 400',
      { kind: 'status', status: 400, body: '{"title":"Bad Request"}' } as const,
      'answered 400',
    ],
  ])('reads %s as a clear protocol error', async (_what, fault, expected) => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    const watched = watch(simulator.createDemoJob(60));
    // Whatever stands in front answers every request alike (the HTML 404 check asks tasks/list too).
    simulator.server.inject(fault, { count: 2 });

    // Act
    const error = await errorOf(watched.poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain(expected);
  });

  it.each([
    ['no items', '{"tasks":[]}'],
    ['items null', '{"items":null,"totalCount":0}'],
    ['a bare array', '[{"id":"a","status":0}]'],
  ])('reads a task list with %s as a protocol error', async (_what, body) => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    simulator.server.inject({ kind: 'garbage', body });

    // Act
    const error = await errorOf(watch({ name: 'Task x' }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('not a PCS task list');
  });

  it('reads a proxy that HTML-404s every task and the list as a protocol error, not LOST', async () => {
    // Prepare
    const { simulator, context, watch } = await startSimulator();
    const reference = simulator.createDemoJob(60);
    simulator.server.inject(
      { kind: 'status', status: 404, body: '<!DOCTYPE html><p>nope</p>', contentType: 'text/html' },
      { count: 2 },
    );

    // Act
    const error = await errorOf(watch(reference).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('tasks/list does not answer either');
  });
});

describe('Cinegy PCS auth failures', () => {
  it('reports refused credentials as an auth error, not a job state', async () => {
    // Prepare
    const { clock, simulator, baseUrl, watch } = await startSimulator({ auth: 'basic' });
    const watched = watch(simulator.createDemoJob(60));
    const wrong = { ...simulator.credentials, password: 'not-the-password' };

    // Act
    const error = await errorOf(watched.poll(cinegyContext(baseUrl, clock, { credentials: wrong })));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
  });

  it('never puts a credential value in an error message', async () => {
    // Prepare
    const { clock, simulator, baseUrl, context, watch } = await startSimulator({ auth: 'query' });
    const watched = watch(simulator.createDemoJob(60));
    const secret = simulator.credentials.paramValue ?? '';
    const faults = [
      { kind: 'status', status: 503 },
      { kind: 'status', status: 401 },
      { kind: 'garbage', body: `not json ${secret}` },
      { kind: 'status', status: 400, body: `bad ${secret}` },
      { kind: 'reset' },
    ] as const;

    // Act
    const messages: string[] = [];
    for (const fault of faults) {
      simulator.server.inject(fault);
      messages.push((await errorOf(watched.poll(context))).message);
    }
    const wrongContext = cinegyContext(baseUrl, clock, {
      credentials: { ...simulator.credentials, paramValue: 'wrong-value-123' },
    });
    messages.push((await errorOf(watched.poll(wrongContext))).message);

    // Assess
    expect(secret.length).toBeGreaterThan(8);
    for (const message of messages) {
      expect(message).not.toContain(secret);
      expect(message).not.toContain('wrong-value-123');
    }
  });
});

const FIXTURES_DIRECTORY = new URL('./fixtures/', import.meta.url);
const FIXTURES = readdirSync(FIXTURES_DIRECTORY).map((name) =>
  readFileSync(new URL(name, FIXTURES_DIRECTORY), 'utf8'),
);

const FUZZ_BASE: FuzzTarget = {
  adapter: cinegyPcsAdapter,
  options: {},
  credentials: {},
  reference: { taskId: '73642d74-ff20-4b6c-84a5-f8ba0ee145e4' },
  contentType: 'application/json',
};

describeJsonFuzz('Cinegy PCS task answers, fuzzed', {
  // The recorded answers' own jobs, so edited answers reach the mappers, and a lookup by name.
  targets: [
    { ...FUZZ_BASE, reference: { taskId: '7b30672e-6a83-4559-9b0c-d2454fa7bab7' } },
    FUZZ_BASE,
    { ...FUZZ_BASE, reference: { name: 'Task The Trail.mp4 - 27-Jule-23 13:29:00' } },
  ],
  vocabulary: [
    'id',
    'name',
    'items',
    'totalCount',
    'start',
    'limit',
    'status',
    'statusDescription',
    'progress',
    'globalCurrentProgress',
    'globalMaxProgress',
    'ticks',
    'totalSeconds',
    'result',
    'type',
    'details',
    'creationTime',
    'modificationTime',
    'generationTime',
    'metadata',
    'src.name',
  ],
  fixtures: FIXTURES,
});
