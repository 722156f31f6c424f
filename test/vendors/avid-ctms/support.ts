import { avidCtmsAdapter } from '../../../lib/vendors/avid-ctms/avid-ctms-adapter.js';
import type { AvidCtmsContext, AvidCtmsMemory } from '../../../lib/vendors/avid-ctms/avid-ctms-client.js';
import type {
  AvidCtmsObservation,
  AvidCtmsState,
} from '../../../lib/vendors/avid-ctms/avid-ctms-observation.js';
import type { AvidCtmsOptions } from '../../../lib/vendors/avid-ctms/avid-ctms-options.js';
import type { AvidCtmsReference } from '../../../lib/vendors/avid-ctms/avid-ctms-reference.js';
import type { CancelOutcome, WatchedJob } from '../../../lib/vendors/vendor-adapter.js';
import type { ConnectionSessions } from '../../../lib/watch/connection-sessions.js';
import { type ManualClock, manualClock as sharedManualClock } from '../../../local/clock.js';
import {
  AvidCtmsSimulator,
  type AvidCtmsSimulatorOptions,
} from '../../../local/simulators/avid-ctms/index.js';
import { testContextFor } from '../../support/adapter-context.js';
import { WatchedJobHarness } from '../../support/watched-job.js';

export { errorOf as thrownBy } from '../../support/watched-job.js';

/** The shared manual clock, starting at this vendor's fixture time. */
export const manualClock = (start = Date.UTC(2024, 4, 1, 9, 0, 0)): ManualClock => sharedManualClock(start);

export interface HarnessOptions {
  simulator?: AvidCtmsSimulatorOptions;
  /** Connection options on top of the simulator's own. */
  options?: Record<string, unknown>;
  /** Credentials instead of the simulator's (to test refusals). */
  credentials?: Record<string, string>;
  timeoutMs?: number;
}

export interface ContextOverrides {
  credentials?: Record<string, string>;
  /** Another connection name: another session, so another memory. */
  connection?: string;
  sessions?: ConnectionSessions;
}

let harnesses = 0;

/**
 * A simulator and the connection a poll Lambda would have for it. Every adapter call gets a
 * context of its own, as in production; the contexts of one harness share the connection's
 * memory (its token) like one warm container, and no two harnesses share one.
 */
export class Harness {
  readonly clock: ManualClock = manualClock();
  readonly simulator: AvidCtmsSimulator;
  readonly connection = `avid-test-${++harnesses}`;
  baseUrl = '';

  constructor(private readonly setup: HarnessOptions = {}) {
    this.simulator = new AvidCtmsSimulator({ clock: this.clock, ...setup.simulator });
  }

  /** The context of one adapter call on this connection. */
  context(overrides: ContextOverrides = {}): AvidCtmsContext {
    return testContextFor(avidCtmsAdapter, {
      baseUrl: this.baseUrl,
      credentials: overrides.credentials ?? this.setup.credentials ?? this.simulator.credentials,
      options: { ...this.simulator.connectionOptions(), ...this.setup.options },
      now: () => new Date(this.clock.now()),
      timeoutMs: this.setup.timeoutMs ?? 10_000,
      connection: overrides.connection ?? this.connection,
      ...(overrides.sessions ? { sessions: overrides.sessions } : {}),
    });
  }

  /** A watched job whose state follows the observations, as the store would keep it. */
  watch(reference: Record<string, unknown>): Watch {
    return new Watch(this, reference);
  }

  /** Requests the simulator received, as "METHOD /path". */
  requestLines(): string[] {
    return this.simulator.server.requests.map((request) => `${request.method} ${request.path}`);
  }

  close(): Promise<void> {
    return this.simulator.close();
  }
}

/** One watched command, polled and cancelled through fresh contexts of its harness. */
export class Watch {
  readonly tracked: WatchedJobHarness<AvidCtmsReference, AvidCtmsOptions, AvidCtmsState, AvidCtmsMemory>;

  constructor(
    private readonly harness: Harness,
    reference: Record<string, unknown>,
  ) {
    this.tracked = new WatchedJobHarness(avidCtmsAdapter, reference, {
      jobId: 'jw-avid-test',
      submittedAt: new Date(harness.clock.now()),
    });
  }

  get job(): WatchedJob<AvidCtmsReference> {
    return this.tracked.job;
  }

  /** What the adapter remembered, as the next poll reads it. */
  get state(): AvidCtmsState | undefined {
    return this.tracked.state;
  }

  poll(context: AvidCtmsContext = this.harness.context()): Promise<AvidCtmsObservation> {
    return this.tracked.poll(context);
  }

  cancel(context: AvidCtmsContext = this.harness.context()): Promise<CancelOutcome> {
    return this.tracked.cancel(context);
  }
}

/** Starts a simulator and the harness around it. */
export async function startHarness(setup: HarnessOptions = {}): Promise<Harness> {
  const harness = new Harness(setup);
  harness.baseUrl = await harness.simulator.start();
  return harness;
}

/** A command resource as CTMS would write it, with `command` fields and top-level extras. */
export function commandBody(
  id: unknown,
  command: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    command: { id, type: 'aa:set-thumb-command', ...command },
    version: '1.0',
    ...extra,
  });
}

export const ON_COMMANDS = { pathIncludes: '/apis/mam/commands/' };
export const TOKEN_PATH = '/auth/sso/login/oauth2/client-credentials/default';
export const ROPC_PATH = '/auth/sso/login/oauth2/ropc/default';
