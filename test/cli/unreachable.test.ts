import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { apiJob, sendJson } from './fake-api.js';
import { runCli, startCli } from './run-cli.js';

/** A loopback API that serves one job at a time as the test sets it. */
async function listen(port: number, job: () => Record<string, unknown>): Promise<Server> {
  const server = createServer((_request, response) => sendJson(response, 200, job()));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

async function close(server: Server | undefined): Promise<void> {
  if (!server?.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('an API outage while waiting', () => {
  let first: Server | undefined;
  let second: Server | undefined;
  afterEach(async () => {
    await close(first);
    await close(second);
  });

  it('says at once that the API is unreachable at its URL, and goes on when it is back', async () => {
    first = await listen(0, () => apiJob({ jobId: 'jw-outage-1' }));
    const { port } = first.address() as AddressInfo;
    const api = `http://127.0.0.1:${port}`;

    const running = startCli(['watch', 'jw-outage-1', '--wait', '--max-interval', '0.2'], { api });
    await running.waitForOutput(/ RUNNING 40%/);
    await close(first);
    const seenAt = Date.now();
    await running.waitForOutput(/API unreachable at http:\/\/127\.0\.0\.1:\d+, retrying in 2s…/);
    const noticedWithinMs = Date.now() - seenAt;
    second = await listen(port, () =>
      apiJob({ jobId: 'jw-outage-1', status: 'SUCCEEDED', progress: 100, version: 4 }),
    );
    const run = await running.done;

    expect(noticedWithinMs).toBeLessThan(2000);
    expect(run.stdout).toContain(`API unreachable at ${api}, retrying in 2s…`);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('jw-outage-1 SUCCEEDED');
  });

  it('names the URL when the API cannot be reached at all (exit 3)', async () => {
    first = await listen(0, () => apiJob());
    const { port } = first.address() as AddressInfo;
    await close(first);

    const run = await runCli(['watch', 'jw-test-1', '--wait'], { api: `http://127.0.0.1:${port}` });

    expect(run.code).toBe(3);
    expect(run.stderr.trim()).toBe(
      `jobwatch: cannot reach the API at http://127.0.0.1:${port} (GET /jobs/jw-test-1): ECONNREFUSED`,
    );
  });
});
