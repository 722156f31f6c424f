import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError, VendorAuthError, VendorProtocolError } from '../../../lib/jobs/errors.js';
import { avidCtmsAdapter } from '../../../lib/vendors/avid-ctms/avid-ctms-adapter.js';
import { checkAvidReference } from '../../../lib/vendors/avid-ctms/avid-ctms-reference.js';
import { ConnectionSessions } from '../../../lib/watch/connection-sessions.js';
import {
  bulkCommand,
  runToError,
  stayIn,
  suspendAndResume,
} from '../../../local/simulators/avid-ctms/index.js';
import {
  type Harness,
  type HarnessOptions,
  ROPC_PATH,
  startHarness,
  TOKEN_PATH,
  thrownBy,
} from './support.js';

let harness: Harness;
let extra: Harness | undefined;

beforeEach(async () => {
  harness = await startHarness();
});

afterEach(async () => {
  await harness.close();
  await extra?.close();
  extra = undefined;
});

/** A harness of its own for one test, closed after it. */
async function start(options: HarnessOptions = {}): Promise<Harness> {
  extra = await startHarness(options);
  return extra;
}

function count(target: Harness, line: string): number {
  return target.requestLines().filter((entry) => entry === line).length;
}

describe('Avid CTMS adapter against the simulator', () => {
  it('follows a demo command from pending through running with progress to finished', async () => {
    // Prepare
    const watch = harness.watch(harness.simulator.createDemoJob(100));

    // Act
    const queued = await watch.poll();
    harness.clock.advance(50);
    const running = await watch.poll();
    harness.clock.advance(60);
    const finished = await watch.poll();

    // Assess
    expect(queued).toMatchObject({ status: 'QUEUED', rawStatus: 'pending', progress: 0 });
    expect(running.status).toBe('RUNNING');
    expect(running.progress).toBeGreaterThan(40);
    expect(running.progress).toBeLessThan(60);
    expect(finished).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'finished', progress: 100 });
    expect(finished.vendorUpdatedAt).toBe(new Date(harness.clock.now() - 10_000).toISOString());
    expect(watch.state?.selfHref).toBe(
      `${harness.baseUrl}apis/mam/commands/${watch.job.reference.commandId}`,
    );
  });

  it("polls by command id alone through the connection's commandUrlTemplate, with a caller-chosen id", async () => {
    // Prepare: start the command the CTMS way, choosing its id with ?commandid=
    const commandId = '0b6f9a1e-3c52-4d0f-9d8e-2a4f5b6c7d8e';
    const start = await harness.context().http.request({
      method: 'POST',
      url: 'apis/mam/commands',
      query: { commandid: commandId },
      headers: { authorization: `Bearer ${await tokenFor(harness)}` },
    });
    const watch = harness.watch({ commandId });

    // Act
    const observation = await watch.poll();

    // Assess
    expect(start.status).toBe(200);
    expect(observation.details?.commandId).toBe(commandId);
    expect(harness.requestLines()).toContain(`GET /apis/mam/commands/${commandId}`);
  });

  it.each([
    { cause: 'runtimeError', status: 'FAILED' },
    { cause: 'timeout', status: 'FAILED' },
    { cause: 'rejected', status: 'FAILED' },
    { cause: 'canceled', status: 'CANCELLED' },
  ])(
    'reports a command ending in error with cause $cause as $status, keeping the error',
    async ({ cause, status }) => {
      // Prepare
      const error = { cause, code: `CTMS/${cause.toUpperCase()}`, text: `Ended by ${cause}`, httpCode: 500 };
      const watch = harness.watch(harness.simulator.createCommand({ steps: runToError(20, error) }));

      // Act
      harness.clock.advance(25);
      const observation = await watch.poll();

      // Assess
      expect(observation).toMatchObject({
        status,
        rawStatus: 'error',
        error: { message: `Ended by ${cause}`, code: error.code, cause, httpCode: 500 },
      });
      expect(observation.progress).toBe(40);
    },
  );

  it('sees a command suspended and resumed, then finished', async () => {
    // Prepare
    const watch = harness.watch(harness.simulator.createCommand({ steps: suspendAndResume(10, 30, 50) }));

    // Act
    harness.clock.advance(5);
    const running = await watch.poll();
    harness.clock.advance(10);
    const suspended = await watch.poll();
    harness.clock.advance(20);
    const resumed = await watch.poll();
    harness.clock.advance(20);
    const finished = await watch.poll();

    // Assess
    expect([running.status, suspended.status, resumed.status, finished.status]).toEqual([
      'RUNNING',
      'SUSPENDED',
      'RUNNING',
      'SUCCEEDED',
    ]);
    expect(suspended.progress).toBe(50);
  });

  it('suspends and resumes a command driven from the test', async () => {
    // Prepare
    const reference = harness.simulator.createDemoJob(100);
    const watch = harness.watch(reference);
    harness.clock.advance(20);

    // Act
    harness.simulator.suspend(reference.commandId);
    harness.clock.advance(30);
    const suspended = await watch.poll();
    harness.simulator.resume(reference.commandId, 10);
    harness.clock.advance(11);
    const finished = await watch.poll();

    // Assess
    expect(suspended).toMatchObject({ status: 'SUSPENDED', rawStatus: 'suspended' });
    expect(finished.status).toBe('SUCCEEDED');
  });

  it('reports a bulk command with some failed items as a partial success with counts', async () => {
    // Prepare
    const watch = harness.watch(
      harness.simulator.createCommand({
        type: 'loc:delete-item-by-id-bulk-command',
        steps: bulkCommand(5, [
          { success: true, data: '123330.1444213' },
          {
            success: false,
            data: '',
            httpStatus: 400,
            errorCode: 'avid.mam.assets.access/BAD_ARGUMENT',
            errorMessage: 'Invalid item ID',
          },
        ]),
      }),
    );

    // Act
    harness.clock.advance(6);
    const observation = await watch.poll();

    // Assess
    expect(observation).toMatchObject({
      status: 'SUCCEEDED',
      partial: true,
      message: 'Deleted 1 of 2 items',
    });
    expect(observation.details?.bulk).toMatchObject({ total: 2, succeeded: 1, failed: 1 });
  });

  it('reports a bulk command whose items all failed as FAILED', async () => {
    // Prepare
    const failed = {
      success: false,
      data: '',
      httpStatus: 403,
      errorCode: 'FORBIDDEN',
      errorMessage: 'No right',
    };
    const watch = harness.watch(
      harness.simulator.createCommand({ steps: bulkCommand(5, [failed, failed, failed]) }),
    );

    // Act
    harness.clock.advance(6);
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('FAILED');
    expect(observation.error?.message).toMatch(/^All 3 items of the bulk command failed/);
  });

  it('reports an unknown lifecycle as UNKNOWN with the raw value kept', async () => {
    // Prepare
    const watch = harness.watch(harness.simulator.createCommand({ steps: stayIn('archived') }));

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation).toMatchObject({ status: 'UNKNOWN', rawStatus: 'archived' });
  });

  it.each([404, 410] as const)(
    'reports a command CTMS answers %i for as LOST, saying status is kept only hours',
    async (status) => {
      // Prepare
      const target = await start({ simulator: { expiredStatus: status } });
      const reference = target.simulator.createDemoJob(10);
      const watch = target.watch(reference);
      await watch.poll();

      // Act
      target.simulator.expire(reference.commandId);
      const observation = await watch.poll();

      // Assess
      expect(observation).toMatchObject({ status: 'LOST', rawStatus: `HTTP ${status}` });
      expect(observation.message).toMatch(/status is kept only a few hours/);
    },
  );

  it('reports a finished command as LOST once the retention time has passed', async () => {
    // Prepare
    const watch = harness.watch(harness.simulator.createDemoJob(10));

    // Act
    harness.clock.advance(5 * 3600);
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('LOST');
  });
});

