import { z } from 'zod';
import { JobReferenceInputSchema } from '../jobs/watch-request.js';

/**
 * The contract between the state machine and the poll function. The state machine definition
 * (infra/constructs/watch-workflow.ts) and the poll handler both import from here, so the
 * error names the Retry rules match and the fields the Choice state reads cannot drift apart.
 */

/**
 * Poll intervals the state machine can wait, in seconds. The poll function asks for one by
 * throwing an error named `PollIn<seconds>s`; each has its own Retry rule, so "wait, then poll
 * again" costs a single state transition instead of Wait → Task → Choice.
 */
export const POLL_INTERVAL_TIERS = [
  5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 90, 120, 150, 180, 240, 300, 420, 600, 900, 1200, 1800,
] as const;
export type PollIntervalTier = (typeof POLL_INTERVAL_TIERS)[number];

export function pollAgainErrorName(seconds: PollIntervalTier): string {
  return `PollIn${seconds}s`;
}

/** Step Functions caps MaxAttempts at 99999999; the loop ends by the job ending, not by this. */
export const MAX_POLL_ATTEMPTS = 99_999_999;

/**
 * History events one poll adds in a Standard execution when the Task's Retry is the loop
 * (TaskScheduled, TaskStarted, TaskFailed). Used to continue as a new execution long before
 * the 25,000-event limit.
 */
export const HISTORY_EVENTS_PER_POLL = 3;
export const DEFAULT_MAX_HISTORY_EVENTS = 20_000;

/**
 * Transient trouble is retried this many times within one visit of the Poll state (the visit's
 * budget: Step Functions counts a retrier's attempts across the visit) before the Catch pauses
 * for {@link TROUBLE_PAUSE_SECONDS} and enters Poll afresh.
 */
export const TRANSIENT_RETRY_MAX_ATTEMPTS = 4;
/** The pause before a fresh Poll visit once a visit's transient retries are spent. */
export const TROUBLE_PAUSE_SECONDS = 60;
/** Events a Poll visit adds besides its attempts: state entered/exited, the pause's entered/exited. */
const EVENTS_PER_VISIT = 4;

/**
 * An upper bound on the history events an execution has used by the current attempt of the
 * Poll state, from the context object (`$$.State.RetryCount`, `$$.State.EnteredTime`).
 *
 * The current visit is counted exactly: RetryCount counts every retry of the state in this
 * visit, whichever retrier took it, and each attempt is one Lambda invocation's three events.
 * Earlier visits (each ended by spent transient retries, then the pause) are gone from the
 * context, and no state can carry their count: the Catch that ends a visit does not see
 * RetryCount, and the errors that end one are Lambda's own. They are bounded by the time they
 * took instead: no poll comes sooner than the smallest tier, and each visit adds at most its
 * transient retries (jittered, so any time apart) and its own few events, with a pause of
 * {@link TROUBLE_PAUSE_SECONDS} after it. That bound is generous — after trouble a long watch
 * continues at its next poll — but trouble is rare, and a continuation is cheap.
 *
 * @example historyEventsUsed({ executionStart: '…T00:00:00Z', visitEntered: '…T00:00:00Z', retryCount: 9 }) // 30
 */
export function historyEventsUsed(facts: {
  executionStart: string;
  visitEntered: string;
  retryCount: number;
}): number {
  const thisVisit = (facts.retryCount + 1) * HISTORY_EVENTS_PER_POLL + EVENTS_PER_VISIT;
  const earlierSeconds = Math.max(
    0,
    (Date.parse(facts.visitEntered) - Date.parse(facts.executionStart)) / 1000,
  );
  if (!(earlierSeconds > 0)) return thisVisit;
  const earlierPolls = earlierSeconds / POLL_INTERVAL_TIERS[0] + 1;
  const earlierVisits = earlierSeconds / TROUBLE_PAUSE_SECONDS;
  const perVisit = TRANSIENT_RETRY_MAX_ATTEMPTS * HISTORY_EVENTS_PER_POLL + EVENTS_PER_VISIT;
  return thisVisit + earlierPolls * HISTORY_EVENTS_PER_POLL + earlierVisits * perVisit;
}

/** The error names an execution (and a task-token caller) fails with when the job did not succeed. */
export const JOB_ERROR_NAMES = {
  FAILED: 'JobFailed',
  CANCELLED: 'JobCancelled',
  LOST: 'JobLost',
  TIMED_OUT: 'JobTimedOut',
} as const;
export const WATCH_FAILED_ERROR = 'WatchFailed';

