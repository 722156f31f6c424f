/**
 * The errors of jobwatch. Each class keeps apart one kind of trouble, because each kind has a
 * different outcome: a transport failure is retried, an auth failure is reported to the operator,
 * a protocol error means the vendor sent something we cannot read — none of them is a job failure.
 */

export interface JobwatchErrorOptions {
  cause?: unknown;
}

/**
 * The base of jobwatch's errors. Every subclass names itself with a string literal: deployed
 * bundles are minified, so a class's own name (`new.target.name`) is not stable there, and these
 * names are read by the workflow's error classification and shown to operators.
 */
export class JobwatchError extends Error {
  override name = 'JobwatchError';
  /** Whether doing the same thing again later may succeed. */
  readonly retryable: boolean = false;
}

/** What a vendor call failed on, kept for the error's reader (never headers or credentials). */
export interface VendorCallContext {
  vendor?: string;
  connection?: string;
  /** Method and URL without its query string: queries may carry credentials. */
  request?: string;
  statusCode?: number;
  /** The start of the response body, for diagnosis. */
  bodyExcerpt?: string;
  /** The vendor's Retry-After, when it sent one. */
  retryAfterSeconds?: number;
}

abstract class VendorCallError extends JobwatchError {
  override name = 'VendorCallError';
  readonly context: VendorCallContext;
  constructor(message: string, context: VendorCallContext = {}, options?: JobwatchErrorOptions) {
    super(message, options);
    this.context = context;
  }
}

/** The vendor could not be reached or answered 5xx/429/timeout: try again later. */
export class VendorTransportError extends VendorCallError {
  override name = 'VendorTransportError';
  override readonly retryable = true;
}

/** The vendor refused our credentials (401/403, bad signature, expired token). Not a job state. */
export class VendorAuthError extends VendorCallError {
  override name = 'VendorAuthError';
  override readonly retryable = true;
}

/** The vendor answered, but with something we cannot read (bad JSON/XML, wrong shape, too large). */
export class VendorProtocolError extends VendorCallError {
  override name = 'VendorProtocolError';
  override readonly retryable = true;
}

/** The vendor says the job does not exist (404/410, invalid id). Adapters map this to LOST. */
export class JobNotFoundAtVendorError extends VendorCallError {
  override name = 'JobNotFoundAtVendorError';
}

/** A caller sent input we will not act on. `issues` lists what is wrong, field by field. */
export class InvalidInputError extends JobwatchError {
  override name = 'InvalidInputError';
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[] = [], options?: JobwatchErrorOptions) {
    super(message, options);
    this.issues = issues;
  }
}

/** A caller named a connection the operator has not configured. */
export class UnknownConnectionError extends InvalidInputError {
  override name = 'UnknownConnectionError';
  readonly connection: string;
  constructor(connection: string) {
    super(`Unknown connection "${connection}": connections are defined by the operator's configuration`);
    this.connection = connection;
  }
}

/** A job id that jobwatch does not know. */
export class JobNotFoundError extends JobwatchError {
  override name = 'JobNotFoundError';
  readonly jobId: string;
  constructor(jobId: string) {
    super(`Job ${jobId} not found`);
    this.jobId = jobId;
  }
}

/** The same idempotency key was reused for a different request. */
export class IdempotencyConflictError extends JobwatchError {
  override name = 'IdempotencyConflictError';
}

/** The operator's configuration is missing or wrong (environment, config file, connection). */
export class ConfigurationError extends JobwatchError {
  override name = 'ConfigurationError';
}

/** Two writers raced for the same job version and this one kept losing. Retryable. */
export class ConcurrentUpdateError extends JobwatchError {
  override name = 'ConcurrentUpdateError';
  override readonly retryable = true;
}

/** Classifies any thrown value for logs and snapshots without leaking a stack trace. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
