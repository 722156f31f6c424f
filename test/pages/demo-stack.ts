import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { parseConnections } from '../../lib/config/connection-registry.js';
import type { PublicJob } from '../../lib/jobs/job.js';
import { type Clock, scaledClock } from '../../local/clock.js';
import { createDemoVendors, type DemoVendor, startDemoVendors } from '../../local/demo.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';

/** Debian's package; CHROMIUM_PATH points elsewhere (another distribution, a local build). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A headless Chromium, or an error that says how to get one: these tests must run in CI, so a
 * missing browser fails them rather than skipping them.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The dashboard tests need Chromium at ${CHROMIUM_PATH} and it is not there: ` +
        'install it (`apt-get install -y chromium`, as .ci/run does) or set CHROMIUM_PATH',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}

export interface DemoStack {
  stack: LocalStack;
  vendors: DemoVendor[];
  clock: Clock;
  /** The demo jobs, one per vendor, in vendor order. */
  jobs: PublicJob[];
  /** Starts one more job on a vendor's simulator (`reference` from that simulator). */
  watch(connection: string, reference: Record<string, unknown>): Promise<PublicJob>;
  api<T>(path: string, init?: RequestInit): Promise<T>;
  close(): Promise<void>;
}

/**
 * What `npm start` runs: one simulator per vendor, the local stack, and a demo job on each, on
 * a compressed clock (`speed` clock seconds per real second).
 */
export async function startDemoStack(options: { speed: number; jobSeconds: number }): Promise<DemoStack> {
  const clock = scaledClock(options.speed);
  const vendors = createDemoVendors(clock);
  const connections = parseConnections(await startDemoVendors(vendors), 'demo connections');
  // Bundled, as `npm start` runs them: their Date follows the stack's clock, which the demo
  // simulators' signature checks (AdmiralCloud's rts) expect.
  const stack = await startLocalStack({
    config: { connections },
    clock,
    logLevel: 'SILENT',
    functions: 'bundled',
  });
  const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${stack.apiUrl}${path}`, init);
    if (!response.ok)
      throw new Error(`${init?.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const watch = (connection: string, reference: Record<string, unknown>) =>
    api<PublicJob>('/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connection, job: reference }),
    });
  const jobs: PublicJob[] = [];
  for (const { connection, simulator } of vendors) {
    jobs.push(await watch(connection, await simulator.createDemoJob(options.jobSeconds)));
  }
  return {
    stack,
    vendors,
    clock,
    jobs,
    watch,
    api,
    close: async () => {
      await stack.close();
      await Promise.allSettled(vendors.map(({ simulator }) => simulator.close()));
    },
  };
}
