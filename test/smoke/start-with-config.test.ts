import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicJob } from '../../lib/jobs/job.js';
import { AvidCtmsSimulator, runToSuccess } from '../../local/simulators/avid-ctms/index.js';
import { startLocalProcess } from '../support/local-process.js';
import { waitUntil } from '../support/wait.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'a-long-random-token-for-this-test';

/**
 * `npm start -- --config FILE` as an operator runs it: the documented config file, a vendor
 * system of its own (here the Avid simulator on the real clock), and nothing but HTTP between.
 */
describe('npm start with a config file', () => {
  const vendor = new AvidCtmsSimulator();
  const directory = mkdtempSync(join(tmpdir(), 'jobwatch-config-'));
  let child: ChildProcess;
  let apiUrl = '';
  let output: () => string = () => '';

  beforeAll(async () => {
    const baseUrl = await vendor.start();
    const configPath = join(directory, 'jobwatch.config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        connections: [
          {
            name: 'avid-prod',
            vendor: 'avid-ctms',
            baseUrl,
            credentials: vendor.credentials,
            options: vendor.connectionOptions(),
            polling: { minIntervalSeconds: 5, maxIntervalSeconds: 10 },
          },
        ],
        api: { port: 0, token: TOKEN },
      }),
    );
    const started = await startLocalProcess(configPath);
    child = started.child;
    output = started.output;
    apiUrl = started.apiUrl;
  }, 90_000);

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await vendor.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers },
    });

  it('watches a vendor job to SUCCEEDED over the API, behind the configured token', async () => {
    const reference = vendor.createCommand({ steps: runToSuccess(8, 1) });

    const refused = await fetch(`${apiUrl}/jobs`);
    const started = await api('/jobs', {
      method: 'POST',
      body: JSON.stringify({ connection: 'avid-prod', job: reference }),
    });
    const { jobId } = (await started.json()) as PublicJob;
    await waitUntil(
      async () => ((await (await api(`/jobs/${jobId}`)).json()) as PublicJob).status === 'SUCCEEDED',
      60_000,
    );

    expect(refused.status).toBe(401);
    expect(started.status).toBe(202);
    const job = (await (await api(`/jobs/${jobId}`)).json()) as PublicJob;
    expect(job).toMatchObject({ connection: 'avid-prod', status: 'SUCCEEDED', progress: 100 });
    expect(output()).toContain('Job Status Changed');
    expect(output()).not.toContain(vendor.credentials.clientSecret ?? '(no secret)');
  }, 90_000);

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');

    expect(await exited).toBe(0);
  }, 30_000);

  it('refuses a config file with a misspelt key, naming it, and exits non-zero', async () => {
    const badPath = join(directory, 'bad.json');
    writeFileSync(badPath, JSON.stringify({ connections: [], apii: { port: 0 } }));

    const failure = await promisify(execFile)(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'local/start.ts', '--config', badPath],
      { cwd: root, timeout: 60_000 },
    ).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('apii');
  }, 60_000);
});
