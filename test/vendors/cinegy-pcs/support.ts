import { readFileSync } from 'node:fs';
import { ObservationSchema } from '../../../lib/jobs/job.js';
import { cinegyPcsAdapter } from '../../../lib/vendors/cinegy-pcs/cinegy-pcs-adapter.js';
import {
  type CinegyObservation,
  type CinegyPcsState,
  taskToObservation,
} from '../../../lib/vendors/cinegy-pcs/cinegy-pcs-observation.js';
import type { CinegyPcsOptions } from '../../../lib/vendors/cinegy-pcs/cinegy-pcs-options.js';
import type { CinegyPcsReference } from '../../../lib/vendors/cinegy-pcs/cinegy-pcs-reference.js';
import { readTask } from '../../../lib/vendors/cinegy-pcs/cinegy-pcs-schema.js';
import type { ConnectionSessions } from '../../../lib/watch/connection-sessions.js';
import { type ManualClock, manualClock } from '../../../local/clock.js';
import {
  CinegyPcsSimulator,
  type CinegyPcsSimulatorOptions,
} from '../../../local/simulators/cinegy-pcs/index.js';
import { testContextFor } from '../../support/adapter-context.js';
import { WatchedJobHarness } from '../../support/watched-job.js';

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixture(name));
}

/**
 * The seed's list example elides items with a line holding only `...`; without that line the
 * rest is the vendor's JSON as published.
 */
export function seedTaskList(): { items: unknown[]; totalCount: number; start: number; limit: number } {
  const text = fixture('seed-tasks-list.txt')
    .split('\n')
    .filter((line) => line.trim() !== '...')
    .join('\n');
  return JSON.parse(text);
}

/** A task payload read and turned into an observation, checked against the job model. */
export function observe(value: unknown, timeZone?: string): CinegyObservation {
  const task = readTask(value);
  if (!task) throw new Error('fixture is not a task');
  const observation = taskToObservation(task, timeZone);
  ObservationSchema.parse(observation);
  return observation;
}

export type CinegyContext = ReturnType<typeof cinegyContext>;

export interface ContextSettings {
  credentials?: Record<string, string>;
  options?: Record<string, unknown>;
  timeoutMs?: number;
  connection?: string;
  sessions?: ConnectionSessions;
}

/** An adapter context built the production way, on the test's clock. */
export function cinegyContext(baseUrl: string, clock: ManualClock, settings: ContextSettings = {}) {
  return testContextFor(cinegyPcsAdapter, { baseUrl, now: () => new Date(clock.now()), ...settings });
}

/** A watched task whose state travels between polls as the poller keeps it. */
export class WatchedTask extends WatchedJobHarness<CinegyPcsReference, CinegyPcsOptions, CinegyPcsState> {
  constructor(reference: unknown, submittedAt: Date) {
    super(cinegyPcsAdapter, reference, { submittedAt });
  }
}

const running: CinegyPcsSimulator[] = [];

/** Closes every simulator {@link startSimulator} started; for `afterEach`. */
export async function closeSimulators(): Promise<void> {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
}

/**
 * A simulator on a manual clock (27 July 2023, the seed's day) and a context for it.
 * `baseUrlOf` rewrites the URL the simulator serves (e.g. to its host root).
 */
export async function startSimulator(
  options: Omit<CinegyPcsSimulatorOptions, 'clock'> = {},
  connectionOptions: Record<string, unknown> = {},
  baseUrlOf: (url: string) => string = (url) => url,
) {
  const clock = manualClock(Date.UTC(2023, 6, 27, 10, 0, 0));
  const simulator = new CinegyPcsSimulator({ clock, ...options });
  running.push(simulator);
  const baseUrl = baseUrlOf(await simulator.start());
  const context = cinegyContext(baseUrl, clock, {
    credentials: simulator.credentials,
    options: { ...simulator.connectionOptions(), ...connectionOptions },
  });
  const watch = (reference: unknown) => new WatchedTask(reference, new Date(clock.now()));
  const paths = () => simulator.server.requests.map((request) => request.path);
  return { clock, simulator, baseUrl, context, watch, paths };
}

/** The simulator's URL without its `pcs/v1/` REST root: the host root. */
export const hostRoot = (url: string) => url.replace(/pcs\/v1\/$/, '');

export { errorOf } from '../../support/watched-job.js';
