import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnections } from '../../lib/config/connection-registry.js';
import type { ConnectionInput } from '../../lib/config/connections.js';
import type { PublicJob, VendorName } from '../../lib/jobs/job.js';
import { type Clock, scaledClock } from '../../local/clock.js';
import { AdmiralCloudSimulator } from '../../local/simulators/admiralcloud/index.js';
import { CinegyPcsSimulator } from '../../local/simulators/cinegy-pcs/index.js';
import { OkastSimulator } from '../../local/simulators/okast/index.js';
import type { RecordedRequest, SimServer } from '../../local/simulators/sim-server.js';
import { VdgSenseSimulator } from '../../local/simulators/vdg-sense/index.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { TEST_SPEED } from '../support/avid-stack.js';
import { waitUntil } from '../support/wait.js';

/** Credential fields that carry a secret; the "wrong" connection gets a different value in each. */
const SECRET_FIELDS = ['clientSecret', 'token', 'accessSecret', 'password', 'headerValue', 'paramValue'];

interface VendorCase {
  vendor: VendorName;
  simulator: {
    readonly credentials: Record<string, string>;
    readonly server: SimServer;
    connectionOptions(): Record<string, unknown>;
    start(): Promise<string>;
    close(): Promise<void>;
    createDemoJob(seconds: number): Record<string, unknown> | Promise<Record<string, unknown>>;
  };
  /** A job that ends other than SUCCEEDED, and the ending expected. */
  endsBadly(clock: Clock): Record<string, unknown>;
  badEnding: { status: PublicJob['status']; error: string };
  /** The request that asks the vendor to cancel, where its API can (else jobwatch only stops watching). */
  cancelCall?: (request: RecordedRequest) => boolean;
}

function cases(clock: Clock): VendorCase[] {
  const cinegy = new CinegyPcsSimulator({ clock, auth: 'basic' });
  const okast = new OkastSimulator({ clock });
  const vdg = new VdgSenseSimulator({ clock });
  const admiralcloud = new AdmiralCloudSimulator({ clock, rtsClock: 'simulated' });
  return [
    {
      vendor: 'cinegy-pcs',
      simulator: cinegy,
      endsBadly: () => {
        const reference = cinegy.createDemoJob(600);
        setTimeout(() => cinegy.fail(String(reference.taskId), 'Encoder crashed'), 200);
        return reference;
      },
      badEnding: { status: 'FAILED', error: 'JobFailed' },
    },
    {
      vendor: 'okast',
      simulator: okast,
      endsBadly: (now) => {
        const files = {
          filePath: 'https://storage.example.com/okast/dup.mp4',
          metadataPath: 'https://storage.example.com/okast/dup.json',
        };
        const requestedAt = now.now();
        okast.addIngest(files, {
          requestedAt,
          steps: [
            { at: 0, state: { status: 'PENDING' } },
            { at: 60, state: { status: 'ERRORED', statusError: 'File already exists in database' } },
          ],
        });
        return { ...files, submittedAt: new Date(requestedAt).toISOString() };
      },
      badEnding: { status: 'FAILED', error: 'JobFailed' },
    },
    {
      vendor: 'vdg-sense',
      simulator: vdg,
      endsBadly: () => {
        const reference = vdg.createDemoJob(600);
        setTimeout(() => vdg.remove(String(reference.exportId)), 200);
        return reference;
      },
      badEnding: { status: 'CANCELLED', error: 'JobCancelled' },
      cancelCall: (request) => request.method === 'POST',
    },
    {
      vendor: 'admiralcloud',
      simulator: admiralcloud,
      endsBadly: () => {
        const reference = admiralcloud.createDemoJob(600);
        setTimeout(() => admiralcloud.vanish(reference.jobId), 200);
        return reference;
      },
      badEnding: { status: 'LOST', error: 'JobLost' },
      cancelCall: (request) => request.method === 'DELETE',
    },
  ];
}

/**
 * Every vendor besides Avid (see avid-workflow.test.ts), watched through the synthesized state
 * machine against its simulator over real HTTP: a good ending, a bad one, an outage in the middle
 * that changes nothing, and refused credentials reported as such — never leaked.
 */
