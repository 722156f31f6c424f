import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VendorAuthError } from '../../../lib/jobs/errors.js';
import { avidCtmsAdapter, clearAvidTokenCache } from '../../../lib/vendors/avid-ctms/index.js';
import { type Harness, type HarnessOptions, startHarness, thrownBy } from './avid-ctms-harness.js';

const TOKEN_PATH = '/auth/sso/login/oauth2/client-credentials/default';

let harness: Harness | undefined;

async function start(options: HarnessOptions = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

function count(target: Harness, line: string): number {
  return target.requestLines().filter((entry) => entry === line).length;
}

beforeEach(() => {
  clearAvidTokenCache();
});

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('Avid CTMS client-credentials auth', () => {
  it('discovers the token endpoint from /auth, fetches one token and reuses it across polls', async () => {
    // Prepare
    const target = await start();
    const first = target.watch(target.simulator.createDemoJob(100));
    const second = target.watch(target.simulator.createDemoJob(100));

    // Act
    await first.poll();
    await second.poll();
    target.clock.advance(60);
    await first.poll();

    // Assess
    expect(target.simulator.tokensIssued).toBe(1);
    expect(count(target, 'GET /auth')).toBe(1);
    expect(count(target, `POST ${TOKEN_PATH}`)).toBe(1);
    const tokenRequest = target.simulator.server.requests.find((request) => request.path === TOKEN_PATH);
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tokenRequest?.headers.authorization).toMatch(/^Basic /);
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
    const target = await start();
    const watch = target.watch(target.simulator.createDemoJob(100));
    await watch.poll();
    target.simulator.revokeTokens();
    target.clock.advance(50);

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('RUNNING');
    expect(target.simulator.tokensIssued).toBe(2);
  });

  it('refreshes once on a 403 too, and gives up with VendorAuthError if CTMS refuses again', async () => {
    // Prepare
    const target = await start();
    const watch = target.watch(target.simulator.createDemoJob(100));
    target.simulator.server.inject(
      { kind: 'status', status: 403, body: '{"error":{"text":"Forbidden"}}' },
      { count: 2, pathIncludes: '/apis/' },
    );

    // Act
    const error = await thrownBy(() => watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toMatch(/403.*freshly issued token/);
    expect(target.simulator.tokensIssued).toBe(2);
    expect(target.requestLines().filter((line) => line.startsWith('GET /apis')).length).toBe(2);
  });

  it('reports refused client credentials as VendorAuthError', async () => {
    // Prepare
    const target = await start();
    const sim = target.simulator.credentials;
    await target.close();
    harness = await startHarness({
      credentials: { clientId: sim.clientId ?? 'x', clientSecret: 'not-the-secret' },
    });
    const watch = harness.watch(harness.simulator.createDemoJob(100));

    // Act
    const error = await thrownBy(() => watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toMatch(/401/);
  });

  it("reports a token endpoint's 400 invalid_client as VendorAuthError naming only the OAuth code", async () => {
    // Prepare
    const target = await start();
    target.simulator.server.inject(
      { kind: 'status', status: 400, body: '{"error":"invalid_client","error_description":"who are you"}' },
      { pathIncludes: TOKEN_PATH },
    );
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const error = await thrownBy(() => watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toMatch(/400 invalid_client/);
    expect(error.message).not.toMatch(/who are you/);
  });

  it('falls back to the tokenPath option when /auth advertises no client-credentials link', async () => {
    // Prepare
    const target = await start({ simulator: { advertiseTokenLink: false } });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(count(target, `POST ${TOKEN_PATH}`)).toBe(1);
    expect(count(target, 'POST /auth/tokens/current')).toBe(0);
  });

  it('falls back to the tokenPath option when /auth answers an HTML page', async () => {
    // Prepare
    const target = await start();
    target.simulator.server.inject(
      { kind: 'garbage', body: '<html>login</html>', contentType: 'text/html' },
      { pathIncludes: '/auth' },
    );
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('QUEUED');
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
    const error = await thrownBy(() => watch.poll());

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(target.simulator.server.requests).toHaveLength(1);
  });

  it('reports a CTMS that wants a token, asked without one, as VendorAuthError', async () => {
    // Prepare
    const target = await start({ credentials: {} });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const error = await thrownBy(() => watch.poll());

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
  ])('validates %j as %s', (credentials, valid) => {
    // Act / Assess
    expect(avidCtmsAdapter.credentialsSchema.safeParse(credentials).success).toBe(valid);
  });
});
