import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { ExecutionAbortedError, StateMachine } from 'aws-local-stepfunctions';
import { WORKFLOW_STATES } from '../infra/constructs/watch-workflow.js';
import type { ExecutionStatusChange } from '../lib/watch/execution-ended.js';
import type { WorkflowStarter } from '../lib/watch/ports.js';
import { type ExecutionInput, POLL_INTERVAL_TIERS } from '../lib/workflow/poll-contract.js';
import type { Clock } from './clock.js';

/**
 * Invokes a handler as the Lambda service would for Step Functions: a thrown error keeps its name
 * (the `errorType` Retry and Catch match) and its cause becomes the JSON Lambda reports —
 * `{"errorType", "errorMessage", "trace"}` — which the definition parses.
 */
async function asLambda(invoke: () => Promise<unknown>): Promise<never> {
  try {
    return (await invoke()) as never;
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    const reported = new Error(JSON.stringify({ errorType: name, errorMessage: message, trace: [] }));
    reported.name = name;
    throw reported;
  }
}

/** An entry of the local execution's event log (the library does not export its type). */
type EventLog = Awaited<ReturnType<ReturnType<StateMachine['run']>['eventLogs']['next']>>['value'] & {
  type: string;
};

type LambdaLike = (event: never, context: Context) => Promise<unknown>;

export interface LocalWorkflowHandlers {
  poll: LambdaLike;
  recordWatchFailure: LambdaLike;
}

export interface ExecutionOutcome {
  status: 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  output?: unknown;
  error?: string;
  cause?: string;
}

/** One local execution, with what the benchmark and the tests count. */
export interface LocalExecution {
  name: string;
  input: unknown;
  startedAt: number;
  status: 'RUNNING' | ExecutionOutcome['status'];
  /** Billable state transitions: states entered plus retries (Standard bills both). */
  transitions: number;
  /** Invocations of the poll function. */
  polls: number;
  events: EventLog[];
  outcome: Promise<ExecutionOutcome>;
  abort(): void;
}

export interface LocalWorkflowRunnerOptions {
  /** The state machine definition, extracted from the synthesized template. */
  definition: object;
  handlers: LocalWorkflowHandlers;
  clock: Clock;
  /** Stands in for the EventBridge rule on executions that end ABORTED / FAILED / TIMED_OUT. */
  onExecutionEnded?: (change: ExecutionStatusChange) => Promise<void>;
  stateMachineName?: string;
  /** Keep each execution's event log (tests read it; a long benchmark does not need it). */
  keepEventLogs?: boolean;
  /** Told when the execution-ended reaction fails (the stack logs it). */
  onTargetError?: (error: unknown) => void;
  /** Wait states' durations in clock seconds, by state name (definitions with Wait states). */
  waitSeconds?: Record<string, number>;
}

/**
 * Runs the watch state machine locally with aws-local-stepfunctions: the same definition CDK
 * synthesizes, with its Lambda tasks bound to the same handlers in-process. Retry intervals are
 * scaled by the clock, so a 300 s poll interval lasts 300 clock seconds — a fraction of a real
 * second when time is compressed.
 *
 * Execution names are unique, as in Step Functions: starting a name that exists starts nothing.
 */
export class LocalWorkflowRunner implements WorkflowStarter {
  readonly executions = new Map<string, LocalExecution>();
  /** Handler calls still running: aborting an execution does not stop the Lambda it invoked. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly machine: StateMachine;
  private readonly stateMachineArn: string;

  constructor(private readonly options: LocalWorkflowRunnerOptions) {
    this.machine = new StateMachine(options.definition as ConstructorParameters<typeof StateMachine>[0], {
      validationOptions: { checkArn: false, checkPaths: false },
    });
    this.stateMachineArn = `arn:aws:states:local:000000000000:stateMachine:${options.stateMachineName ?? 'jobwatch-watch'}`;
  }

  async start(request: { name: string; input: ExecutionInput }): Promise<{ started: boolean }> {
    if (this.executions.has(request.name)) return { started: false };
    this.run(request.name, request.input);
    return { started: true };
  }

  async stop(name: string, _reason: string): Promise<boolean> {
    const execution = this.executions.get(name);
    if (execution?.status !== 'RUNNING') return false;
    execution.abort();
    return true;
  }

  /** Waits for an execution (by name) to end. */
  async waitFor(name: string): Promise<ExecutionOutcome> {
    const execution = this.executions.get(name);
    if (!execution) throw new Error(`No local execution named ${name}`);
    return execution.outcome;
  }

  /** Every execution of one watch: the first and its continuations (`<jobId>-c<n>`). */
  executionsOf(jobId: string): LocalExecution[] {
    return [...this.executions.values()].filter(
      (execution) => execution.name === jobId || execution.name.startsWith(`${jobId}-c`),
    );
  }