describe('Avid CTMS links', () => {
  it('does not remember or follow links that point outside the base URL, and says so', async () => {
    // Prepare
    const target = await start({ simulator: { linkOrigin: 'http://127.0.0.2:9' } });
    const { commandId } = target.simulator.createDemoJob(100);
    const watch = target.watch({ commandId });

    // Act
    const first = await watch.poll();
    const second = await watch.poll();

    // Assess
    expect(first.adapterState).toBeUndefined();
    expect(first.details?.ignoredLinks).toEqual([
      `self → http://127.0.0.2:9/apis/mam/commands/${commandId} (outside the connection's base URL, not followed)`,
      `command:cancel → http://127.0.0.2:9/apis/mam/commands/${commandId}/cancel (outside the connection's base URL, not followed)`,
    ]);
    expect(second.status).toBe('QUEUED');
    expect(target.requestLines().filter((line) => line.includes('/commands/'))).toEqual([
      `GET /apis/mam/commands/${commandId}`,
      `GET /apis/mam/commands/${commandId}`,
    ]);
  });

  it('refuses a reference href on another host without sending anything', async () => {
    // Prepare
    const watch = harness.watch({ href: 'http://127.0.0.2:9/apis/mam/commands/c1' });

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toMatch(/outside the connection's base URL/);
    expect(harness.simulator.server.requests).toHaveLength(0);
  });

  it('refuses such an href already when the watch is requested, as invalid input', () => {
    // Act
    const check = () => checkAvidReference({ href: 'https://evil.example/commands/1' }, harness.baseUrl);

    // Assess
    expect(check).toThrow(InvalidInputError);
  });
});

describe('Avid CTMS reference', () => {
  it.each([
    [{}, /give commandId, href/],
    [{ commandId: 'c1', extra: 1 }, /Unrecognized key/],
    [{ commandId: '../../admin' }, /commandId must be/],
    [{ href: 'ftp://host/commands/1' }, /href must be/],
  ])('refuses %j', (reference, message) => {
    // Act
    const parsed = avidCtmsAdapter.referenceSchema.safeParse(reference);

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message).join('; ')).toMatch(message);
  });

  it('accepts a UUID, a numeric id and an href', () => {
    // Act / Assess
    expect(
      avidCtmsAdapter.referenceSchema.safeParse({ commandId: 'c296fcd5-b0a8-4750-b80b-1d06c5a2ca8a' })
        .success,
    ).toBe(true);
    expect(avidCtmsAdapter.referenceSchema.safeParse({ commandId: '2222498676990702465' }).success).toBe(
      true,
    );
    expect(
      avidCtmsAdapter.referenceSchema.safeParse({ href: 'https://mc.example.com/pamctc/commands/1' }).success,
    ).toBe(true);
  });
});

