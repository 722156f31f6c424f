import type { ExecutionInput } from './poll-contract.js';

/** What Step Functions says of one execution; `undefined` from `describe` when none has that name. */
export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

/**
 * Starts and inspects a watch's state machine executions, with Step Functions' naming rules:
 * starting the name of a *running* execution with the *same input* answers `started: false`
 * (that execution goes on); the name of a closed execution, or of a running one with another
 * input, throws `ExecutionAlreadyExistsError` — a name is never reused.
 */
export interface WorkflowStarter {
  start(request: { name: string; input: ExecutionInput }): Promise<{ started: boolean }>;
  /** Stops every running execution of a watch; false when none was running. */
  stop?(name: string, reason: string): Promise<boolean>;
  /** The status of the execution with this name, or undefined when there is none. */
  describe?(name: string): Promise<ExecutionStatus | undefined>;
}

/** Resumes a caller that handed us a Step Functions task token. */
export interface CallbackNotifier {
  succeed(taskToken: string, output: unknown): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}
