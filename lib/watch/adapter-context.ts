import type { Connection } from '../config/connections.js';
import type { Credentials } from '../config/credentials.js';
import { POLL_VENDOR_BUDGET_MS } from '../config/time-budgets.js';
import type { SecretRegistry } from '../http/secret-registry.js';
import { VendorHttpClient } from '../http/vendor-http-client.js';
import { ConfigurationError, InvalidInputError } from '../jobs/errors.js';
import type { Job, Observation } from '../jobs/job.js';
import { DEFAULT_POLL_BOUNDS } from '../polling/schedule.js';
import type {
  AdapterContext,
  AdapterObservation,
  AnyVendorAdapter,
  WatchedJob,
} from '../vendors/vendor-adapter.js';
import type { ConnectionSession } from './connection-sessions.js';
import type { WatchServices } from './watch-services.js';

export interface AdapterCallOptions {
  /**
   * What all vendor requests of this adapter call may take together, ms (default: one poll's,
   * {@link POLL_VENDOR_BUDGET_MS}); it starts when the context is built. Build one context per call.
   */
  budgetMs?: number;
  /** What the budget is for, as error messages name it (default "poll"). */
  budgetName?: string;
}

/** One call of one connection's adapter about one job: what `poll` and `cancel` are given. */
export interface AdapterCall {
  adapter: AnyVendorAdapter;
  context: AdapterContext;
  job: WatchedJob;
}

/**
 * Everything needed to call one connection's adapter about one job: the adapter, its parsed
 * options, the credentials, what the adapter remembered of the job, the connection's session,
 * and an HTTP client that knows which values to redact and how long the call may spend on the
 * vendor (`lib/config/time-budgets.ts` says why so long and no longer).
 *
 * The client carries the session's {@link SecretRegistry}: the configured secrets, set here, and
 * the derived ones (tokens, sessions, signatures) the adapter adds as it obtains them. Run
 * whatever the adapter returns through {@link secretsOf} before it is stored, logged or answered.
 */
export async function adapterCallFor(
  services: WatchServices,
  connection: Connection,
  job: Job,
  call: AdapterCallOptions = {},
): Promise<AdapterCall> {
  const adapter = services.adapters(connection.vendor);
  const credentials = await services.credentials.get(connection);
  const session = services.sessions.forAdapter(connection, adapter, credentials);
  const context = adapterContext(adapter, {
    connection,
    credentials,
    session,
    state: job.adapterState,
    now: () => services.now(),
    ...call,
  });
  return { adapter, context, job: watchedJob(adapter, job) };
}

export interface AdapterContextParts extends AdapterCallOptions {
  connection: Connection;
  credentials: Credentials;
  session: ConnectionSession;
  /** The job's stored `adapterState`, read with the adapter's `stateSchema`. */
  state: unknown;
  now(): Date;
}

/**
 * The context of one adapter call, from its parts: checks the connection's options and
 * credentials with the adapter's schemas (a {@link ConfigurationError} naming fields, never
 * values), registers the configured secrets, and binds an HTTP client to the connection.
 */
export function adapterContext(adapter: AnyVendorAdapter, parts: AdapterContextParts): AdapterContext {
  const { connection, credentials, session } = parts;
  const options = adapter.optionsSchema.safeParse(connection.options ?? {});
  if (!options.success) {
    throw new ConfigurationError(
      `Connection "${connection.name}" has invalid options: ${options.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  const checked = adapter.credentialsSchema.safeParse(credentials);
  if (!checked.success) {
    // Name the fields, never their values.
    throw new ConfigurationError(
      `Connection "${connection.name}" has unusable credentials: ${checked.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`).join('; ')}`,
    );
  }
  session.secrets.setConfigured(adapter.secretValues?.(credentials) ?? Object.values(credentials));
  const http = new VendorHttpClient({
    vendor: connection.vendor,
    connection: connection.name,
    baseUrl: connection.baseUrl,
    secrets: session.secrets,
    throttle: session.throttle,
    ...(connection.timeoutMs !== undefined ? { timeoutMs: connection.timeoutMs } : {}),
    budget: { name: parts.budgetName ?? 'poll', ms: parts.budgetMs ?? POLL_VENDOR_BUDGET_MS },
    // Retry-After is read on the watch's clock and honoured up to the connection's longest poll interval.
    now: () => parts.now().getTime(),
    maxRetryAfterSeconds: connection.polling?.maxIntervalSeconds ?? DEFAULT_POLL_BOUNDS.maxIntervalSeconds,
  });
  // A state an older version wrote, that this adapter no longer reads, is no state: start afresh.
  const state = parts.state === undefined ? undefined : adapter.stateSchema.safeParse(parts.state);
  return {
    connection,
    options: options.data,
    credentials,
    http,
    now: parts.now,
    state: state?.success ? state.data : undefined,
    memory: session.memory,
  };
}

/**
 * The secrets of a connection, for redacting what its adapter observed (an observation, an error,
 * a cancel outcome) at the boundary where it would become a snapshot, an event, a log line or an
 * answer. Holds the configured values once an adapter context was built for the connection by
 * these services, and every derived secret its adapter registered since.
 *
 * @example const observation = secretsOf(services, connection).redactDeep(await adapter.poll(context, job));
 */
export function secretsOf(services: WatchServices, connection: Connection): SecretRegistry {
  return services.sessions.of(connection).secrets;
}

/**
 * An observation with the connection's secrets redacted from every text the vendor could have put
 * a secret in: the raw status, the message, the error, details and adapterState (stored, though
 * never answered). The status, progress, timestamps and hints are the adapter's own structure.
 *
 * @example const safe = redactObservation(secretsOf(services, connection), observation);
 */
export function redactObservation(secrets: SecretRegistry, observation: AdapterObservation): Observation {
  const redacted: Observation = { ...observation, rawStatus: secrets.redact(observation.rawStatus) };
  if (observation.message !== undefined) redacted.message = secrets.redact(observation.message);
  if (observation.error !== undefined) redacted.error = secrets.redactDeep(observation.error);
  if (observation.details !== undefined) redacted.details = secrets.redactDeep(observation.details);
  if (observation.adapterState !== undefined)
    redacted.adapterState = secrets.redactDeep(observation.adapterState);
  return redacted;
}

/** Parses a caller's reference with the adapter's schema, naming each bad field. */
export function parseReference(adapter: AnyVendorAdapter, reference: unknown): unknown {
  const parsed = adapter.referenceSchema.safeParse(reference);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `job${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`,
    );
    throw new InvalidInputError(`Invalid ${adapter.vendor} job reference: ${issues.join('; ')}`, issues);
  }
  return parsed.data;
}

function watchedJob(adapter: AnyVendorAdapter, job: Job): WatchedJob {
  const { adapterState: _remembered, ...latest } = job;
  return {
    jobId: job.jobId,
    reference: parseReference(adapter, job.reference),
    submittedAt: new Date(job.createdAt),
    latest,
  };
}
