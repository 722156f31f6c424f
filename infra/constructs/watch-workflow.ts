import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  CONTINUE_AS_NEW_ERROR,
  JOB_ERROR_NAMES,
  LAMBDA_TRANSIENT_ERRORS,
  MAX_POLL_ATTEMPTS,
  POLL_FAILED_ERROR,
  POLL_INTERVAL_TIERS,
  pollAgainErrorName,
  START_EXECUTION_TRANSIENT_ERRORS,
  WATCH_FAILED_ERROR,
} from '../../lib/workflow/poll-contract.js';

export interface WatchWorkflowProps {
  /** Polls the vendor once; asks for the next poll by throwing `PollIn<n>s`. */
  pollFunction: lambda.IFunction;
  /** Records on the job that the watch broke down, before the execution fails. */
  recordWatchFailureFunction: lambda.IFunction;
  /** Fixed so the definition can start a continuation of itself without a circular reference. */
  stateMachineName: string;
  logRetention?: logs.RetentionDays;
}

/** State names: the local runner binds handlers to them, tests count transitions by them. */
export const WORKFLOW_STATES = {
  poll: 'Poll',
  readJobEnding: 'ReadJobEnding',
  jobDidNotSucceed: 'JobDidNotSucceed',
  readContinuation: 'ReadContinuation',
  readContinuationRequest: 'ReadContinuationRequest',
  continueAsNew: 'ContinueAsNew',
  carryStartFailure: 'CarryStartFailure',
  continuationDidNotSucceed: 'ContinuationDidNotSucceed',
  describeContinuation: 'DescribeContinuation',
  continuationStillRunning: 'ContinuationStillRunning',
  waitForContinuation: 'WaitForContinuation',
  readContinuationOutput: 'ReadContinuationOutput',
  readFollowedContinuationFailure: 'ReadFollowedContinuationFailure',
  continuationEndedWithoutResult: 'ContinuationEndedWithoutResult',
  continuationSucceeded: 'ContinuationSucceeded',
  waitOutTrouble: 'WaitOutTrouble',
  recordWatchFailure: 'RecordWatchFailure',
  watchFailed: 'WatchFailed',
} as const;

/**
 * Transient trouble, retried within one visit of the Poll state with back-off. Step Functions
 * counts a retrier's attempts across the whole visit — and the Poll state is one visit for as
 * long as the loop runs — so these attempts are a per-visit budget, not a per-incident one.
 * When it is spent, the Catch leads through {@link TROUBLE_PAUSE_SECONDS} back into Poll: a new
 * visit with fresh counts, so no number of incidents over a watch's life ends it.
 */
const TRANSIENT_RETRY = { interval: 2, maxAttempts: 4, backoffRate: 2, maxDelay: 60 } as const;
/** The pause before a fresh Poll visit once a visit's transient retries are spent. */
export const TROUBLE_PAUSE_SECONDS = 60;
/** How often a parent whose continuation already existed looks at that continuation. */
export const CONTINUATION_CHECK_SECONDS = 60;

/**
 * The Standard state machine that waits for one vendor job.
 *
 * The loop is the poll task's own Retry: while the job runs, the poll function throws
 * `PollIn<n>s` and the matching retrier waits n seconds and invokes it again — one state
 * transition per poll. The Poll state is also the end state: when the job SUCCEEDED the function
 * returns the final snapshot and the execution succeeds with it, so a successful watch costs
 * exactly one transition per poll. A job that ended otherwise is thrown as `JobFailed`,
 * `JobCancelled`, `JobLost` or `JobTimedOut`, caught, and the execution fails with that name and
 * the function's message as cause. Before the 25,000-event history limit the function throws
 * `ContinueAsNewExecution`, and the watch carries on in a nested execution
 * (`startExecution.sync:2`) whose outcome becomes this one's, so a parent waiting with `.sync`
 * still gets the final result.
 */
export class WatchWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WatchWorkflowProps) {
    super(scope, id);

