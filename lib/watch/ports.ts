import type { Logger } from '@aws-lambda-powertools/logger';
import type { ConnectionRegistry } from '../config/connection-registry.js';
import type { Connection } from '../config/connections.js';
import type { EventPublisher } from '../events/job-events.js';
import type { VendorName } from '../jobs/job.js';
import type { JobStore } from '../store/job-store.js';
import type { AnyVendorAdapter, Credentials } from '../vendors/vendor-adapter.js';
import type { ExecutionInput } from '../workflow/poll-contract.js';

export { ExecutionAlreadyExistsError } from '../workflow/workflow-errors.js';

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
 * input, throws {@link ExecutionAlreadyExistsError} — a name is never reused.
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

/** Fetches a connection's credentials: inline locally, Secrets Manager when deployed. */
export interface CredentialsProvider {
  get(connection: Connection): Promise<Credentials>;
}

export type AdapterLookup = (vendor: VendorName) => AnyVendorAdapter;

/** Everything the watch use cases need, built once per Lambda container or per local stack. */
export interface WatchServices {
  store: JobStore;
  connections: ConnectionRegistry;
  adapters: AdapterLookup;
  credentials: CredentialsProvider;
  events: EventPublisher;
  workflows: WorkflowStarter;
  callbacks: CallbackNotifier;
  logger: Logger;
  now(): Date;
  random?: () => number;
}
