import type { PollingSettings } from '../../lib/config/connections.js';
import type { PublicJob } from '../../lib/jobs/job.js';
import { type Clock, scaledClock } from '../../local/clock.js';
import { AvidCtmsSimulator } from '../../local/simulators/avid-ctms/index.js';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack.js';

/** Clock seconds per real second in workflow tests: a 5 s poll interval lasts 20 ms. */
export const TEST_SPEED = 250;

export interface AvidStack {
  stack: LocalStack;
  simulator: AvidCtmsSimulator;
  clock: Clock;
  /** POST /jobs over HTTP; returns the status code and body. */
  watch(
    job: Record<string, unknown>,
    extra?: Record<string, unknown>,
  ): Promise<{ status: number; body: PublicJob }>;
  api<T = unknown>(path: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }>;
  /** Every snapshot of a job over GET /jobs/{id}/history, following `next` across pages. */
  history(jobId: string): Promise<PublicJob[]>;
  close(): Promise<void>;
}

/**
 * The whole local stack with an Avid CTMS simulator behind connection `avid`, on a compressed
 * clock. Everything talks over real loopback HTTP.
 */
export async function startAvidStack(
  options: Partial<LocalStackOptions> & { speed?: number; polling?: PollingSettings } = {},
): Promise<AvidStack> {
  const clock = scaledClock(options.speed ?? TEST_SPEED);
  const simulator = new AvidCtmsSimulator({ clock });
  const baseUrl = await simulator.start();
  const stack = await startLocalStack({
    keepEventLogs: true,
    logLevel: 'SILENT',
    ...options,
    clock,
    config: options.config ?? {
      connections: [
        {
          name: 'avid',
          vendor: 'avid-ctms',
          baseUrl,
          credentials: simulator.credentials,
          options: simulator.connectionOptions(),
          ...(options.polling ? { polling: options.polling } : {}),
        },
      ],
    },
  });
  const api = async <T>(path: string, init?: RequestInit) => {
    const response = await fetch(`${stack.apiUrl}${path}`, init);
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      headers: response.headers,
    };
  };
  const history = async (jobId: string) => {
    const snapshots: PublicJob[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
      const { body } = await api<{ items: PublicJob[]; next?: string }>(`/jobs/${jobId}/history?${query}`);
      snapshots.push(...body.items);
      cursor = body.next;
    } while (cursor);
    return snapshots;
  };
  return {
    stack,
    simulator,
    clock,
    api,
    history,
    watch: (job, extra = {}) =>
      api<PublicJob>('/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ connection: 'avid', job, ...extra }),
      }),
    close: async () => {
      await stack.close();
      await simulator.close();
    },
  };
}
