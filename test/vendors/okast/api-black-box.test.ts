import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnections } from '../../../lib/config/connection-registry.js';
import type { PublicJob } from '../../../lib/jobs/job.js';
import { scaledClock } from '../../../local/clock.js';
import { DEFAULT_PHP_PATH, OkastSimulator } from '../../../local/simulators/okast/index.js';
import { type LocalStack, startLocalStack } from '../../../local/stack.js';
import { TEST_SPEED } from '../../support/avid-stack.js';

/**
 * The way a tester drives jobwatch against an Okast instance: configure a connection from the
 * documentation only, submit ingests to the instance over HTTP, then `POST /jobs` with the
 * reference — without `submittedAt`, some minutes after the ingest.
 */
describe('Okast through the API, as a tester drives it', () => {
  const clock = scaledClock(TEST_SPEED);
  const okast = new OkastSimulator({
    clock,
    auth: { scheme: 'header', headerName: 'X-Okast-Key', headerValue: 'okast-api-black-box-key' },
    timeZone: 'Europe/Paris',
    quirks: { contentType: 'text/html; charset=UTF-8' },
  });
  let stack: LocalStack;
  let root: string;

  beforeAll(async () => {
    root = await okast.start();
    stack = await startLocalStack({
      config: {
        connections: parseConnections(
          [
            {
              name: 'okast-tester',
              vendor: 'okast',
              // The PHP folder the operator was given, not the instance root.
              baseUrl: `${root}${DEFAULT_PHP_PATH}`,
              credentials: { ...okast.credentials },
              options: { timeZone: 'Europe/Paris' },
            },
          ],
          'test',
        ),
      },
      clock,
    });
  });

  afterAll(async () => {
    await stack?.close();
    await okast.close();
  });

  async function addVideoLink(parameters: Record<string, string>): Promise<void> {
    const response = await fetch(new URL(okast.addVideoLinkPath, root), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-okast-key': okast.credentials.headerValue ?? '',
      },
      body: new URLSearchParams(parameters).toString(),
    });
    expect(response.status).toBe(200);
  }

  async function watch(job: Record<string, unknown>): Promise<string> {
    const response = await fetch(`${stack.apiUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connection: 'okast-tester', job }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as PublicJob).jobId;
  }

  const getJob = async (jobId: string) =>
    (await (await fetch(`${stack.apiUrl}/jobs/${jobId}`)).json()) as PublicJob;

  it('finds an ingest submitted minutes before the watch, and follows it to SUCCEEDED', async () => {
    // Prepare: submitted ten clock minutes ago; the simulator's ingests take a minute.
    const files = {
      filePath: 'https://storage.example.com/tester/early.mp4',
      metadataPath: 'https://storage.example.com/tester/early.json',
    };
    okast.addIngest(files, { requestedAt: clock.now() - 10 * 60_000 });

    // Act
    const jobId = await watch(files);
    const outcome = await stack.runner.waitFor(jobId);

    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    expect(await getJob(jobId)).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'DONE' });
  });

  it('follows the fresh ingest of a file already ingested, not the earlier one', async () => {
    // Prepare: the file was ingested (DONE) an hour ago; a second ingest is refused by Okast.
    const files = {
      filePath: 'https://storage.example.com/tester/again.mp4',
      metadataPath: 'https://storage.example.com/tester/again.json',
    };
    const first = okast.addIngest(files, { requestedAt: clock.now() - 3600_000 });
    okast.finish(first);
    await addVideoLink(files);

    // Act
    const jobId = await watch(files);
    const outcome = await stack.runner.waitFor(jobId);

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'JobFailed' });
    expect(await getJob(jobId)).toMatchObject({
      status: 'FAILED',
      error: { message: 'File already exists in database' },
    });
  });
});
