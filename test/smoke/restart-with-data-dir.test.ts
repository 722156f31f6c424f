import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PublicJob } from '../../lib/jobs/job.js';
import { systemClock } from '../../local/clock.js';
import { AvidCtmsSimulator, runToSuccess } from '../../local/simulators/avid-ctms/index.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { startLocalProcess } from '../support/local-process.js';
import { waitUntil } from '../support/wait.js';

/**
 * A local stack with a data directory dies mid-watch (SIGKILL: no shutdown of any kind) and is
 * started again on the same data: its reconciler finds every job that still says WATCHING,
 * none of which has an execution any more, and watches it on to its real end.
 */
describe('a local stack killed mid-watch and started again on its data directory', () => {
  const vendor = new AvidCtmsSimulator();
  const directory = mkdtempSync(join(tmpdir(), 'jobwatch-restart-'));
  const dataDir = join(directory, 'data');
  let child: ChildProcess | undefined;
  let restarted: LocalStack | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await restarted?.close();
    await vendor.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('resumes every unfinished job to its end, with versions 1..n and no snapshot twice', async () => {
    // Prepare: the stack in a child process, three jobs watched mid-way
    const baseUrl = await vendor.start();
    const connections = [
      {
        name: 'avid-prod',
        vendor: 'avid-ctms' as const,
        baseUrl,
        credentials: vendor.credentials,
        options: vendor.connectionOptions(),
        polling: { minIntervalSeconds: 5, maxIntervalSeconds: 5 },
      },
    ];
    const configPath = join(directory, 'jobwatch.config.json');
    writeFileSync(configPath, JSON.stringify({ connections, dataDir, api: { port: 0 } }));
    const started = await startLocalProcess(configPath);
    child = started.child;
    const firstApi = started.apiUrl;
    const jobIds: string[] = [];
    for (const seconds of [20, 25, 30]) {
      const response = await fetch(`${firstApi}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          connection: 'avid-prod',
          job: vendor.createCommand({ steps: runToSuccess(seconds, 1) }),
        }),
      });
      jobIds.push(((await response.json()) as PublicJob).jobId);
    }
    const read = async (apiUrl: string, jobId: string) =>
      (await (await fetch(`${apiUrl}/jobs/${jobId}`)).json()) as PublicJob;
    // Mid-watch: each has been polled while running, none has ended.
    await waitUntil(async () => {
      const jobs = await Promise.all(jobIds.map((jobId) => read(firstApi, jobId)));
      return jobs.every((job) => job.status === 'RUNNING');
    }, 30_000);

    // Act: kill it outright, then start a stack on the same data
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    restarted = await startLocalStack({
      config: { connections, dataDir, api: { port: 0 } },
      clock: systemClock,
      logLevel: 'SILENT',
    });
    const stack = restarted;
    await waitUntil(async () => {
      const jobs = await Promise.all(jobIds.map((jobId) => read(stack.apiUrl, jobId)));
      return jobs.every((job) => job.status === 'SUCCEEDED');
    }, 60_000);

    // Assess
    for (const jobId of jobIds) {
      const history = (await stack.services.store.history(jobId, { limit: 100 })).items;
      expect(history.map((snapshot) => snapshot.version)).toEqual(history.map((_, index) => index + 1));
      const states = history.map((snapshot) => `${snapshot.status}/${snapshot.progress}/${snapshot.message}`);
      expect(new Set(states).size).toBe(states.length);
      expect(history.at(-1)).toMatchObject({ status: 'SUCCEEDED', progress: 100, watch: { state: 'ENDED' } });
      expect(stack.runner.executions.get(jobId)?.status).toBe('SUCCEEDED');
    }
  }, 150_000);
});