    const poll = new tasks.LambdaInvoke(this, WORKFLOW_STATES.poll, {
      lambdaFunction: props.pollFunction,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      payload: sfn.TaskInput.fromObject({
        input: sfn.JsonPath.entirePayload,
        execution: {
          id: sfn.JsonPath.stringAt('$$.Execution.Id'),
          startTime: sfn.JsonPath.stringAt('$$.Execution.StartTime'),
        },
      }),
    });
    for (const seconds of POLL_INTERVAL_TIERS) {
      poll.addRetry({
        errors: [pollAgainErrorName(seconds)],
        interval: Duration.seconds(seconds),
        maxAttempts: MAX_POLL_ATTEMPTS,
        backoffRate: 1,
      });
    }
    // Throttles, Lambda service trouble, timed-out invocations and trouble inside the function
    // that is not the vendor's (PollFailedUnexpectedly): a quick back-off first. Never
    // States.TaskFailed or States.ALL: that would also retry a job's own ending.
    poll.addRetry({
      errors: [...LAMBDA_TRANSIENT_ERRORS, POLL_FAILED_ERROR],
      interval: Duration.seconds(TRANSIENT_RETRY.interval),
      maxAttempts: TRANSIENT_RETRY.maxAttempts,
      backoffRate: TRANSIENT_RETRY.backoffRate,
      maxDelay: Duration.seconds(TRANSIENT_RETRY.maxDelay),
      jitterStrategy: sfn.JitterType.FULL,
    });
    const pollAgainAfterTrouble = new sfn.Wait(this, WORKFLOW_STATES.waitOutTrouble, {
      time: sfn.WaitTime.duration(Duration.seconds(TROUBLE_PAUSE_SECONDS)),
      comment:
        'Transient retries of this Poll visit are spent: pause, then a fresh visit (fresh retry counts)',
    }).next(poll);

    // A job that did not succeed: the Lambda error's cause is {"errorMessage", "errorType", ...} as JSON.
    const jobDidNotSucceed = new sfn.Pass(this, WORKFLOW_STATES.readJobEnding, {
      parameters: {
        'error.$': '$.failure.Error',
        'lambdaError.$': 'States.StringToJson($.failure.Cause)',
      },
    }).next(
      new sfn.Fail(this, WORKFLOW_STATES.jobDidNotSucceed, {
        errorPath: '$.error',
        causePath: '$.lambdaError.errorMessage',
      }),
    );
    poll.addCatch(jobDidNotSucceed, { errors: Object.values(JOB_ERROR_NAMES), resultPath: '$.failure' });

    // The continuation request travels beside the input (resultPath), so a continuation that
    // cannot start is still recorded on its job.
    const readContinuation = new sfn.Pass(this, WORKFLOW_STATES.readContinuation, {
      parameters: { 'lambdaError.$': 'States.StringToJson($.failure.Cause)' },
      resultPath: '$.next',
    });
    const readContinuationRequest = new sfn.Pass(this, WORKFLOW_STATES.readContinuationRequest, {
      parameters: { 'request.$': 'States.StringToJson($.next.lambdaError.errorMessage)' },
      resultPath: '$.next',
    });
    const continueAsNew = new tasks.StepFunctionsStartExecution(this, WORKFLOW_STATES.continueAsNew, {
      stateMachine: sfn.StateMachine.fromStateMachineName(this, 'Self', props.stateMachineName),
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      name: sfn.JsonPath.stringAt('$.next.request.name'),
      input: sfn.TaskInput.fromJsonPathAt('$.next.request.input'),
      // The continuation's output is the final snapshot; it becomes this execution's output.
      resultSelector: { 'snapshot.$': '$.Output' },
      outputPath: '$.snapshot',
    });
    poll.addCatch(readContinuation.next(readContinuationRequest).next(continueAsNew), {
      errors: [CONTINUE_AS_NEW_ERROR],
      resultPath: '$.failure',
    });
    // A throttled start or the open-executions quota: retry. A retried start whose first try
    // went through meets its own running execution with the same input, which Step Functions
    // answers as the same start.
    continueAsNew.addRetry({
      errors: [...START_EXECUTION_TRANSIENT_ERRORS],
      interval: Duration.seconds(2),
      maxAttempts: 10,
      backoffRate: 2,
      maxDelay: Duration.seconds(120),
      jitterStrategy: sfn.JitterType.FULL,
    });

