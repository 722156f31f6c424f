import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Context } from 'aws-lambda';
import { ExecutionAbortedError, StateMachine } from 'aws-local-stepfunctions';
import { WORKFLOW_STATES } from '../infra/constructs/watch-workflow.js';
import type { ExecutionStatusChange } from '../lib/watch/execution-ended.js';
import type { ExecutionInput } from '../lib/workflow/poll-contract.js';
import { ExecutionAlreadyExistsError } from '../lib/workflow/workflow-errors.js';
import type { ExecutionStatus, WorkflowStarter } from '../lib/workflow/workflow-ports.js';
import type { Clock } from './clock.js';
import type { CallbackOutcome, LocalCallbacks } from './local-callbacks.js';

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
  /** What DescribeExecution adds once it ended: Output (JSON text), or Error and Cause. */
  described?: { Output?: string; Error?: string; Cause?: string };
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
  keepEventLogs?: boolean | undefined;
  /** Issues the task tokens `.waitForTaskToken` tasks wait on (the stack's callbacks). */
  callbacks?: Pick<LocalCallbacks, 'issue'> | undefined;
  /** Told when the execution-ended reaction fails (the stack logs it). */
  onTargetError?: (error: unknown) => void;
  /** Wait states' durations in clock seconds, by state name (default: each Wait state's own Seconds). */
  waitSeconds?: Record<string, number> | undefined;
  /**
   * Fault injection: called before each task runs; an error returned fails that attempt as the
   * service would (e.g. `Lambda.TooManyRequestsException` for a throttled invoke) without
   * calling the handler.
   */
  injectFault?: ((state: string, execution: LocalExecution) => Error | undefined) | undefined;
}

/**
 * A failed intrinsic function (`States.StringToJson` on text that is not JSON) is States.Runtime
 * in Step Functions: no Retry or Catch handles it and the execution fails. aws-local-stepfunctions
 * lets the SyntaxError from its JSON.parse be caught like any task error, which hid a definition
 * whose Catch parsed a cause that was not JSON. It reads these two flags off the error; the
 * handlers' own errors never reach it as SyntaxErrors (asLambda rewraps them).
 */
Object.defineProperties(SyntaxError.prototype, {
  isCatchable: { value: false, configurable: true },
  isRetryable: { value: false, configurable: true },
});

/** Step Functions' limit on a state's input or output, and on an execution's input. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/**
 * An error Step Functions raises itself that no Retry or Catch can handle (States.Runtime,
 * States.DataLimitExceeded): the execution fails. aws-local-stepfunctions reads these two flags.
 */
function uncatchable(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, isRetryable: false, isCatchable: false });
}

function assertPayloadSize(what: string, value: unknown): void {
  const bytes = Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw uncatchable(
      'States.DataLimitExceeded',
      `${what} is ${bytes} bytes, over Step Functions' ${MAX_PAYLOAD_BYTES}-byte limit`,
    );
  }
}

/** Execution names as Step Functions (with CloudWatch logging) takes them. */
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

type Retrier = { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number };
type Definition = {
  States: Record<string, { Type: string; Seconds?: number; Retry?: Retrier[] }>;
};

/**
 * One state's visit as Step Functions' context object describes it (`$$.State.RetryCount`,
 * `$$.State.EnteredTime`), which aws-local-stepfunctions does not provide. A visit begins when
 * the state's parameters are first evaluated; each attempt that ends with an error a retrier
 * still takes (the same rule, per visit, as the library's) keeps it open, and RetryCount
 * counts those retries whichever retrier took them; success or an error no retrier takes ends
 * it, so the next entry (after a Catch led back) starts at 0 again, as in AWS.
 */
class StateVisit {
  private attempts = 0;
  private enteredAt = 0;
  private open = false;
  private readonly retried: number[];

  constructor(
    private readonly retriers: readonly Retrier[],
    private readonly now: () => number,
  ) {
    this.retried = retriers.map(() => 0);
  }

  /** The fields of `$$.State` while this state runs, read when its parameters are evaluated. */
  contextFields(name: string): object {
    const visit = this;
    return {
      Name: name,
      get RetryCount() {
        visit.begin();
        return visit.attempts;
      },
      get EnteredTime() {
        visit.begin();
        return new Date(visit.enteredAt).toISOString();
      },
    };
  }

  /** One attempt ended: successfully (`errorName` undefined) or with that error. */
  attemptEnded(errorName?: string): void {
    this.begin();
    this.attempts += 1;
    const index =
      errorName === undefined
        ? -1
        : this.retriers.findIndex((retrier) =>
            retrier.ErrorEquals.some(
              (name) => name === errorName || name === 'States.ALL' || name === 'States.TaskFailed',
            ),
          );
    const retrier = this.retriers[index];
    if (!retrier || (this.retried[index] ?? 0) >= (retrier.MaxAttempts ?? 3)) {
      this.open = false;
      return;
    }
    this.retried[index] = (this.retried[index] ?? 0) + 1;
  }

