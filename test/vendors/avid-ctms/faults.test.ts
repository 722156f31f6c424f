import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VendorAuthError, VendorProtocolError, VendorTransportError } from '../../../lib/jobs/errors.js';
import { avidCtmsAdapter } from '../../../lib/vendors/avid-ctms/avid-ctms-adapter.js';
import { describeJsonFuzz, type FuzzTarget } from '../../security/vendor-fuzz.js';
import { type Harness, ON_COMMANDS, startHarness, TOKEN_PATH, thrownBy } from './support.js';

let harness: Harness;

beforeEach(async () => {
  harness = await startHarness({ timeoutMs: 300 });
});

afterEach(async () => {
  await harness.close();
});

describe('Avid CTMS faults are watch trouble, never job states', () => {
  it('treats a 503 in the middle of a job as a transport error, and reads the job again afterwards', async () => {
    // Prepare
    const watch = harness.watch(harness.simulator.createDemoJob(100));
    await watch.poll();
    harness.simulator.server.inject(
      { kind: 'status', status: 503, body: 'Service Unavailable' },
      ON_COMMANDS,
    );
    harness.clock.advance(50);

    // Act
    const error = await thrownBy(watch.poll());
    const next = await watch.poll();

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.message).toMatch(/503/);
    expect(next.status).toBe('RUNNING');
  });

  it('treats a hanging CTMS as a transport error after the timeout', async () => {
    // Prepare
    const watch = harness.watch(harness.simulator.createDemoJob(100));
    harness.simulator.server.inject({ kind: 'hang' }, ON_COMMANDS);

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.message).toMatch(/no answer within 300 ms/);
  });

  it('treats a connection cut off mid-body as a transport error', async () => {
    // Prepare
    const watch = harness.watch(harness.simulator.createDemoJob(100));
    harness.simulator.server.inject({ kind: 'truncate' }, ON_COMMANDS);

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
  });

  it.each([
    [
      'a complete but truncated JSON body',
      '{"command":{"id":"c1","lifecycle":"runn',
      'application/json',
      /not JSON/,
    ],
    [
      'an HTML error page',
      '<html><body><h1>Gateway</h1></body></html>',
      'text/html',
      /not JSON \(text\/html\)/,
    ],
    [
      'JSON that is not a command',
      '{"error":{"text":"nope"}}',
      'application/json',
      /not a CTMS command resource/,
    ],
    ['an empty body', '', 'application/json', /empty body/],
  ])('reports %s as a protocol error', async (_label, body, contentType, message) => {
    // Prepare
    const watch = harness.watch(harness.simulator.createDemoJob(100));
    harness.simulator.server.inject({ kind: 'garbage', body, contentType }, ON_COMMANDS);

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toMatch(message);
  });

  it('refuses a 20 MB body with a clear protocol error', async () => {
    // Prepare: a generous timeout, so a loaded machine cannot turn the size limit into a timeout
    await harness.close();
    harness = await startHarness({ timeoutMs: 10_000 });
    const watch = harness.watch(harness.simulator.createDemoJob(100));
    harness.simulator.server.inject({ kind: 'garbage', body: 'x'.repeat(20 * 1024 * 1024) }, ON_COMMANDS);

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toMatch(/more than the \d+ allowed/);
  });

  it("refuses another command's state answered for the watched command id", async () => {
    // Prepare
    const watch = harness.watch({ commandId: harness.simulator.createDemoJob(100).commandId });
    const other = JSON.stringify({ command: { id: 'someone-else', lifecycle: 'finished' }, version: '1.0' });
    harness.simulator.server.inject({ kind: 'garbage', body: other }, ON_COMMANDS);

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toMatch(/answered command someone-else for command/);
  });

  it.each([
    ['a camel-case accessToken', { accessToken: 'not-read', expiresIn: 30 }],
    ['no token at all', { token_type: 'bearer' }],
  ])('refuses a token answer with %s as a protocol error', async (_label, answer) => {
    // Prepare
    const watch = harness.watch(harness.simulator.createDemoJob(100));
    harness.simulator.server.inject(
      { kind: 'garbage', body: JSON.stringify(answer) },
      { pathIncludes: TOKEN_PATH },
    );

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toMatch(/token response without access_token/);
  });

  it('reports an unexpected 400 as a protocol error', async () => {
    // Prepare
    const watch = harness.watch(harness.simulator.createDemoJob(100));
    harness.simulator.server.inject({ kind: 'status', status: 400, body: '{}' }, ON_COMMANDS);

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toMatch(/answered 400/);
  });
});

