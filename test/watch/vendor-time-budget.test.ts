import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { PublicJob } from '../../lib/jobs/job.js';
import type { VendorAdapter } from '../../lib/vendors/vendor-adapter.js';
import { scaledClock } from '../../local/clock.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { waitUntil } from '../support/wait.js';

// The real budgets are 45 s a poll and 20 s an API call; the same arithmetic, a thousandth of the wait.
vi.mock('../../lib/config/time-budgets.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../lib/config/time-budgets.js')>()),
  POLL_VENDOR_BUDGET_MS: 1_000,
  API_VENDOR_BUDGET_MS: 1_500,
}));

/**
 * A vendor that answers every request after 400 ms (each well within the connection's 10 s
 * timeout), and never answers anything under /hang/.
 */
class SlowVendor {
  readonly requests: string[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.requests.push(`${request.method} ${request.url}`);
      if (request.url?.startsWith('/hang/')) {
        this.hanging.add(response);
        return;
      }
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 400);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/**
 * An adapter that needs five requests per poll (think token, list, status, details, log) and a
 * status read before each cancel. Each poll numbers its requests so the test can tell them apart.
 */
let polls = 0;
const fiveRequestAdapter: VendorAdapter<{ id: string }, Record<string, unknown>> = {
  vendor: 'cinegy-pcs',
  referenceSchema: z.object({ id: z.string() }).strict(),
  optionsSchema: z.record(z.string(), z.unknown()),
  credentialsSchema: z.record(z.string(), z.string()),
  stateSchema: z.object({}),
  async poll(context, job) {
    polls += 1;
    for (let step = 0; step < 5; step += 1) {
      await context.http.request({ url: `jobs/${job.reference.id}/poll-${polls}/step-${step}` });
    }
    return { status: 'RUNNING', rawStatus: 'running' };
  },
  async cancel(context, job) {
    await context.http.request({ url: `jobs/${job.reference.id}/cancel/status` });
    await context.http.request({ method: 'DELETE', url: `jobs/${job.reference.id}/cancel/job` });
    return { cancelled: true, message: 'cancelled' };
  },
};

describe('a vendor call’s time budget, end to end on the local stack', () => {
  let vendor: SlowVendor;
  let stack: LocalStack;

  beforeAll(async () => {
    vendor = new SlowVendor();
    const baseUrl = await vendor.start();
    stack = await startLocalStack({
      logLevel: 'SILENT',
      clock: scaledClock(250),
      adapters: () => fiveRequestAdapter as never,
      config: {
        connections: [
          {
            name: 'slow',
            vendor: 'cinegy-pcs',
            baseUrl,
            credentials: { key: 'k' },
            options: {},
            timeoutMs: 10_000,
          },
          {
            name: 'hanging',
            vendor: 'cinegy-pcs',
            baseUrl: `${baseUrl}hang/`,
            credentials: { key: 'k' },
            options: {},
            timeoutMs: 10_000,
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await vendor?.close();
  });

  const api = async <T>(path: string, init?: RequestInit) => {
    const response = await fetch(`${stack.apiUrl}${path}`, init);
    return { status: response.status, body: (await response.json()) as T };
  };
  const watch = (connection: string, id: string) =>
    api<PublicJob>('/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connection, job: { id } }),
    });

  it('ends a poll whose requests are each slow within the poll budget, as a transport watch issue', async () => {
    const { body: started } = await watch('slow', 'p1');

    await waitUntil(
      async () => (await api<PublicJob>(`/jobs/${started.jobId}`)).body.watchIssue?.kind === 'transport',
    );
    const { body: job } = await api<PublicJob>(`/jobs/${started.jobId}`);

    // Five requests of 400 ms need 2 s; the poll had 1 s: watch trouble, polled again, no verdict.
    expect(job.watchIssue?.message).toMatch(/poll time budget of 1 s spent after [23] requests/);
    expect(job.status).toBe('UNKNOWN');
    expect(job.watch?.state).toBe('WATCHING');
    // No poll sent a request once its budget was gone: the fourth would start at 1.2 s at the earliest.
    const polled = vendor.requests.filter((request) => request.includes('/jobs/p1/'));
    expect(polled.length).toBeGreaterThan(0);
    expect(polled.filter((request) => /step-[34]$/.test(request))).toEqual([]);
  }, 30_000);

  it('answers a cancel against a hanging vendor within the API budget and still records it', async () => {
    const { body: started } = await watch('hanging', 'c1');

    const cancel = await api<{ job: PublicJob; vendorCancelled: boolean; message: string }>(
      `/jobs/${started.jobId}/cancel`,
      { method: 'POST' },
    );

    // Without the budget the status read would wait out the connection's 10 s timeout.
    expect(cancel.status).toBe(200);
    expect(cancel.body.vendorCancelled).toBe(false);
    expect(cancel.body.message).toMatch(
      /^Asking cinegy-pcs to cancel failed: GET .*cancel\/status failed: no answer within the \d+ ms left; cancel time budget of 1\.5 s spent after 1 request; jobwatch stopped watching it$/,
    );
    expect(cancel.body.job.status).toBe('CANCELLED');
    expect(cancel.body.job.watch).toMatchObject({ state: 'STOPPED' });
    const { body: stored } = await api<PublicJob>(`/jobs/${started.jobId}`);
    expect(stored.status).toBe('CANCELLED');
    // The cancel itself was never sent: the status read spent the whole budget.
    expect(vendor.requests.filter((request) => request.includes('/cancel/'))).toEqual([
      'GET /hang/jobs/c1/cancel/status',
    ]);
  }, 30_000);
});
