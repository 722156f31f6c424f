import { type Connection, ConnectionSchema } from '../../../lib/config/connections.js';
import { VendorHttpClient } from '../../../lib/http/vendor-http-client.js';
import type { Job, Observation } from '../../../lib/jobs/job.js';
import {
  type AvidCtmsOptions,
  type AvidCtmsReference,
  avidCtmsAdapter,
} from '../../../lib/vendors/avid-ctms/index.js';
import type { AdapterContext, WatchedJob } from '../../../lib/vendors/vendor-adapter.js';
import { type Clock, type ManualClock, manualClock as sharedManualClock } from '../../../local/clock.js';
import {
  AvidCtmsSimulator,
  type AvidCtmsSimulatorOptions,
} from '../../../local/simulators/avid-ctms/index.js';

/** The shared manual clock, starting at this vendor's fixture time. */
export const manualClock = (start = Date.UTC(2024, 4, 1, 9, 0, 0)): ManualClock => sharedManualClock(start);

export interface Harness {
  clock: ManualClock;
  simulator: AvidCtmsSimulator;
  baseUrl: string;
  context: AdapterContext<AvidCtmsOptions>;
  /** A watched job whose `latest.adapterState` follows the observations, as the store would. */
  watch(reference: Record<string, unknown>): Watch;
  /** Requests the simulator received, as "METHOD /path". */
  requestLines(): string[];
  close(): Promise<void>;
}

export interface Watch {
  job: WatchedJob<AvidCtmsReference>;
  poll(): Promise<Observation>;
}

export interface HarnessOptions {
  simulator?: AvidCtmsSimulatorOptions;
  /** Connection options on top of the simulator's own. */
  options?: Record<string, unknown>;
  /** Credentials instead of the simulator's (to test refusals). */
  credentials?: Record<string, string>;
  timeoutMs?: number;
}

/** Starts a simulator and builds the adapter context a poll Lambda would build for it. */
export async function startHarness(setup: HarnessOptions = {}): Promise<Harness> {
  const clock = manualClock();
  const simulator = new AvidCtmsSimulator({ clock, ...setup.simulator });
  const baseUrl = await simulator.start();
  const credentials = setup.credentials ?? simulator.credentials;
  const connection: Connection = ConnectionSchema.parse({
    name: 'test',
    vendor: 'avid-ctms',
    baseUrl,
    credentials,
    options: { ...simulator.connectionOptions(), ...setup.options },
  });
  const http = new VendorHttpClient({
    vendor: 'avid-ctms',
    connection: 'test',
    baseUrl,
    secrets: Object.values(credentials),
    ...(setup.timeoutMs ? { timeoutMs: setup.timeoutMs } : {}),
  });
  const context: AdapterContext<AvidCtmsOptions> = {
    connection,
    options: avidCtmsAdapter.optionsSchema.parse(connection.options),
    credentials,
    http,
    now: () => new Date(clock.now()),
  };
  return {
    clock,
    simulator,
    baseUrl,
    context,
    watch(reference) {
      const job = watchedJob(reference, clock);
      return {
        job,
        async poll() {
          const observation = await avidCtmsAdapter.poll(context, job);
          job.latest = { ...job.latest, adapterState: observation.adapterState ?? job.latest.adapterState };
          return observation;
        },
      };
    },
    requestLines: () => simulator.server.requests.map((request) => `${request.method} ${request.path}`),
    close: () => simulator.close(),
  };
}

function watchedJob(reference: Record<string, unknown>, clock: Clock): WatchedJob<AvidCtmsReference> {
  const at = new Date(clock.now()).toISOString();
  const latest: Job = {
    jobId: 'jw-avid-test',
    connection: 'test',
    vendor: 'avid-ctms',
    reference,
    status: 'QUEUED',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  return {
    jobId: latest.jobId,
    reference: avidCtmsAdapter.referenceSchema.parse(reference),
    submittedAt: new Date(clock.now()),
    latest,
  };
}

/** Runs `action` and returns what it threw (failing the test if it did not throw). */
export async function thrownBy(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`Threw a non-Error: ${String(error)}`);
  }
  throw new Error('Expected the action to throw, but it resolved');
}
