import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnections } from '../../lib/config/connection-registry.js';
import type { ConnectionInput } from '../../lib/config/connections.js';
import type { PublicJob, VendorName } from '../../lib/jobs/job.js';
import { scaledClock } from '../../local/clock.js';
import { AdmiralCloudSimulator } from '../../local/simulators/admiralcloud/index.js';
import { AvidCtmsSimulator } from '../../local/simulators/avid-ctms/index.js';
import { CinegyPcsSimulator } from '../../local/simulators/cinegy-pcs/index.js';
import { OkastSimulator } from '../../local/simulators/okast/index.js';
import type { RecordedRequest, SimServer } from '../../local/simulators/sim-server.js';
import { VdgSenseSimulator } from '../../local/simulators/vdg-sense/index.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { waitUntil } from '../support/wait.js';

/**
 * Slower than the other workflow tests (one clock second is 50 ms): a second job has to be
 * started inside a vendor's pause, which lasts only a few real milliseconds at 250×.
 */
const SPEED = 20;

interface Simulator {
  readonly credentials: Record<string, string>;
  readonly server: SimServer;
  connectionOptions(): Record<string, unknown>;
  start(): Promise<string>;
  close(): Promise<void>;
  createDemoJob(seconds: number): object | Promise<object>;
}

/**
 * Every adapter, through the state machine against its simulator on a compressed clock: a
 * vendor that answers 429 or 503 with Retry-After gets no request — from this job's polls, nor
 * from another job's on the same connection — before the time it asked for, as its own request
 * log (on the same clock) shows; and the watch issue says when that is.
 */
describe('Retry-After, honoured by every adapter', () => {
  const clock = scaledClock(SPEED);
  const simulators: Record<VendorName, Simulator> = {
    'avid-ctms': new AvidCtmsSimulator({ clock }),
    'cinegy-pcs': new CinegyPcsSimulator({ clock, auth: 'basic' }),
    okast: new OkastSimulator({ clock }),
    'vdg-sense': new VdgSenseSimulator({ clock }),
    // jobwatch signs with the wall clock, as the real server checks it.
    admiralcloud: new AdmiralCloudSimulator({ clock, rtsClock: 'real' }),
  };
  let stack: LocalStack;

  beforeAll(async () => {
    const connections: ConnectionInput[] = [];
    for (const [vendor, simulator] of Object.entries(simulators) as [VendorName, Simulator][]) {
      connections.push({
        name: vendor,
        vendor,
        baseUrl: await simulator.start(),
        credentials: simulator.credentials,
        options: simulator.connectionOptions(),
        polling: { minIntervalSeconds: 5, maxIntervalSeconds: 300 },
      });
    }
    stack = await startLocalStack({
      config: { connections: parseConnections(connections, 'test') },
      clock,
      logLevel: 'SILENT',
    });
  }, 30_000);
  afterAll(async () => {
    await stack?.close();
    await Promise.all(Object.values(simulators).map((simulator) => simulator.close()));
  });

  async function watch(connection: string, job: object): Promise<string> {
    const response = await fetch(`${stack.apiUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connection, job }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as PublicJob).jobId;
  }
  const history = async (jobId: string) =>
    (
      (await (await fetch(`${stack.apiUrl}/jobs/${jobId}/history?limit=100`)).json()) as {
        items: PublicJob[];
      }
    ).items;
  const getJob = async (jobId: string) =>
    (await (await fetch(`${stack.apiUrl}/jobs/${jobId}`)).json()) as PublicJob;
  const issueWithRetryAt = async (jobId: string) =>
    (await history(jobId))
      .map((snapshot) => snapshot.watchIssue)
      .find((issue) => issue?.retryAt !== undefined);
  async function stop(jobIds: string[]): Promise<void> {
    for (const jobId of jobIds) {
      await fetch(`${stack.apiUrl}/jobs/${jobId}/cancel`, { method: 'POST' });
      await stack.runner.waitFor(jobId);
    }
  }

  /** The throttled request, and what arrived after it, once a request came after the pause. */
  async function afterThePause(
    server: SimServer,
  ): Promise<{ throttled: RecordedRequest; later: RecordedRequest[] }> {
    await waitUntil(async () => server.requests.some((request) => request.retryAt !== undefined), 20_000);
    const index = server.requests.findIndex((request) => request.retryAt !== undefined);
    const throttled = server.requests[index] as RecordedRequest;
    const retryAt = throttled.retryAt as number;
    await waitUntil(
      async () => server.requests.slice(index + 1).some((request) => request.at >= retryAt),
      20_000,
    );
    return { throttled, later: server.requests.slice(index + 1) };
  }

  describe.each(Object.keys(simulators) as VendorName[])('%s', (vendor) => {
    const simulator = () => simulators[vendor];

    it('sends nothing before a 429 with Retry-After in seconds elapses, for this job or another on the connection', async () => {
      // Prepare
      const first = await watch(vendor, await simulator().createDemoJob(6000));
      await waitUntil(async () => ['QUEUED', 'RUNNING'].includes((await getJob(first)).status), 20_000);

      // Act: the next request is throttled for 30 clock seconds; a second job starts inside the pause.
      simulator().server.inject({ kind: 'retry-after', status: 429, seconds: 30 });
      await waitUntil(async () => (await issueWithRetryAt(first)) !== undefined, 20_000);
      const second = await watch(vendor, await simulator().createDemoJob(6000));
      const { throttled, later } = await afterThePause(simulator().server);

      // Assess
      const retryAt = throttled.retryAt as number;
      expect(later.filter((request) => request.at < retryAt)).toEqual([]);
      const issue = await issueWithRetryAt(first);
      expect(issue?.message).toContain('answered 429');
      expect(issue?.message).toContain('asked to be called again at');
      expect(Date.parse(issue?.retryAt ?? '')).toBeGreaterThanOrEqual(retryAt);
      // The second job's first poll waited too: not sent, and it says until when.
      const secondIssue = await issueWithRetryAt(second);
      expect(secondIssue?.message).toContain('not sent');
      await stop([first, second]);
    }, 60_000);

    it('sends nothing before a 503 with Retry-After as an HTTP-date', async () => {
      // Prepare
      const jobId = await watch(vendor, await simulator().createDemoJob(6000));
      await waitUntil(async () => ['QUEUED', 'RUNNING'].includes((await getJob(jobId)).status), 20_000);
      simulator().server.requests.length = 0;

      // Act
      simulator().server.inject({ kind: 'retry-after', status: 503, seconds: 12, form: 'date' });
      const { throttled, later } = await afterThePause(simulator().server);

      // Assess
      const retryAt = throttled.retryAt as number;
      expect(later.filter((request) => request.at < retryAt)).toEqual([]);
      await waitUntil(async () => (await issueWithRetryAt(jobId)) !== undefined, 20_000);
      expect((await issueWithRetryAt(jobId))?.message).toContain('answered 503');
      await stop([jobId]);
    }, 60_000);
  });
});