  /** Waits until nothing runs any more. */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.executions.values()].filter((execution) => execution.status === 'RUNNING');
      if (running.length === 0) return;
      await Promise.allSettled(running.map((execution) => execution.outcome));
    }
  }

  /** Aborts everything still running (used when the stack shuts down). */
  abortAll(): void {
    for (const execution of this.executions.values()) if (execution.status === 'RUNNING') execution.abort();
  }

  /**
   * Waits for the handler calls still in flight, as Lambda would let an invocation finish after
   * its execution was stopped: the stack closes the store only after their last write.
   */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(call: Promise<T>): Promise<T> {
    this.inFlight.add(call);
    void call.then(
      () => this.inFlight.delete(call),
      () => this.inFlight.delete(call),
    );
    return call;
  }

  private run(name: string, input: unknown): LocalExecution {
    const { clock } = this.options;
    const msPerSecond = clock.realMsPerSecond;
    const execution: LocalExecution = {
      name,
      input,
      startedAt: clock.now(),
      status: 'RUNNING',
      transitions: 0,
      polls: 0,
      events: [],
      outcome: Promise.resolve({ status: 'SUCCEEDED' }),
      abort: () => undefined,
    };
    // aws-local-stepfunctions checks for an abort only between states: within a state, an abort
    // ends the retry wait early and the task runs again at once. With the poll loop living in the
    // task's Retry, an aborted execution would poll on, hot. Its tasks refuse to run instead;
    // the error's catch-all leads to another state, and there the library sees the abort.
    let aborted = false;
    const refuseIfAborted = () => {
      if (!aborted) return;
      const error = new Error('Execution aborted');
      error.name = 'LocalExecutionAborted';
      throw error;
    };
    const lambdaContext = (functionName: string): Context =>
      ({
        functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
        memoryLimitInMB: '512',
        awsRequestId: randomUUID(),
        logGroupName: `/local/${functionName}`,
        logStreamName: name,
        callbackWaitsForEmptyEventLoop: false,
        getRemainingTimeInMillis: () => 60_000,
        done: () => undefined,
        fail: () => undefined,
        succeed: () => undefined,
      }) as Context;

    const run = this.machine.run(input as never, {
      noThrowOnAbort: false,
      context: {
        Execution: {
          Id: `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
          Name: name,
          StartTime: new Date(clock.now()).toISOString(),
          Input: input,
        },
      } as never,
      overrides: {
        taskResourceLocalHandlers: {
          [WORKFLOW_STATES.poll]: async (payload) => {
            refuseIfAborted();
            execution.polls += 1;
            return this.track(
              asLambda(() => this.options.handlers.poll(payload as never, lambdaContext('poll'))),
            );
          },
          [WORKFLOW_STATES.recordWatchFailure]: async (payload) => {
            refuseIfAborted();
            return this.track(
              asLambda(() =>
                this.options.handlers.recordWatchFailure(
                  payload as never,
                  lambdaContext('record-watch-failure'),
                ),
              ),
            );
          },
          [WORKFLOW_STATES.continueAsNew]: async (payload) =>
            (await this.startExecutionSync(payload as { Name: string; Input: unknown })) as never,
        },
        waitTimeOverrides: Object.fromEntries(
          Object.entries(this.options.waitSeconds ?? {}).map(([state, seconds]) => [
            state,
            seconds * msPerSecond,
          ]),
        ),
        retryIntervalOverrides: {
          // One entry per retrier, in definition order: the poll tiers, Lambda hiccups, then anything else.
          [WORKFLOW_STATES.poll]: [
            ...POLL_INTERVAL_TIERS.map((seconds) => seconds * msPerSecond),
            2 * msPerSecond,
            5 * msPerSecond,
          ],
          [WORKFLOW_STATES.recordWatchFailure]: 2 * msPerSecond,
        },
      },
    });
    execution.abort = () => {
      aborted = true;
      run.abort();
    };
    void this.countTransitions(execution, run.eventLogs);
    execution.outcome = run.result.then(
      (output): ExecutionOutcome => ({ status: 'SUCCEEDED', output }),
      (error: unknown): ExecutionOutcome => {
        if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
        const cause = (error as { cause?: { name?: string; message?: string } }).cause;
        return { status: 'FAILED', error: cause?.name ?? 'Error', cause: cause?.message ?? String(error) };
      },
    );
    void execution.outcome.then(async (outcome) => {
      execution.status = outcome.status;
      if (outcome.status === 'SUCCEEDED' || !this.options.onExecutionEnded) return;
      try {
        await this.options.onExecutionEnded({
          name,
          status: outcome.status,
          input: JSON.stringify(input),
          error: outcome.error ?? null,
          cause: outcome.cause ?? null,
        });
      } catch (error) {
        // As with an EventBridge target, a failing reaction does not touch the execution.
        this.options.onTargetError?.(error);
      }
    });
    this.executions.set(name, execution);
    return execution;
  }

  /**
   * `states:startExecution.sync:2` locally: runs a watch execution as a child and answers as Step
   * Functions does — the child's output as JSON, or a `States.TaskFailed` whose cause is the
   * child's DescribeExecution result (with its `Error` and `Cause`) as a JSON string. Parent
   * workflows in tests bind their nested task to this.
   */
  async startExecutionSync(request: { Name?: string; Input: unknown }): Promise<Record<string, unknown>> {
    const name = request.Name ?? `child-${randomUUID()}`;
    const child = this.executions.get(name) ?? this.run(name, request.Input);
    const outcome = await child.outcome;
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (outcome.status !== 'SUCCEEDED') {
      const error = new Error(
        JSON.stringify({
          ExecutionArn: executionArn,
          Status: outcome.status,
          Error: outcome.error,
          Cause: outcome.cause,
        }),
      );
      error.name = 'States.TaskFailed';
      throw error;
    }
    return { ExecutionArn: executionArn, Status: 'SUCCEEDED', Output: outcome.output };
  }

  private async countTransitions(execution: LocalExecution, events: AsyncGenerator<EventLog>): Promise<void> {
    for await (const event of events) {
      if (this.options.keepEventLogs) execution.events.push(event);
      if (event.type === 'StateEntered' || event.type === 'StateRetried') execution.transitions += 1;
    }
  }
}