describe('watching every vendor through the state machine', () => {
  const clock = scaledClock(TEST_SPEED);
  const vendors = cases(clock);
  let stack: LocalStack;
  // The stack logs at DEBUG here, into this buffer: the logs must not carry secrets either.
  const logged: string[] = [];
  const originalWrite = process.stdout.write.bind(process.stdout);
  const originalErrorWrite = process.stderr.write.bind(process.stderr);

  beforeAll(async () => {
    const capture = (chunk: unknown) => {
      logged.push(String(chunk));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    const connections: ConnectionInput[] = [];
    for (const { vendor, simulator } of vendors) {
      const baseUrl = await simulator.start();
      const base = { vendor, baseUrl, options: simulator.connectionOptions() };
      connections.push({ ...base, name: vendor, credentials: simulator.credentials });
      const wrong = Object.fromEntries(
        Object.entries(simulator.credentials).map(([key, value]) => [
          key,
          SECRET_FIELDS.includes(key) ? `wrong-${value}` : value,
        ]),
      );
      connections.push({ ...base, name: `${vendor}-wrong`, credentials: wrong });
    }
    stack = await startLocalStack({
      config: { connections: parseConnections(connections, 'test') },
      clock,
      logLevel: 'DEBUG',
      // What deploys: the synthesized, minified bundles with the template's environments.
      functions: 'bundled',
    });
  });
  afterAll(async () => {
    await stack.close();
    await Promise.all(vendors.map(({ simulator }) => simulator.close()));
    process.stdout.write = originalWrite;
    process.stderr.write = originalErrorWrite;
  });

  async function watch(connection: string, job: Record<string, unknown>): Promise<string> {
    const response = await fetch(`${stack.apiUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connection, job }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as PublicJob).jobId;
  }
  const getJob = async (jobId: string) =>
    (await (await fetch(`${stack.apiUrl}/jobs/${jobId}`)).json()) as PublicJob;
  const history = async (jobId: string) =>
    (
      (await (await fetch(`${stack.apiUrl}/jobs/${jobId}/history?limit=100`)).json()) as {
        items: PublicJob[];
      }
    ).items;

  describe.each(vendors.map((entry) => [entry.vendor, entry] as const))('%s', (_name, entry) => {
    it('ends SUCCEEDED, and rides out an outage in the middle', async () => {
      const jobId = await watch(entry.vendor, await entry.simulator.createDemoJob(600));
      await waitUntil(async () => ['QUEUED', 'RUNNING'].includes((await getJob(jobId)).status));

      entry.simulator.server.inject(
        { kind: 'status', status: 503, body: 'Service Unavailable' },
        { count: 3 },
      );
      const outcome = await stack.runner.waitFor(jobId);

      expect(outcome.status).toBe('SUCCEEDED');
      expect(outcome.output).toMatchObject({ jobId, status: 'SUCCEEDED' });
      const snapshots = await history(jobId);
      expect(snapshots.some((snapshot) => snapshot.status === 'FAILED')).toBe(false);
      expect(snapshots.map((snapshot) => snapshot.version)).toEqual(snapshots.map((_, index) => index + 1));
    });

    it(`ends ${entry.badEnding.status} when the vendor says so`, async () => {
      const jobId = await watch(entry.vendor, entry.endsBadly(clock));

      const outcome = await stack.runner.waitFor(jobId);

      expect(outcome).toMatchObject({ status: 'FAILED', error: entry.badEnding.error });
      expect((await getJob(jobId)).status).toBe(entry.badEnding.status);
    });

    it(
      entry.cancelCall
        ? 'cancels at the vendor through the API, and ends CANCELLED'
        : 'cancels through the API as a stopped watch with its reason, since the vendor cannot cancel',
      async () => {
        const jobId = await watch(entry.vendor, await entry.simulator.createDemoJob(600));
        await waitUntil(async () => ['QUEUED', 'RUNNING'].includes((await getJob(jobId)).status));

        const response = await fetch(`${stack.apiUrl}/jobs/${jobId}/cancel`, { method: 'POST' });
        const again = await fetch(`${stack.apiUrl}/jobs/${jobId}/cancel`, { method: 'POST' });

        expect(response.ok).toBe(true);
        expect(again.ok).toBe(true);
        expect(await stack.runner.waitFor(jobId)).toMatchObject({ status: 'FAILED', error: 'JobCancelled' });
        const job = await getJob(jobId);
        expect(job.status).toBe('CANCELLED');
        if (entry.cancelCall) {
          expect(job.watch?.state).not.toBe('STOPPED');
        } else {
          expect(job.watch).toMatchObject({ state: 'STOPPED' });
          expect(job.watch?.reason).toContain('may still run');
        }
        expect((await history(jobId)).filter((snapshot) => snapshot.status === 'CANCELLED')).toHaveLength(1);
      },
    );

    it('reports refused credentials as an auth issue, never as a job failure, and never shows the secret', async () => {
      const jobId = await watch(`${entry.vendor}-wrong`, await entry.simulator.createDemoJob(600));

      await waitUntil(async () => (await getJob(jobId)).watchIssue?.kind === 'auth');
      const job = await getJob(jobId);
      const everything = JSON.stringify([job, await history(jobId), stack.bus.published, logged]);
      expect(logged.join('')).toContain('auth');

      expect(['UNKNOWN', 'QUEUED', 'RUNNING']).toContain(job.status);
      for (const [key, value] of Object.entries(entry.simulator.credentials)) {
        if (SECRET_FIELDS.includes(key)) {
          expect(everything).not.toContain(value);
          expect(everything).not.toContain(`wrong-${value}`);
        }
      }
      await fetch(`${stack.apiUrl}/jobs/${jobId}/cancel`, { method: 'POST' });
      await stack.runner.waitFor(jobId);
    });
  });
});
