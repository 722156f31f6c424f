import { readFileSync } from 'node:fs';
import { VendorHttpClient } from '../../../lib/http/vendor-http-client.js';
import {
  type AdmiralCloudOptions,
  type AdmiralCloudReference,
  admiralcloudAdapter,
} from '../../../lib/vendors/admiralcloud/index.js';
import type { AdapterContext } from '../../../lib/vendors/vendor-adapter.js';
import { type Clock, type ManualClock, manualClock as sharedManualClock } from '../../../local/clock.js';
import {
  AdmiralCloudSimulator,
  type AdmiralCloudSimulatorOptions,
} from '../../../local/simulators/admiralcloud/index.js';
import { WatchedJobHarness } from '../../support/watched-job.js';

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export function jsonFixture(name: string): unknown {
  return JSON.parse(fixture(name));
}

/** The shared manual clock, starting at this vendor's fixture time. */
export const manualClock = (start = Date.UTC(2024, 5, 3, 9, 0, 0)): ManualClock => sharedManualClock(start);

export function contextFor(
  baseUrl: string,
  credentials: Record<string, string>,
  options: Record<string, unknown>,
  clock: Clock,
  maxBytes?: number,
): AdapterContext<AdmiralCloudOptions> {
  return {
    connection: { name: 'test', vendor: 'admiralcloud', baseUrl, credentials, options },
    options: admiralcloudAdapter.optionsSchema.parse(options),
    credentials: admiralcloudAdapter.credentialsSchema.parse(credentials) as Record<string, string>,
    http: new VendorHttpClient({
      vendor: 'admiralcloud',
      connection: 'test',
      baseUrl,
      secrets: Object.values(credentials),
      timeoutMs: 2000,
      maxBytes,
    }),
    now: () => new Date(clock.now()),
  };
}

/**
 * Starts a simulator on a manual clock and builds an adapter context for it; `running` collects
 * simulators for the test file's afterEach to close.
 */
export async function startSimulator(
  running: AdmiralCloudSimulator[],
  setup: {
    simulator?: Omit<AdmiralCloudSimulatorOptions, 'clock'>;
    connectionOptions?: Record<string, unknown>;
    credentialOverrides?: Record<string, string>;
    /** Appended to the simulator's root: the base URL an operator might configure. */
    basePath?: string;
    /** Configure what the simulator's quirks call for (false: leave jobwatch to find out). */
    tellQuirks?: boolean;
  } = {},
) {
  const clock = manualClock();
  const simulator = new AdmiralCloudSimulator({ ...setup.simulator, clock });
  running.push(simulator);
  const baseUrl = `${await simulator.start()}${setup.basePath ?? ''}`;
  const credentials = { ...simulator.credentials, ...setup.credentialOverrides };
  const options = {
    ...(setup.tellQuirks === false ? {} : simulator.connectionOptions()),
    ...setup.connectionOptions,
  };
  const context = contextFor(baseUrl, credentials, options, clock);
  return { clock, simulator, baseUrl, context, credentials };
}

/** A watched job whose `latest` carries the previous poll's adapter state, as the core keeps it. */
export class WatchedAdmiralCloudJob extends WatchedJobHarness<AdmiralCloudReference, AdmiralCloudOptions> {
  constructor(reference: unknown) {
    super(admiralcloudAdapter, reference, { submittedAt: new Date(Date.UTC(2024, 5, 3, 9, 0, 0)) });
  }
}

export { errorOf as rejection } from '../../support/watched-job.js';