describe('Avid CTMS cancel', () => {
  it('cancels a running command with DELETE on its command:cancel link', async () => {
    // Prepare
    const reference = harness.simulator.createDemoJob(100);
    const watch = harness.watch(reference);
    harness.clock.advance(10);
    await watch.poll();

    // Act
    const outcome = await watch.cancel();
    const after = await watch.poll();

    // Assess
    expect(outcome).toEqual({
      cancelled: true,
      message: `Avid CTMS accepted the cancellation of command ${reference.commandId} (lifecycle now error)`,
    });
    expect(harness.requestLines()).toContain(`DELETE /apis/mam/commands/${reference.commandId}/cancel`);
    expect(after).toMatchObject({ status: 'CANCELLED', error: { cause: 'canceled' } });
  });

  it('does not cancel a command that already ended', async () => {
    // Prepare
    const watch = harness.watch(harness.simulator.createDemoJob(10));
    harness.clock.advance(20);

    // Act
    const outcome = await watch.cancel();

    // Assess
    expect(outcome.cancelled).toBe(false);
    expect(outcome.message).toMatch(/already ended \(finished\)/);
    expect(harness.requestLines().some((line) => line.startsWith('DELETE'))).toBe(false);
  });

  it("reports a refused cancellation with the vendor's text", async () => {
    // Prepare
    const watch = harness.watch(harness.simulator.createDemoJob(100));
    harness.simulator.server.inject(
      {
        kind: 'status',
        status: 409,
        body: JSON.stringify({ error: { text: 'Command cannot be canceled now' } }),
      },
      { pathIncludes: '/cancel' },
    );

    // Act
    const outcome = await watch.cancel();

    // Assess
    expect(outcome).toMatchObject({ cancelled: false });
    expect(outcome.message).toMatch(/HTTP 409: Command cannot be canceled now/);
  });

  it('sends nothing when CTMS offers no cancel link under the base URL', async () => {
    // Prepare
    const target = await start({ simulator: { linkOrigin: 'http://127.0.0.2:9' } });
    const watch = target.watch({ commandId: target.simulator.createDemoJob(100).commandId });

    // Act
    const outcome = await watch.cancel();

    // Assess
    expect(outcome.cancelled).toBe(false);
    expect(outcome.message).toMatch(/no command:cancel link/);
    expect(target.requestLines().some((line) => line.startsWith('DELETE'))).toBe(false);
  });
});