  private begin(): void {
    if (this.open) return;
    this.open = true;
    this.attempts = 0;
    this.retried.fill(0);
    this.enteredAt = this.now();
  }
}

/** The longest a Node timer waits (2^31 - 1 ms), in whole seconds. */
const LONGEST_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * A Task without TimeoutSeconds waits as long as its execution may run on AWS; the library
 * times it out after 60 s instead, which would fail a root waiting for its watch's result.
 * Such tasks get the longest wait a Node timer allows (about 24 days) instead.
 */
function withoutTaskTimeouts(definition: object): object {
  const copy = structuredClone(definition) as Definition;
  for (const state of Object.values(copy.States)) {
    const task = state as { Type: string; TimeoutSeconds?: number; TimeoutSecondsPath?: string };
    if (task.Type === 'Task' && task.TimeoutSeconds === undefined && task.TimeoutSecondsPath === undefined)
      task.TimeoutSeconds = LONGEST_TIMER_SECONDS;
  }
  return copy;
}

/**
 * aws-local-stepfunctions stamps `$$.Execution.StartTime` with the wall clock, whatever the
 * context says; the poll function compares it with the runner's clock (scaled or manual), so
 * the Poll payload gets the clock's start instead.
 */
function withStartTime(payload: unknown, startTime: string): unknown {
  const event = payload as { execution?: { startTime?: unknown } };
  if (typeof event?.execution?.startTime !== 'string') return payload;
  return { ...event, execution: { ...event.execution, startTime } };
}

/** Each Task's retriers' intervals, scaled by the clock, in definition order (as the library takes them). */
function retryIntervals(definition: Definition, msPerSecond: number): Record<string, number[]> {
  const intervals: Record<string, number[]> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Retry)
      intervals[name] = state.Retry.map((retrier) => (retrier.IntervalSeconds ?? 1) * msPerSecond);
  }
  return intervals;
}

