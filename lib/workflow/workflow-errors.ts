import { ParseError } from '@aws-lambda-powertools/parser';
import {
  IdempotencyConflictError,
  InvalidInputError,
  JobNotFoundError,
  JobwatchError,
} from '../jobs/errors.js';
import { CorruptJobItemError, StoreInvariantError } from '../store/store-errors.js';
import {
  CONTINUE_AS_NEW_ERROR,
  type ContinuationRequest,
  JOB_ERROR_NAMES,
  POLL_FAILED_ERROR,
  POLL_INTERVAL_TIERS,
  type PollIntervalTier,
  pollAgainErrorName,
  WATCH_CANNOT_CONTINUE_ERROR,
} from './poll-contract.js';

/**
 * Errors the poll function throws on purpose: their names are how it tells the state machine
 * what to do next (the Retry and Catch rules match them).
 */
export class WorkflowSignal extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** The job ended other than SUCCEEDED: the execution fails with this name and cause. */
export class JobEndedError extends WorkflowSignal {}

/** Continue the watch in a new execution (message: the request as JSON, read by the state machine). */
export class ContinueAsNewError extends WorkflowSignal {
  constructor(request: ContinuationRequest) {
    super(CONTINUE_AS_NEW_ERROR, JSON.stringify(request));
  }
}

/**
 * Thrown by the poll function to ask the state machine for another poll after `delaySeconds`.
 * Its name selects the Retry rule with that interval: this is the poll loop, not a failure.
 */
export class PollAgainError extends JobwatchError {
  readonly delaySeconds: PollIntervalTier;
  constructor(delaySeconds: PollIntervalTier, reason: string) {
    super(`Job still running; next poll in ${delaySeconds} s (${reason})`);
    this.name = pollAgainErrorName(delaySeconds);
    this.delaySeconds = delaySeconds;
  }
}

/**
 * An execution name was used before (by a closed execution, or a running one with other input).
 * Step Functions keeps names unique for 90 days: a watch that needs a new execution needs a new name.
 */
export class ExecutionAlreadyExistsError extends JobwatchError {
  override readonly name = 'ExecutionAlreadyExistsError';
  readonly executionName: string;
  constructor(executionName: string) {
    super(`An execution named ${executionName} already exists`);
    this.executionName = executionName;
  }
}

const SIGNAL_NAMES: ReadonlySet<string> = new Set([
  ...POLL_INTERVAL_TIERS.map(pollAgainErrorName),
  ...Object.values(JOB_ERROR_NAMES),
  CONTINUE_AS_NEW_ERROR,
]);

/**
 * Conditions that retrying cannot change: the execution's input is invalid, the job record is
 * gone or damaged, the reference or connection is refused. Everything else — a configuration
 * or Secrets Manager failure, a throttled table, a bug that may depend on what the vendor sent —
 * is retried for as long as the watch's deadline allows.
 */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof ParseError ||
    error instanceof JobNotFoundError ||
    error instanceof InvalidInputError ||
    error instanceof IdempotencyConflictError ||
    error instanceof CorruptJobItemError ||
    error instanceof StoreInvariantError
  );
}

/**
 * What the state machine should see for an error leaving the poll function. Signals pass as they
 * are; a documented permanent condition stops the watch at once (`WatchCannotContinue`);
 * anything else is renamed `PollFailedUnexpectedly`, which the definition retries per incident.
 * Classification is by class (`instanceof`), never by a class's own name, which minified
 * bundles change. This keeps the Retry rules from matching a job's own ending, which must never
 * be retried.
 */
export function asWorkflowError(error: unknown): Error {
  if (error instanceof Error && SIGNAL_NAMES.has(error.name)) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new WorkflowSignal(isPermanent(error) ? WATCH_CANNOT_CONTINUE_ERROR : POLL_FAILED_ERROR, message);
}
