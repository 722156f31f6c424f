import { readFileSync } from 'node:fs';
import { admiralcloudAdapter } from '../../../lib/vendors/admiralcloud/admiralcloud-adapter.js';
import type { AdmiralCloudState } from '../../../lib/vendors/admiralcloud/admiralcloud-observation.js';
import type { AdmiralCloudOptions } from '../../../lib/vendors/admiralcloud/admiralcloud-options.js';
import type { AdmiralCloudReference } from '../../../lib/vendors/admiralcloud/admiralcloud-reference.js';
import type { AdapterContext } from '../../../lib/vendors/vendor-adapter.js';
import type { ConnectionSessions } from '../../../lib/watch/connection-sessions.js';
import { type Clock, type ManualClock, manualClock as sharedManualClock } from '../../../local/clock.js';
import {
  AdmiralCloudSimulator,
  type AdmiralCloudSimulatorOptions,
} from '../../../local/simulators/admiralcloud/index.js';
import { testContextFor } from '../../support/adapter-context.js';
import { WatchedJobHarness } from '../../support/watched-job.js';

export type AdmiralCloudContext = AdapterContext<AdmiralCloudOptions, AdmiralCloudState, undefined>;

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export function jsonFixture(name: string): unknown {
  return JSON.parse(fixture(name));
}

/** The shared manual clock, starting at this vendor's fixture time. */
export const manualClock = (start = Date.UTC(2024, 5, 3, 9, 0, 0)): ManualClock => sharedManualClock(start);

/**
 * A context built the way the poller builds one. Each gets a connection of its own unless one is
 * named: pass the same `connection` (and `sessions`) to see what a warm container keeps.
 */
export function contextFor(
  baseUrl: string,
  credentials: Record<string, string>,
  options: Record<string, unknown>,
  clock: Clock,
  shared: { connection?: string; sessions?: ConnectionSessions } = {},
): AdmiralCloudContext {
  return testContextFor(admiralcloudAdapter, {
    baseUrl,
    credentials,
    options,
    now: () => new Date(clock.now()),
    ...shared,
  });
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
    /** Configure what the simulator's quirks call for (false: leave the options at their defaults). */
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

/** A watched job whose state is stored between polls as the core keeps it (a JSON round trip). */
export class WatchedAdmiralCloudJob extends WatchedJobHarness<
  AdmiralCloudReference,
  AdmiralCloudOptions,
  AdmiralCloudState
> {
  constructor(reference: unknown) {
    super(admiralcloudAdapter, reference, { submittedAt: new Date(Date.UTC(2024, 5, 3, 9, 0, 0)) });
  }
}

export { errorOf as rejection } from '../../support/watched-job.js';