describe('Avid CTMS state between polls', () => {
  it('reads a stored state of the wrong shape as none, and finds the command from the reference', async () => {
    // Prepare: what an older version might have stored
    const { commandId } = harness.simulator.createDemoJob(100);
    const watch = harness.watch({ commandId });
    watch.tracked.stored = { selfHref: 42, cancelHref: ['not', 'a', 'link'] };

    // Act
    const observation = await watch.poll();

    // Assess
    expect(avidCtmsAdapter.stateSchema.safeParse({ selfHref: 42 }).success).toBe(false);
    expect(observation.status).toBe('QUEUED');
    expect(harness.requestLines()).toContain(`GET /apis/mam/commands/${commandId}`);
    expect(watch.state).toEqual({
      selfHref: `${harness.baseUrl}apis/mam/commands/${commandId}`,
      cancelHref: `${harness.baseUrl}apis/mam/commands/${commandId}/cancel`,
    });
  });

  it('never follows a stored self link that is not under the base URL', async () => {
    // Prepare
    const { commandId } = harness.simulator.createDemoJob(100);
    const watch = harness.watch({ commandId });
    watch.tracked.stored = { selfHref: 'http://127.0.0.2:9/apis/mam/commands/x' };

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(harness.requestLines().filter((line) => line.includes('/commands/'))).toEqual([
      `GET /apis/mam/commands/${commandId}`,
    ]);
  });

  it('keeps the remembered cancel link when an answer drops it, and returns the whole state', async () => {
    // Prepare
    const reference = harness.simulator.createDemoJob(100);
    const watch = harness.watch(reference);
    await watch.poll();
    const self = `${harness.baseUrl}apis/mam/commands/${reference.commandId}`;
    harness.simulator.server.inject(
      {
        kind: 'garbage',
        body: JSON.stringify({
          command: { id: reference.commandId, lifecycle: 'running' },
          _links: { self: { href: self } },
        }),
      },
      { pathIncludes: '/apis/mam/commands/' },
    );

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation.adapterState).toEqual({ selfHref: self, cancelHref: `${self}/cancel` });
  });
});

