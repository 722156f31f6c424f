import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { CallbackNotifier, WorkflowStarter } from '../watch/ports.js';
import type { ExecutionInput } from './poll-contract.js';

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
      return { started: true };
    } catch (error) {
      // Same name, different input (e.g. another caller's task token): the watch already runs.
      if (error instanceof ExecutionAlreadyExists) return { started: false };
      throw error;
    }
  }

  /**
   * Stops the watch's root execution. Its continuations run as `.sync` children, which Step
   * Functions stops together with their parent.
   */
  async stop(name: string, reason: string): Promise<boolean> {
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    try {
      await this.client.send(new StopExecutionCommand({ executionArn, cause: reason.slice(0, MAX_CAUSE) }));
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
