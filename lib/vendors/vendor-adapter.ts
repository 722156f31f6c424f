import type { z } from 'zod';
import type { Connection } from '../config/connections.js';
import type { Credentials } from '../config/credentials.js';
import type { VendorHttpClient } from '../http/vendor-http-client.js';
import type { Job, Observation, VendorName } from '../jobs/job.js';

/** What an adapter remembers of one job between polls: plain JSON, stored with the snapshot. */
export type AdapterState = Record<string, unknown>;

/** An observation whose `adapterState` is the adapter's own typed state. */
export type AdapterObservation<State extends AdapterState = AdapterState> = Omit<
  Observation,
  'adapterState'
> & {
  /** The whole state to remember for the next poll; absent keeps the previous one. */
  adapterState?: State | undefined;
};

/** Everything an adapter may use to talk to one configured vendor system about one job. */
export interface AdapterContext<
  Options = unknown,
  State extends AdapterState = AdapterState,
  Memory = unknown,
> {
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
  /**
   * What this adapter remembered of the job at its previous poll, read with its `stateSchema`;
   * undefined at the first poll (and for a stored state the schema no longer reads).
   */
  state: State | undefined;
  /**
   * The adapter's memory of this connection in this process (tokens, sessions, a listing shared
   * by the jobs of one poll round), made by `createMemory` and owned by the connection's session.
   */
  memory: Memory;
}

/** One watched job, as the adapter needs to see it. */
export interface WatchedJob<Reference = unknown> {
  jobId: string;
  /** The caller's reference, already parsed by the adapter's schema. */
  reference: Reference;
  /** When the watch started: Okast has no job id and matches entries by time. */
  submittedAt: Date;
  /** The latest snapshot; what the adapter remembered of it is `AdapterContext.state`. */
  latest: Omit<Job, 'adapterState'>;
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
export interface VendorAdapter<
  Reference = unknown,
  Options = unknown,
  State extends AdapterState = AdapterState,
  Memory = undefined,
> {
  readonly vendor: VendorName;
  /** Validates the caller's reference. Strict: unknown fields are refused. */
  readonly referenceSchema: z.ZodType<Reference>;
  /** Validates the connection's `options`. */
  readonly optionsSchema: z.ZodType<Options>;
  /** Validates the connection's credentials; secrets never leave the adapter. */
  readonly credentialsSchema: z.ZodType<unknown>;
  /**
   * Reads what the adapter remembered of a job (`adapterState`). A stored state it refuses —
   * written by an older version — is read as none, so the adapter starts that job afresh.
   */
  readonly stateSchema: z.ZodType<State>;
  /**
   * A fresh memory for one connection, kept between calls in one process by the connection's
   * session and started afresh when the connection's configuration or credentials change.
   * Absent when the adapter keeps nothing between calls.
   */
  createMemory?(): Memory;
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
  poll(
    context: AdapterContext<Options, State, Memory>,
    job: WatchedJob<Reference>,
  ): Promise<AdapterObservation<State>>;
  /** Asks the vendor to cancel the job. Absent when the vendor has no way to. */
  cancel?(
    context: AdapterContext<Options, State, Memory>,
    job: WatchedJob<Reference>,
  ): Promise<CancelOutcome>;
}

/** An adapter whose type parameters are no longer known to the caller. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds adapters of every reference type.
export type AnyVendorAdapter = VendorAdapter<any, any, any, any>;
