import type { VendorName } from '../../lib/jobs/job.js';
import type { SimServer } from './sim-server.js';

/**
 * The one shape of every vendor simulator. Each is an independent oracle written from the vendor's
 * documents and recorded payloads — it imports nothing from `lib/vendors`, so an adapter's bug is
 * never also the simulator's — and each folder holds the same parts:
 *
 * - `state.ts` — the vendor's jobs and what they do over time (timelines on the shared clock);
 * - `routes.ts` — which request gets which answer: the endpoints, auth checks, errors;
 * - `wire-format.ts` — how the vendor writes things: its JSON or XML, dates, ids, quirks;
 * - `simulator.ts` — the class below: lifecycle and the controls tests and the demo drive;
 * - `index.ts` — exports the simulator and the types its controls take.
 *
 * Faults (status codes, hangs, resets, truncation, throttling) and the request log are the
 * shared {@link SimServer}'s, the same for every vendor.
 */
export interface VendorSimulator<Quirks = Record<string, unknown>, DemoJob = Record<string, unknown>> {
  readonly vendor: VendorName;
  /** The HTTP side: faults to inject, requests it received. */
  readonly server: SimServer;
  /** The credentials a connection to this simulator needs (generated per instance). */
  readonly credentials: Record<string, string>;
  /** Starts on a loopback port; resolves to the base URL a connection uses. */
  start(): Promise<string>;
  close(): Promise<void>;
  /** The connection `options` an operator would configure for this simulator. */
  connectionOptions(): Record<string, unknown>;
  /** Switches documented vendor variations on or off (date formats, field spellings, paging...). */
  setQuirks(quirks: Quirks): void;
  /** A job that succeeds after `durationSeconds` on the simulator's clock; its job reference. */
  createDemoJob(durationSeconds: number): DemoJob | Promise<DemoJob>;
}