function waitDurations(definition: Definition, overrides: Record<string, number>, msPerSecond: number) {
  const durations: Record<string, number> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Wait' && typeof state.Seconds === 'number')
      durations[name] = state.Seconds * msPerSecond;
  }
  for (const [name, seconds] of Object.entries(overrides)) durations[name] = seconds * msPerSecond;
  return durations;
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
    this.machine = new StateMachine(
      withoutTaskTimeouts(options.definition) as ConstructorParameters<typeof StateMachine>[0],
      {
        validationOptions: { checkArn: false, checkPaths: false },
      },
    );
    this.stateMachineArn = `arn:aws:states:local:000000000000:stateMachine:${options.stateMachineName ?? 'jobwatch-watch'}`;
  }

  /**
   * StartExecution's naming rules: the name of a running execution with the same input answers
   * that execution (`started: false`); any other reuse of a name fails ExecutionAlreadyExists.
   */
  async start(request: { name: string; input: ExecutionInput }): Promise<{ started: boolean }> {
    return { started: this.startOrReuse(request.name, request.input).started };
  }

  async describe(name: string): Promise<ExecutionStatus | undefined> {
    return this.executions.get(name)?.status;
  }

  private startOrReuse(name: string, input: unknown): { execution: LocalExecution; started: boolean } {
    if (!EXECUTION_NAME.test(name)) {
      throw Object.assign(new Error(`Invalid execution name: ${name}`), { name: 'InvalidName' });
    }
    assertPayloadSize('The execution input', input);
    const existing = this.executions.get(name);
    if (existing) {
      if (existing.status === 'RUNNING' && isDeepStrictEqual(existing.input, input)) {
        return { execution: existing, started: false };
      }
      throw new ExecutionAlreadyExistsError(name);
    }
    return { execution: this.run(name, structuredClone(input)), started: true };
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

  /** Every execution of one watch: each attempt (`<jobId>`, `<jobId>-r<n>`) and its continuations (`-c<k>`). */
  executionsOf(jobId: string): LocalExecution[] {
    return [...this.executions.values()].filter(
      (execution) => execution.name === jobId || execution.name.startsWith(`${jobId}-`),
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

  /**
   * One task attempt as the service runs it: an injected fault fails it before the function
   * runs, the payload and the result must fit Step Functions' limit, and the handler's error
   * reaches the definition as Lambda reports it.
   */
  private async invokeTask(
    state: string,
    execution: LocalExecution,
    payload: unknown,
    invoke: () => Promise<unknown>,
  ): Promise<never> {
    const fault = this.options.injectFault?.(state, execution);
    if (fault) throw fault;
    assertPayloadSize(`The input of state ${state}`, payload);
    const result = await this.track(asLambda(invoke));
    assertPayloadSize(`The output of state ${state}`, result);
    return result;
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

    const callbacks = this.options.callbacks;
    const tokens = new Map<string, Promise<CallbackOutcome>>();
    // A stopped execution's waiting task ends with it (the library would wait on).
    let stopWaiting: (error: Error) => void = () => undefined;
    const abortedWait = new Promise<never>((_, reject) => {
      stopWaiting = reject;
    });
    abortedWait.catch(() => undefined);
    const definition = this.options.definition as Definition;
    const pollVisit = new StateVisit(definition.States[WORKFLOW_STATES.poll]?.Retry ?? [], () => clock.now());
    const startTime = new Date(clock.now()).toISOString();
    const run = this.machine.run(input as never, {
      noThrowOnAbort: false,
      context: {
        Execution: {
          Id: `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
          Name: name,
          StartTime: startTime,
          Input: input,
        },
        // Only the Poll state reads `$$.State`.
        State: pollVisit.contextFields(WORKFLOW_STATES.poll),
        // A fresh token each time a task's parameters read it, as Step Functions issues one per
        // task; answered through the stack's callbacks (SendTaskSuccess / SendTaskFailure).
        Task: {
          get Token() {
            if (!callbacks) throw new Error('A .waitForTaskToken task needs the runner’s callbacks option');
            const { taskToken, outcome } = callbacks.issue();
            tokens.set(taskToken, outcome);
            return taskToken;
          },
        },
      } as never,
      overrides: {
        taskResourceLocalHandlers: {
          [WORKFLOW_STATES.poll]: async (evaluated) => {
            refuseIfAborted();
            execution.polls += 1;
            const payload = withStartTime(evaluated, startTime);
            try {
              const result = await this.invokeTask(WORKFLOW_STATES.poll, execution, payload, () =>
                this.options.handlers.poll(payload as never, lambdaContext('poll')),
              );
              pollVisit.attemptEnded();
              return result;
            } catch (error) {
              pollVisit.attemptEnded(error instanceof Error ? error.name : 'Error');
              throw error;
            }
          },
          [WORKFLOW_STATES.recordWatchFailure]: async (payload) => {
            refuseIfAborted();
            return this.invokeTask(WORKFLOW_STATES.recordWatchFailure, execution, payload, () =>
              this.options.handlers.recordWatchFailure(
                payload as never,
                lambdaContext('record-watch-failure'),
              ),
            );
          },
          [WORKFLOW_STATES.continueAsNew]: async (payload) => {
            refuseIfAborted();
            const fault = this.options.injectFault?.(WORKFLOW_STATES.continueAsNew, execution);
            if (fault) throw fault;
            return this.startExecution(payload as { Name: string; Input: unknown }) as never;
          },
          [WORKFLOW_STATES.awaitWatchResult]: async (parameters) => {
            refuseIfAborted();
            const payload = (parameters as { Payload?: unknown }).Payload;
            const token = (payload as { awaitResult?: { taskToken?: string } })?.awaitResult?.taskToken;
            const answer = token === undefined ? undefined : tokens.get(token);
            if (!answer) throw new Error('AwaitWatchResult ran without a task token of this runner');
            // The invocation first (its errors are the task's, as Lambda reports them), then the wait.
            await this.invokeTask(WORKFLOW_STATES.awaitWatchResult, execution, payload, () =>
              this.options.handlers.poll(withStartTime(payload, startTime) as never, lambdaContext('poll')),
            );
            const outcome = await Promise.race([answer, abortedWait]);
            if (outcome.status === 'SUCCEEDED') return outcome.output as never;
            // SendTaskFailure: the task fails with the error and cause it was sent.
            throw Object.assign(new Error(outcome.cause), { name: outcome.error });
          },
        },
        waitTimeOverrides: waitDurations(
          this.options.definition as Definition,
          this.options.waitSeconds ?? {},
          msPerSecond,
        ),
        // Every retrier's interval on the clock. The library then waits exactly that long on
        // each attempt (no back-off, no jitter): kinder than AWS only in timing, never in counts.
        retryIntervalOverrides: retryIntervals(this.options.definition as Definition, msPerSecond),
      },
    });
    execution.abort = () => {
      aborted = true;
      stopWaiting(Object.assign(new Error('Execution aborted'), { name: 'LocalExecutionAborted' }));
      run.abort();
    };
    void this.countTransitions(execution, run.eventLogs);
    execution.outcome = run.result.then(
      (output): ExecutionOutcome => ({ status: 'SUCCEEDED', output }),
      (error: unknown): ExecutionOutcome => {
        if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
        const cause = (error as { cause?: { name?: string; message?: string } }).cause;
        const name = cause instanceof SyntaxError ? 'States.Runtime' : (cause?.name ?? 'Error');
        return { status: 'FAILED', error: name, cause: cause?.message ?? String(error) };
      },
    );
    void execution.outcome.then((outcome) => this.recordEnding(execution, input, outcome));
    this.executions.set(name, execution);
    return execution;
  }

  /**
   * Keeps the execution's ending for DescribeExecution and, for one that did not succeed, tells
   * the execution-ended reaction (the deployed app's EventBridge rule).
   */
  private async recordEnding(
    execution: LocalExecution,
    input: unknown,
    outcome: ExecutionOutcome,
  ): Promise<void> {
    execution.status = outcome.status;
    execution.described = describedOutcome(outcome);
    if (outcome.status === 'SUCCEEDED' || !this.options.onExecutionEnded) return;
    try {
      await this.options.onExecutionEnded({
        name: execution.name,
        status: outcome.status,
        input: JSON.stringify(input),
        error: outcome.error ?? null,
        cause: outcome.cause ?? null,
      });
    } catch (error) {
      // As with an EventBridge target, a failing reaction does not touch the execution.
      this.options.onTargetError?.(error);
    }
  }

  /**
   * `states:startExecution.sync:2` locally: runs a watch execution as a child and answers as Step
   * Functions does — the child's output as JSON, or a `States.TaskFailed` whose cause is the
   * child's DescribeExecution result (with its `Error` and `Cause`) as a JSON string. Parent
   * workflows in tests bind their nested task to this.
   */
  async startExecutionSync(request: { Name?: string; Input: unknown }): Promise<Record<string, unknown>> {
    const name = request.Name ?? `child-${randomUUID()}`;
    let child: LocalExecution;
    try {
      ({ execution: child } = this.startOrReuse(name, request.Input));
    } catch (error) {
      // How the optimized integration names a StartExecution that failed.
      if (error instanceof ExecutionAlreadyExistsError) {
        throw Object.assign(new Error(error.message), {
          name: 'StepFunctions.ExecutionAlreadyExistsException',
        });
      }
      throw error;
    }
    const outcome = await child.outcome;
    const executionArn = this.executionArn(name);
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

  /**
   * `states:startExecution` (fire and forget) as the optimized integration answers it: the new
   * execution's ARN and start date; a name already used fails
   * `StepFunctions.ExecutionAlreadyExistsException` — except a running execution's with the
   * same input, which answers as that start.
   */
  startExecution(request: { Name?: string; Input: unknown }): Record<string, unknown> {
    const name = request.Name ?? `child-${randomUUID()}`;
    let started: LocalExecution;
    try {
      ({ execution: started } = this.startOrReuse(name, request.Input));
    } catch (error) {
      if (error instanceof ExecutionAlreadyExistsError) {
        throw Object.assign(new Error(error.message), {
          name: 'StepFunctions.ExecutionAlreadyExistsException',
        });
      }
      throw error;
    }
    return { ExecutionArn: this.executionArn(name), StartDate: new Date(started.startedAt).toISOString() };
  }

  /** DescribeExecution as the AWS SDK integration answers it: Output is JSON text, Error/Cause only when it failed. */
  describeExecution(executionArn: string): Record<string, unknown> {
    const name = executionArn.slice(executionArn.lastIndexOf(':') + 1);
    const execution = this.executions.get(name);
    if (!execution) {
      throw Object.assign(new Error(`Execution Does Not Exist: '${executionArn}'`), {
        name: 'Sfn.ExecutionDoesNotExistException',
      });
    }
    return {
      ExecutionArn: executionArn,
      Name: name,
      Status: execution.status,
      Input: JSON.stringify(execution.input),
      ...execution.described,
    };
  }

  private executionArn(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  private async countTransitions(execution: LocalExecution, events: AsyncGenerator<EventLog>): Promise<void> {
    for await (const event of events) {
      if (this.options.keepEventLogs) execution.events.push(event);
      if (event.type === 'StateEntered' || event.type === 'StateRetried') execution.transitions += 1;
    }
  }
}

/** The fields DescribeExecution adds for an ended execution: Output, or Error and Cause. */
function describedOutcome(outcome: ExecutionOutcome): NonNullable<LocalExecution['described']> {
  if (outcome.status === 'SUCCEEDED') return { Output: JSON.stringify(outcome.output ?? null) };
  return {
    ...(outcome.error ? { Error: outcome.error } : {}),
    ...(outcome.cause ? { Cause: outcome.cause } : {}),
  };
}
