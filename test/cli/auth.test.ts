import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiJob, sendJson, startFakeApi } from './fake-api.js';
import { runCli } from './run-cli.js';

/**
 * Authentication and API trouble as the CLI process reports it, against a scripted loopback API
 * (the local stack has no IAM to refuse anyone).
 */
describe('the jobwatch CLI and authentication', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('exits 4 when the API refuses the token', async () => {
    const api = await startFakeApi((_request, response) =>
      sendJson(response, 401, {
        type: 'urn:jobwatch:problem:unauthorized',
        title: 'Unauthorized',
        status: 401,
        detail: 'Send Authorization: Bearer <token>',
      }),
    );
    close = api.close;

    const run = await runCli(['list', '--token', 'wrong'], { api: api.url });

    expect(run.code).toBe(4);
    expect(run.stderr).toBe('jobwatch: 401 unauthorized: Send Authorization: Bearer <token>\n');
    expect(api.requests[0]?.headers.authorization).toBe('Bearer wrong');
  });

  it('signs with SigV4 from the standard AWS credential chain when asked', async () => {
    const api = await startFakeApi((_request, response) =>
      sendJson(response, 200, apiJob({ status: 'SUCCEEDED' })),
    );
    close = api.close;

    const run = await runCli(['--sigv4', 'get', 'jw-test-1', '--json'], {
      api: api.url,
      env: {
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        AWS_SESSION_TOKEN: 'session-token',
        AWS_REGION: 'eu-west-1',
        // Keep the chain from reading the developer's own profile files.
        AWS_CONFIG_FILE: join(tmpdir(), 'jobwatch-test-no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'jobwatch-test-no-aws-credentials'),
      },
    });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(api.requests[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=\S*host\S*, Signature=[0-9a-f]{64}$/,
    );
    expect(api.requests[0]?.headers['x-amz-security-token']).toBe('session-token');
  });

  it('exits 3 with a one-line message when the API answers 502 with an HTML page, and details under --debug', async () => {
    const api = await startFakeApi((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>upstream broke</html>');
    });
    close = api.close;

    const [plain, debug] = await Promise.all([
      runCli(['connections'], { api: api.url }),
      runCli(['connections', '--debug'], { api: api.url }),
    ]);

    expect(plain.code).toBe(3);
    expect(plain.stderr).toBe('jobwatch: 502 server error\n');
    expect(debug.code).toBe(3);
    expect(debug.stderr).toContain('ApiError: 502 server error');
    expect(debug.stderr).toContain('body: <html>upstream broke</html>');
  });
});