describe('Avid CTMS error messages', () => {
  it('never contain a credential value', async () => {
    // Prepare: every kind of trouble, with the vendor echoing the secrets back where it can
    const { clientId = '', clientSecret = '' } = harness.simulator.credentials;
    const echo = `client ${clientId} secret ${clientSecret}`;
    const watch = harness.watch(harness.simulator.createDemoJob(100));
    const server = harness.simulator.server;
    const scenarios: (() => void)[] = [
      () =>
        server.inject(
          {
            kind: 'status',
            status: 400,
            body: JSON.stringify({ error: 'invalid_client', error_description: echo }),
          },
          { pathIncludes: '/oauth2/' },
        ),
      () => server.inject({ kind: 'status', status: 401, body: echo }, { count: 2, pathIncludes: '/apis/' }),
      () => server.inject({ kind: 'status', status: 503, body: echo }, ON_COMMANDS),
      () =>
        server.inject(
          { kind: 'garbage', body: `<html>${echo}</html>`, contentType: 'text/html' },
          ON_COMMANDS,
        ),
      () => server.inject({ kind: 'hang' }, ON_COMMANDS),
    ];
    const errors: Error[] = [];

    // Act: each scenario on a connection of its own, so each starts without a token
    for (const [index, inject] of scenarios.entries()) {
      inject();
      errors.push(await thrownBy(watch.poll(harness.context({ connection: `echo-${index}` }))));
    }

    // Assess
    expect(errors.map((error) => error.constructor)).toEqual([
      VendorAuthError,
      VendorAuthError,
      VendorTransportError,
      VendorProtocolError,
      VendorTransportError,
    ]);
    for (const error of errors) {
      const visible = `${error.message} ${JSON.stringify((error as { context?: unknown }).context ?? {})}`;
      expect(visible).not.toContain(clientSecret);
      expect(visible).not.toContain(clientId);
    }
  });
});

const FIXTURES_DIRECTORY = new URL('./fixtures/', import.meta.url);
const FIXTURES = readdirSync(FIXTURES_DIRECTORY).map((name) =>
  readFileSync(new URL(name, FIXTURES_DIRECTORY), 'utf8'),
);

const FUZZ_BASE: FuzzTarget = {
  adapter: avidCtmsAdapter,
  options: {},
  credentials: {},
  reference: { commandId: '0b8ff0b3-6f3c-4a49-8c64-6f0e3b3e2a11' },
  contentType: 'application/hal+json',
};

/** The recorded answers' own commands, so edited answers reach the mappers, and one they do not list. */
const FUZZ_TARGETS: FuzzTarget[] = [
  FUZZ_BASE,
  ...[
    'ab1b0976-0025-4211-87fa-fda6c033f4c9',
    'c296fcd5-b0a8-4750-b80b-1d06c5a2ca8a',
    'e9094d1d-5a28-46cd-91ac-0098076dd9d1',
  ].map((commandId) => ({ ...FUZZ_BASE, reference: { commandId } })),
];

const VOCABULARY = [
  'lifecycle',
  'progress',
  'state',
  'text',
  'code',
  'params',
  'param',
  'error',
  'cause',
  'httpCode',
  'finished',
  'created',
  'payload',
  'result',
  'success',
  'httpStatus',
  'errorCode',
  'errorMessage',
  '_links',
  'self',
  'href',
  'command:cancel',
  'curies',
  'access_token',
  'expires_in',
];

describeJsonFuzz('Avid CTMS command answers, fuzzed', {
  targets: FUZZ_TARGETS,
  vocabulary: VOCABULARY,
  fixtures: FIXTURES,
});