    // The continuation by name: still running (the name was taken — the watch already continued
    // there), ended, or never started. Followed to its end instead of starting another.
    const executionArnPrefix = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: props.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const describeContinuation = new tasks.CallAwsService(this, WORKFLOW_STATES.describeContinuation, {
      service: 'sfn',
      action: 'describeExecution',
      parameters: {
        ExecutionArn: sfn.JsonPath.format(
          `${executionArnPrefix}:{}`,
          sfn.JsonPath.stringAt('$.next.request.name'),
        ),
      },
      iamResources: [`${executionArnPrefix}:*`],
      iamAction: 'states:DescribeExecution',
      // The whole answer: which fields it has depends on the status (no Output unless it
      // succeeded, no Error unless it failed), and a path to a missing field fails the execution.
      resultPath: '$.continuation',
    });
    describeContinuation.addRetry({
      errors: ['Sfn.SfnException', 'Sfn.ThrottlingException', 'Sfn.SdkClientException'],
      interval: Duration.seconds(5),
      maxAttempts: 10,
      backoffRate: 2,
      maxDelay: Duration.seconds(300),
      jitterStrategy: sfn.JitterType.FULL,
    });
    const continuationFailed = new sfn.Fail(this, WORKFLOW_STATES.continuationDidNotSucceed, {
      errorPath: '$.child.Error',
      causePath: '$.child.Cause',
    });
    describeContinuation.next(
      new sfn.Choice(this, WORKFLOW_STATES.continuationStillRunning)
        .when(
          sfn.Condition.stringEquals('$.continuation.Status', 'RUNNING'),
          new sfn.Wait(this, WORKFLOW_STATES.waitForContinuation, {
            time: sfn.WaitTime.duration(Duration.seconds(CONTINUATION_CHECK_SECONDS)),
          }).next(describeContinuation),
        )
        .when(
          sfn.Condition.stringEquals('$.continuation.Status', 'SUCCEEDED'),
          new sfn.Pass(this, WORKFLOW_STATES.readContinuationOutput, {
            parameters: { 'snapshot.$': 'States.StringToJson($.continuation.Output)' },
            outputPath: '$.snapshot',
          }).next(new sfn.Succeed(this, WORKFLOW_STATES.continuationSucceeded)),
        )
        .when(
          sfn.Condition.and(
            sfn.Condition.isPresent('$.continuation.Error'),
            sfn.Condition.isPresent('$.continuation.Cause'),
          ),
          new sfn.Pass(this, WORKFLOW_STATES.readFollowedContinuationFailure, {
            parameters: { 'child.$': '$.continuation' },
          }).next(continuationFailed),
        )
        .otherwise(
          new sfn.Fail(this, WORKFLOW_STATES.continuationEndedWithoutResult, {
            error: WATCH_FAILED_ERROR,
            cause:
              'The watch continued in an execution that ended without a result (stopped or timed out); see the job',
          }),
        ),
    );
    // Whatever ended the start — the continuation ran and failed (`.sync:2` reports that as
    // States.TaskFailed, which also matches every other task error), its name was taken, or the
    // start itself failed for good — the continuation is looked up by name rather than by
    // parsing a cause whose shape depends on which of these it was.
    continueAsNew.addCatch(describeContinuation, { errors: [sfn.Errors.ALL], resultPath: '$.startFailure' });

    const recordWatchFailure = new tasks.LambdaInvoke(this, WORKFLOW_STATES.recordWatchFailure, {
      lambdaFunction: props.recordWatchFailureFunction,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
      payload: sfn.TaskInput.fromObject({
        input: sfn.JsonPath.entirePayload,
        failure: sfn.JsonPath.objectAt('$.failure'),
      }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    recordWatchFailure.next(
      new sfn.Fail(this, WORKFLOW_STATES.watchFailed, {
        error: WATCH_FAILED_ERROR,
        causePath: '$.failure.Cause',
      }),
    );
    // Transient retries of this visit spent: pause, then a fresh visit. Listed before the
    // catch-all, after the job endings and the continuation.
    poll.addCatch(pollAgainAfterTrouble, {
      errors: [...LAMBDA_TRANSIENT_ERRORS, POLL_FAILED_ERROR],
      resultPath: '$.lastTrouble',
    });
    // The failure lands beside the original input, so the recorder knows which job it was.
    poll.addCatch(recordWatchFailure, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
    // No continuation by that name: starting it failed for good (its input refused, the machine
    // gone). Recorded on the job with the start's own error.
    describeContinuation.addCatch(
      new sfn.Pass(this, WORKFLOW_STATES.carryStartFailure, {
        inputPath: '$.startFailure',
        resultPath: '$.failure',
      }).next(recordWatchFailure),
      { errors: [sfn.Errors.ALL], resultPath: '$.describeFailure' },
    );

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(poll),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
      comment: 'jobwatch: polls one vendor job until it is final (Retry is the poll loop)',
    });
  }
}