describe('Avid CTMS client-credentials auth', () => {
  it('fetches one token at the tokenPath endpoint and reuses it across polls and jobs', async () => {
    // Prepare
    const first = harness.watch(harness.simulator.createDemoJob(100));
    const second = harness.watch(harness.simulator.createDemoJob(100));

    // Act
    await first.poll();
    await second.poll();
    harness.clock.advance(60);
    await first.poll();

    // Assess
    expect(harness.simulator.tokensIssued).toBe(1);
    expect(count(harness, 'GET /auth')).toBe(0);
    expect(count(harness, `POST ${TOKEN_PATH}`)).toBe(1);
    const tokenRequest = harness.simulator.server.requests.find((request) => request.path === TOKEN_PATH);
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tokenRequest?.headers.authorization).toMatch(/^Basic /);
  });

  it('shares one token request between jobs polled at the same moment', async () => {
    // Prepare
    const watches = [1, 2, 3].map(() => harness.watch(harness.simulator.createDemoJob(100)));

    // Act
    const observations = await Promise.all(watches.map((watch) => watch.poll()));

    // Assess
    expect(observations.map((observation) => observation.status)).toEqual(['QUEUED', 'QUEUED', 'QUEUED']);
    expect(harness.simulator.tokensIssued).toBe(1);
  });

  it('refreshes the token shortly before it expires', async () => {
    // Prepare: tokens live 300 s; the adapter renews 60 s ahead
    const target = await start({ simulator: { tokenLifetimeSeconds: 300 } });
    const watch = target.watch(target.simulator.createDemoJob(1000));
    await watch.poll();

    // Act
    target.clock.advance(200);
    await watch.poll();
    target.clock.advance(45);
    await watch.poll();

    // Assess
    expect(target.simulator.tokensIssued).toBe(2);
    expect(target.requestLines().filter((line) => line.startsWith('GET /apis')).length).toBe(3);
  });

  it('treats one 401 as an expired token: refreshes once and reads the job, not a failure', async () => {
    // Prepare
    const watch = harness.watch(harness.simulator.createDemoJob(100));
    await watch.poll();
    harness.simulator.revokeTokens();
    harness.clock.advance(50);

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('RUNNING');
    expect(harness.simulator.tokensIssued).toBe(2);
  });

  it('refreshes once on a 403 too, and gives up with VendorAuthError if CTMS refuses again', async () => {
    // Prepare
    const watch = harness.watch(harness.simulator.createDemoJob(100));
    harness.simulator.server.inject(
      { kind: 'status', status: 403, body: '{"error":{"text":"Forbidden"}}' },
      { count: 2, pathIncludes: '/apis/' },
    );

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toMatch(/403.*freshly issued token/);
    expect(harness.simulator.tokensIssued).toBe(2);
    expect(harness.requestLines().filter((line) => line.startsWith('GET /apis')).length).toBe(2);
  });

  it('reports refused client credentials as VendorAuthError', async () => {
    // Prepare
    const credentials = {
      clientId: harness.simulator.credentials.clientId ?? 'x',
      clientSecret: 'not-the-secret',
    };
    const target = await start({ credentials });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toMatch(/401/);
  });

  it("reports a token endpoint's 400 invalid_client as VendorAuthError naming only the OAuth code", async () => {
    // Prepare
    harness.simulator.server.inject(
      { kind: 'status', status: 400, body: '{"error":"invalid_client","error_description":"who are you"}' },
      { pathIncludes: TOKEN_PATH },
    );
    const watch = harness.watch(harness.simulator.createDemoJob(100));

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toMatch(/400 invalid_client/);
    expect(error.message).not.toMatch(/who are you/);
  });

  it('reads token answers with a lowercase bearer type, or with only access_token', async () => {
    // Prepare: an open CTMS, so the injected tokens need not be real; the first lives 120 s,
    // so the 60 s margin renews it after 60 s; the second, without expires_in, is taken to live 300 s
    const open = await start({
      simulator: { auth: 'none' },
      credentials: { clientId: 'app', clientSecret: 's3cret' },
    });
    const inject = (body: Record<string, unknown>) =>
      open.simulator.server.inject(
        { kind: 'garbage', body: JSON.stringify(body) },
        { pathIncludes: TOKEN_PATH },
      );
    inject({ access_token: 'first', token_type: 'bearer', expires_in: 120 });
    inject({ access_token: 'second' });
    inject({ access_token: 'third', expires_in: 30 });
    const watch = open.watch(open.simulator.createDemoJob(1000));

    // Act
    await watch.poll();
    open.clock.advance(61);
    await watch.poll();
    open.clock.advance(239);
    await watch.poll();
    open.clock.advance(2);
    await watch.poll();

    // Assess
    const sent = open.simulator.server.requests
      .filter((request) => request.path.startsWith('/apis/'))
      .map((request) => request.headers.authorization);
    expect(sent).toEqual(['Bearer first', 'Bearer second', 'Bearer second', 'Bearer third']);
  });

  it('names the tokenPath option when the configured token endpoint is not there', async () => {
    // Prepare
    const target = await start({ options: { tokenPath: 'auth/not-here' } });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toMatch(/no client_credentials token is issued there. Set the tokenPath option/);
    expect(target.requestLines()).toEqual(['POST /auth/not-here']);
  });

  it('names the option when the configured endpoint serves another grant (400 unsupported_grant_type)', async () => {
    // Prepare: the user-login endpoint configured for client credentials
    const target = await start({ options: { tokenPath: ROPC_PATH } });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toMatch(/400 unsupported_grant_type.*Set the tokenPath option/);
  });
});

describe('Avid CTMS memory of a connection', () => {
  it('keeps a token per connection: two connections to one CTMS do not share one', async () => {
    // Prepare
    const { commandId } = harness.simulator.createDemoJob(100);
    const watch = harness.watch({ commandId });

    // Act
    await watch.poll(harness.context({ connection: 'avid-left' }));
    await watch.poll(harness.context({ connection: 'avid-right' }));
    await watch.poll(harness.context({ connection: 'avid-left' }));

    // Assess
    expect(harness.simulator.tokensIssued).toBe(2);
  });

  it('starts a fresh memory when the credentials of a connection change', async () => {
    // Prepare: an open CTMS whose token endpoint answers what the test says
    const open = await start({ simulator: { auth: 'none' } });
    const sessions = new ConnectionSessions();
    const before = { clientId: 'app', clientSecret: 'old-secret' };
    const after = { clientId: 'app', clientSecret: 'rotated-secret' };
    for (const token of ['issued-for-old', 'issued-for-rotated']) {
      open.simulator.server.inject(
        { kind: 'garbage', body: JSON.stringify({ access_token: token, expires_in: 3600 }) },
        { pathIncludes: TOKEN_PATH },
      );
    }
    const watch = open.watch(open.simulator.createDemoJob(100));

    // Act
    await watch.poll(open.context({ credentials: before, sessions }));
    await watch.poll(open.context({ credentials: before, sessions }));
    await watch.poll(open.context({ credentials: after, sessions }));

    // Assess
    const sent = open.simulator.server.requests
      .filter((request) => request.path.startsWith('/apis/'))
      .map((request) => request.headers.authorization);
    expect(sent).toEqual(['Bearer issued-for-old', 'Bearer issued-for-old', 'Bearer issued-for-rotated']);
    expect(count(open, `POST ${TOKEN_PATH}`)).toBe(2);
  });
});

