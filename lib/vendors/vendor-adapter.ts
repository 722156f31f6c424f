import type { z } from 'zod';
import type { Connection } from '../config/connections.js';
import type { VendorHttpClient } from '../http/vendor-http-client.js';
import type { Job, Observation, VendorName } from '../jobs/job.js';

/** Credentials as the operator stored them: a flat map of strings. */
export type Credentials = Readonly<Record<string, string>>;

/** Everything an adapter may use to talk to one configured vendor system. */
export interface AdapterContext<Options = unknown> {
  connection: Connection;
  /** The connection's `options`, parsed by the adapter's own schema. */
  options: Options;
  credentials: Credentials;
  /**
   * Bound to the connection: base-URL guard, timeouts, size limit, secret redaction — and one
   * time budget shared by every request of this call (a poll, a cancel): once it is spent,
   * further requests fail at once with a VendorTransportError, so ask for the least first.
   */
  http: VendorHttpClient;
  now(): Date;
}

/** One watched job, as the adapter needs to see it. */
export interface WatchedJob<Reference = unknown> {
  jobId: string;
  /** The caller's reference, already parsed by the adapter's schema. */
  reference: Reference;
  /** When the watch started: Okast has no job id and matches entries by time. */
  submittedAt: Date;
  /** The latest snapshot, including `adapterState` from the previous poll. */
  latest: Job;
}

export interface CancelOutcome {
  /** True when the vendor accepted the cancellation. */
  cancelled: boolean;
  /** What the vendor said, or why it could not be asked. */
  message: string;
}

/**
 * The one interface every vendor adapter implements.
 *
 * An adapter turns the caller's job reference into vendor requests and the vendor's answer into
 * an {@link Observation}. It throws the typed errors of `lib/jobs/errors.ts` for transport, auth
 * and protocol trouble — and never reports those as a job state. A job the vendor no longer
 * knows is an observation with status LOST, not an exception.
 */
export interface VendorAdapter<Reference = unknown, Options = unknown> {
  readonly vendor: VendorName;
  /** Validates the caller's reference. Strict: unknown fields are refused. */
  readonly referenceSchema: z.ZodType<Reference>;
  /** Validates the connection's `options`. */
  readonly optionsSchema: z.ZodType<Options>;
  /** Validates the connection's credentials; secrets never leave the adapter. */
  readonly credentialsSchema: z.ZodType<unknown>;
  /**
   * The credential values that must never appear in a message (default: every value). Adapters
   * whose credentials mix secrets with plain words (`scheme: 'basic'`, a header name) narrow it,
   * and may add derived secrets such as a Basic token.
   */
  secretValues?(credentials: Credentials): string[];
  /**
   * Checks a parsed reference against the connection it will be watched on (e.g. a URL in it must
   * be under the connection's base URL), so a bad watch is refused when it starts rather than at
   * every poll. Throws InvalidInputError.
   */
  checkReference?(reference: Reference, connection: Connection): void;
  /** Reads the vendor's status of one job. */
  poll(context: AdapterContext<Options>, job: WatchedJob<Reference>): Promise<Observation>;
  /** Asks the vendor to cancel the job. Absent when the vendor has no way to. */
  cancel?(context: AdapterContext<Options>, job: WatchedJob<Reference>): Promise<CancelOutcome>;
}

/** An adapter whose type parameters are no longer known to the caller. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds adapters of every reference type.
export type AnyVendorAdapter = VendorAdapter<any, any>;
