import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError, VendorProtocolError } from '../../../lib/jobs/errors.js';
import {
  avidCtmsAdapter,
  checkAvidReference,
  clearAvidTokenCache,
} from '../../../lib/vendors/avid-ctms/index.js';
import {
  bulkCommand,
  runToError,
  stayIn,
  suspendAndResume,
} from '../../../local/simulators/avid-ctms/index.js';
import { type Harness, startHarness, thrownBy } from './avid-ctms-harness.js';

let harness: Harness;

beforeEach(async () => {
  clearAvidTokenCache();
  harness = await startHarness();
});

afterEach(async () => {
  await harness.close();
});

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
    expect(watch.job.latest.adapterState?.selfHref).toBe(
      `${harness.baseUrl}apis/mam/commands/${watch.job.reference.commandId}`,
    );
  });

  it("polls by command id alone through the connection's commandUrlTemplate, with a caller-chosen id", async () => {
    // Prepare: start the command the CTMS way, choosing its id with ?commandid=
    const commandId = '0b6f9a1e-3c52-4d0f-9d8e-2a4f5b6c7d8e';
    const start = await harness.context.http.request({
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
      await harness.close();
      harness = await startHarness({ simulator: { expiredStatus: status } });
      const reference = harness.simulator.createDemoJob(10);
      const watch = harness.watch(reference);
      await watch.poll();

      // Act
      harness.simulator.expire(reference.commandId);
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
    await harness.close();
    harness = await startHarness({ simulator: { linkOrigin: 'http://127.0.0.2:9' } });
    const { commandId } = harness.simulator.createDemoJob(100);
    const watch = harness.watch({ commandId });

    // Act
    const first = await watch.poll();
    const second = await watch.poll();

    // Assess
    expect(first.adapterState).toBeUndefined();
    expect(first.details?.ignoredLinks).toEqual([
      'self → http://127.0.0.2:9/apis/mam/commands/' +
        commandId +
        " (outside the connection's base URL, not followed)",
      'command:cancel → http://127.0.0.2:9/apis/mam/commands/' +
        commandId +
        "/cancel (outside the connection's base URL, not followed)",
    ]);
    expect(second.status).toBe('QUEUED');
    expect(harness.requestLines().filter((line) => line.includes('/commands/'))).toEqual([
      `GET /apis/mam/commands/${commandId}`,
      `GET /apis/mam/commands/${commandId}`,
    ]);
  });

  it('refuses a reference href on another host without sending anything', async () => {
    // Prepare
    const watch = harness.watch({ href: 'http://127.0.0.2:9/apis/mam/commands/c1' });

    // Act
    const error = await thrownBy(() => watch.poll());

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
    const outcome = await avidCtmsAdapter.cancel?.(harness.context, watch.job);
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
    const outcome = await avidCtmsAdapter.cancel?.(harness.context, watch.job);

    // Assess
    expect(outcome?.cancelled).toBe(false);
    expect(outcome?.message).toMatch(/already ended \(finished\)/);
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
    const outcome = await avidCtmsAdapter.cancel?.(harness.context, watch.job);

    // Assess
    expect(outcome).toMatchObject({ cancelled: false });
    expect(outcome?.message).toMatch(/HTTP 409: Command cannot be canceled now/);
  });

  it('sends nothing when CTMS offers no cancel link under the base URL', async () => {
    // Prepare
    await harness.close();
    harness = await startHarness({ simulator: { linkOrigin: 'http://127.0.0.2:9' } });
    const watch = harness.watch({ commandId: harness.simulator.createDemoJob(100).commandId });

    // Act
    const outcome = await avidCtmsAdapter.cancel?.(harness.context, watch.job);

    // Assess
    expect(outcome?.cancelled).toBe(false);
    expect(outcome?.message).toMatch(/no command:cancel link/);
    expect(harness.requestLines().some((line) => line.startsWith('DELETE'))).toBe(false);
  });
});

/** A token from the simulator's own token endpoint, as a pipeline starting commands would hold. */
async function tokenFor(target: Harness): Promise<string> {
  const { clientId, clientSecret } = target.simulator.credentials;
  const response = await target.context.http.request({
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