describe('Avid CTMS user login (ROPC) and the avidAccessToken cookie', () => {
  it('logs a user in at the ropcPath endpoint, the href of auth:ropc-default', async () => {
    // Prepare
    const target = await start({ simulator: { auth: 'password' } });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(count(target, `POST ${ROPC_PATH}`)).toBe(1);
    expect(count(target, `POST ${TOKEN_PATH}`)).toBe(0);
  });

  it('reports a refused user password as VendorAuthError naming only the OAuth code', async () => {
    // Prepare
    const target = await start({ simulator: { auth: 'password' } });
    const password = `${target.simulator.credentials.password}-wrong`;
    const context = target.context({ credentials: { ...target.simulator.credentials, password } });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const error = await thrownBy(avidCtmsAdapter.poll(context, watch.job));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toMatch(/400 invalid_grant/);
    expect(error.message).not.toContain(password);
  });

  it('also sends the token as the avidAccessToken cookie when sendTokenCookie is set', async () => {
    // Prepare
    const target = await start({ options: { sendTokenCookie: true } });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    await watch.poll();

    // Assess
    const poll = target.simulator.server.requests.find((request) => request.path.startsWith('/apis/'));
    const bearer = poll?.headers.authorization?.replace(/^Bearer /, '');
    expect(bearer).toBeTruthy();
    expect(poll?.headers.cookie).toBe(`avidAccessToken=${bearer}`);
  });

  it('sends no cookie by default', async () => {
    // Act
    await harness.watch(harness.simulator.createDemoJob(100)).poll();

    // Assess
    expect(harness.simulator.server.requests.some((request) => request.headers.cookie)).toBe(false);
  });
});

describe('Avid CTMS static token and no credentials', () => {
  it('sends a static bearer token and never asks for another', async () => {
    // Prepare
    const target = await start({ simulator: { auth: 'static-token' } });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(target.simulator.server.requests[0]?.headers.authorization).toBe(
      `Bearer ${target.simulator.credentials.token}`,
    );
    expect(target.requestLines().some((line) => line.includes('/auth'))).toBe(false);
  });

  it('reports a refused static token as VendorAuthError without retrying', async () => {
    // Prepare
    const target = await start({
      simulator: { auth: 'static-token' },
      credentials: { token: 'static-wrong-token' },
    });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(target.simulator.server.requests).toHaveLength(1);
  });

  it('reports a CTMS that wants a token, asked without one, as VendorAuthError', async () => {
    // Prepare
    const target = await start({ credentials: {} });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const error = await thrownBy(watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
  });

  it('polls an open CTMS without any Authorization header', async () => {
    // Prepare
    const target = await start({ simulator: { auth: 'none' } });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(target.simulator.server.requests[0]?.headers.authorization).toBeUndefined();
  });
});

describe('Avid CTMS credentials schema', () => {
  it.each([
    [{}, true],
    [{ token: 'abc' }, true],
    [{ clientId: 'app', clientSecret: 's' }, true],
    [{ clientId: 'app' }, false],
    [{ token: 'abc', clientId: 'app', clientSecret: 's' }, false],
    [{ password: 'x' }, false],
    [{ clientId: 'app', clientSecret: 's', username: 'u', password: 'p' }, true],
    [{ username: 'u', password: 'p' }, false],
    [{ clientId: 'app', clientSecret: 's', username: 'u' }, false],
  ])('validates %j as %s', (credentials, valid) => {
    // Act / Assess
    expect(avidCtmsAdapter.credentialsSchema.safeParse(credentials).success).toBe(valid);
  });
});

/** A token from the simulator's own token endpoint, as a pipeline starting commands would hold. */
async function tokenFor(target: Harness): Promise<string> {
  const { clientId, clientSecret } = target.simulator.credentials;
  const response = await target.context().http.request({
    method: 'POST',
    url: 'auth/sso/login/oauth2/client-credentials/default',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return (JSON.parse(response.text) as { access_token: string }).access_token;
}