/** Thrown (with the next execution's name and input as JSON message) to continue as a new execution. */
export const CONTINUE_AS_NEW_ERROR = 'ContinueAsNewExecution';
/**
 * Trouble inside the poll function that is not the vendor's (a throttled table, a Secrets Manager
 * blip, services that could not be built): retried with back-off per incident, never ending the watch.
 */
export const POLL_FAILED_ERROR = 'PollFailedUnexpectedly';
/**
 * The watch cannot go on and retrying would meet the same state (its job record is gone or
 * corrupt, its input or reference is invalid, its connection no longer exists): recorded at once.
 */
export const WATCH_CANNOT_CONTINUE_ERROR = 'WatchCannotContinue';

/**
 * Errors the Lambda service itself raises for an invocation, which Step Functions reports under
 * these names: throttles, service trouble, and an invocation that timed out. Retried per incident.
 */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.Unknown',
  'Sandbox.Timedout',
] as const;

/**
 * Errors starting a continuation that a later attempt may not meet (Step Functions names a failed
 * optimized-integration call `StepFunctions.<Exception>`): throttles, the open-executions quota,
 * service trouble.
 */
export const START_EXECUTION_TRANSIENT_ERRORS = [
  'StepFunctions.ExecutionLimitExceededException',
  'StepFunctions.ThrottlingException',
  'StepFunctions.SdkClientException',
  'StepFunctions.AWSStepFunctionsException',
  'StepFunctions.ServiceUnavailableException',
] as const;

/** The root of a watch attempt's execution names: `<jobId>` or `<jobId>-r<n>`, continuations add `-c<k>`. */
export function continuationName(currentExecutionName: string, continuation: number): string {
  const root = currentExecutionName.replace(/-c\d+$/, '');
  return `${root}-c${continuation}`;
}

/** The execution name at the end of an execution ARN (`arn:…:execution:<machine>:<name>`). */
export function executionNameOf(executionArn: string): string {
  return executionArn.slice(executionArn.lastIndexOf(':') + 1);
}

/**
 * What an execution is started with. Either `jobId` (the API created the job first) or
 * `connection` + `job` (a parent state machine or an event asks directly; the first poll creates
 * the job, idempotently).
 */
export const ExecutionInputSchema = z.looseObject({
  jobId: z.string().optional(),
  connection: z.string().optional(),
  job: JobReferenceInputSchema.optional(),
  deadline: z.string().optional(),
  idempotencyKey: z.string().optional(),
  callback: z.object({ taskToken: z.string().min(1) }).nullish(),
  /** 0 for the first execution of a watch; n for its n-th continuation. */
  continuation: z.number().int().nonnegative().default(0),
  isContinuation: z.boolean().optional(),
  /** Tests lower this to force continuations. */
  maxHistoryEvents: z.number().int().positive().optional(),
});
export type ExecutionInput = z.infer<typeof ExecutionInputSchema>;

/** The poll task's payload: the execution input plus facts from the context object. */
export const PollEventSchema = z.object({
  input: ExecutionInputSchema,
  execution: z.object({ id: z.string(), startTime: z.string() }),
  /**
   * The Poll state's visit (`$$.State.RetryCount`, `$$.State.EnteredTime`): what bounds the
   * history used. Absent from executions that started with an older definition.
   */
  state: z.object({ retryCount: z.number().int().nonnegative(), enteredTime: z.string() }).optional(),
  /**
   * Set by the root execution's AwaitWatchResult state (`$$.Task.Token`): register this token
   * as a waiter of the job — answered at once if the job has ended — instead of polling.
   */
  awaitResult: z.object({ taskToken: z.string().min(1) }).optional(),
});
export type PollEvent = z.infer<typeof PollEventSchema>;

/**
 * How a poll ends, as the state machine sees it:
 * - it returns the final snapshot when the job SUCCEEDED (the Poll state is the end state, so a
 *   successful watch costs exactly one transition per poll);
 * - it throws `PollIn<n>s` to poll again, `JobFailed` / `JobCancelled` / `JobLost` /
 *   `JobTimedOut` (message: the cause) when the job ended otherwise, or `ContinueAsNewExecution`
 *   (message: `ContinuationRequest` as JSON) before the history limit.
 */
export type PollResult = Record<string, unknown>;

export interface ContinuationRequest {
  name: string;
  input: Record<string, unknown>;
}

/** The payload of the state that records a watch that broke down (Catch of the poll task). */
export const WatchFailureEventSchema = z.object({
  input: ExecutionInputSchema,
  failure: z.object({ Error: z.string(), Cause: z.string().nullish() }),
});
export type WatchFailureEvent = z.infer<typeof WatchFailureEventSchema>;
