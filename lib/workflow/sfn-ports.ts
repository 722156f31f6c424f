import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ExecutionInput } from './poll-contract.js';
import { ExecutionAlreadyExistsError } from './workflow-errors.js';
import type { CallbackNotifier, ExecutionStatus, WorkflowStarter } from './workflow-ports.js';

/** SendTaskFailure caps `cause` at 32,768 characters and `error` at 256. */
const MAX_CAUSE = 32_768;
const MAX_ERROR = 256;

/** Starts watch executions on the deployed state machine. */
export class SfnWorkflowStarter implements WorkflowStarter {
  constructor(
    private readonly stateMachineArn: string,
    private readonly client: SFNClient = new SFNClient({}),
  ) {}

  async start(request: { name: string; input: ExecutionInput }): Promise<{ started: boolean }> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: request.name,
          input: JSON.stringify(request.input),
        }),
      );
      // Also the answer for the name of a running execution with the same input: that one goes on.
      return { started: true };
    } catch (error) {
      // The name belongs to a closed execution, or to a running one with other input: names are
      // never reused, so the caller must choose another (a new watch attempt).
      if (error instanceof ExecutionAlreadyExists) throw new ExecutionAlreadyExistsError(request.name);
      throw error;
    }
  }

  async describe(name: string): Promise<ExecutionStatus | undefined> {
    try {
      const described = await this.client.send(
        new DescribeExecutionCommand({ executionArn: this.executionArn(name) }),
      );
      return described.status;
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    }
  }

  private executionArn(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  /**
   * Stops one execution by name. Continuations start fire and forget, so stopping the root
   * stops only the root: the execution-ended reaction records it as a cancel, and the current
   * continuation ends at its next poll, which finds the job final.
   */
  async stop(name: string, reason: string): Promise<boolean> {
    try {
      await this.client.send(
        new StopExecutionCommand({
          executionArn: this.executionArn(name),
          cause: reason.slice(0, MAX_CAUSE),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return false;
      throw error;
    }
  }
}

/** Resumes `.waitForTaskToken` callers. */
export class SfnCallbackNotifier implements CallbackNotifier {
  constructor(private readonly client: SFNClient = new SFNClient({})) {}

  async succeed(taskToken: string, output: unknown): Promise<void> {
    await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }

  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    await this.client.send(
      new SendTaskFailureCommand({
        taskToken,
        error: error.slice(0, MAX_ERROR),
        cause: cause.slice(0, MAX_CAUSE),
      }),
    );
  }
}
