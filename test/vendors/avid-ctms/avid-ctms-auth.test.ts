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

  it('finds the token link on the identity providers when /auth itself lists none', async () => {
    // Prepare
    const target = await start({ simulator: { tokenLinksAt: 'identity-providers' } });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(target.requestLines().slice(0, 3)).toEqual([
      'GET /auth',
      'GET /auth/identity-providers',
      `POST ${TOKEN_PATH}`,
    ]);
  });

  it('reads token answers with expires_in as a string, a lowercase bearer type, or only access_token', async () => {
    // Prepare: an open CTMS, so the injected tokens need not be real; the first lives "120" s,
    // so the 60 s margin renews it after 60 s
    const open = await start({
      simulator: { auth: 'none' },
      credentials: { clientId: 'app', clientSecret: 's3cret' },
    });
    const inject = (body: Record<string, unknown>) =>
      open.simulator.server.inject(
        { kind: 'garbage', body: JSON.stringify(body) },
        { pathIncludes: TOKEN_PATH },
      );
    inject({ access_token: 'first', token_type: 'bearer', expires_in: '120' });
    inject({ access_token: 'second' });
    inject({ accessToken: 'third', expiresIn: 30 });
    const watch = open.watch(open.simulator.createDemoJob(1000));

    // Act
    await watch.poll();
    open.clock.advance(61);
    await watch.poll();
    open.clock.advance(301);
    await watch.poll();

    // Assess
    const sent = open.simulator.server.requests
      .filter((request) => request.path.startsWith('/apis/'))
      .map((request) => request.headers.authorization);
    expect(sent).toEqual(['Bearer first', 'Bearer second', 'Bearer third']);
  });

  it('tries the next token endpoint when one answers 404, and names the option when none works', async () => {
    // Prepare: /auth advertises only a ROPC link; the configured tokenPath does not exist
    const target = await start({
      simulator: { auth: 'none' },
      credentials: { clientId: 'app', clientSecret: 's3cret' },
      options: { tokenPath: 'auth/not-here' },
    });
    const ropc = `${target.baseUrl}auth/sso/login/oauth2/ropc/only`;
    const entry = JSON.stringify({ _links: { 'auth:ropc-default': [{ href: ropc }] } });
    target.simulator.server.inject({ kind: 'garbage', body: entry }, { pathIncludes: '/auth' });
    target.simulator.server.inject(
      { kind: 'garbage', body: '{"access_token":"from-ropc-link"}' },
      { pathIncludes: '/ropc/only' },
    );
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const observation = await watch.poll();
    clearAvidTokenCache();
    target.simulator.server.inject({ kind: 'garbage', body: entry }, { pathIncludes: '/auth' });
    target.simulator.server.inject({ kind: 'status', status: 404 }, { pathIncludes: '/ropc/only' });
    const error = await thrownBy(() => watch.poll());

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(target.requestLines().slice(0, 3)).toEqual([
      'GET /auth',
      'POST /auth/not-here',
      'POST /auth/sso/login/oauth2/ropc/only',
    ]);
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toMatch(/No token endpoint issued a client_credentials token.*tokenPath/);
  });

  it('falls back to the tokenPath option when /auth answers 500', async () => {
    // Prepare
    const target = await start();
    target.simulator.server.inject({ kind: 'status', status: 500 }, { pathIncludes: '/auth' });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('QUEUED');
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

describe('Avid CTMS user login (ROPC) and the avidAccessToken cookie', () => {
  it('logs a user in through the auth:ropc-default link of the identity provider', async () => {
    // Prepare
    const target = await start({ simulator: { auth: 'password', tokenLinksAt: 'identity-providers' } });
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(count(target, 'POST /auth/sso/login/oauth2/ropc/default')).toBe(1);
    expect(count(target, `POST ${TOKEN_PATH}`)).toBe(0);
  });

  it('reports a refused user password as VendorAuthError naming only the OAuth code', async () => {
    // Prepare
    const target = await start({ simulator: { auth: 'password' } });
    const password = `${target.simulator.credentials.password}-wrong`;
    const context = { ...target.context, credentials: { ...target.simulator.credentials, password } };
    const watch = target.watch(target.simulator.createDemoJob(100));

    // Act
    const error = await thrownBy(() => avidCtmsAdapter.poll(context, watch.job));

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
    // Prepare
    const target = await start();

    // Act
    await target.watch(target.simulator.createDemoJob(100)).poll();

    // Assess
    expect(target.simulator.server.requests.some((request) => request.headers.cookie)).toBe(false);
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
    [{ clientId: 'app', clientSecret: 's', username: 'u', password: 'p' }, true],
    [{ username: 'u', password: 'p' }, false],
    [{ clientId: 'app', clientSecret: 's', username: 'u' }, false],
  ])('validates %j as %s', (credentials, valid) => {
    // Act / Assess
    expect(avidCtmsAdapter.credentialsSchema.safeParse(credentials).success).toBe(valid);
  });
});
