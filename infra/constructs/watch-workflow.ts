import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  CONTINUE_AS_NEW_ERROR,
  JOB_ERROR_NAMES,
  MAX_POLL_ATTEMPTS,
  POLL_FAILED_ERROR,
  POLL_INTERVAL_TIERS,
  pollAgainErrorName,
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
  readContinuationFailure: 'ReadContinuationFailure',
  continuationDidNotSucceed: 'ContinuationDidNotSucceed',
  recordWatchFailure: 'RecordWatchFailure',
  watchFailed: 'WatchFailed',
} as const;

/** Lambda-side errors worth a quick retry: throttles and service hiccups, not our own bugs. */
const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.Unknown',
];

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
    poll.addRetry({
      errors: LAMBDA_TRANSIENT_ERRORS,
      interval: Duration.seconds(2),
      maxAttempts: 6,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });
    // Unexpected trouble in the function (a throttled table, a bug): a few spaced retries, then
    // the catch-all below records the breakdown on the job. Named explicitly, never
    // States.TaskFailed: that would also retry a job's own ending.
    poll.addRetry({
      errors: [POLL_FAILED_ERROR],
      interval: Duration.seconds(5),
      maxAttempts: 5,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });

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

    const continueAsNew = new tasks.StepFunctionsStartExecution(this, WORKFLOW_STATES.continueAsNew, {
      stateMachine: sfn.StateMachine.fromStateMachineName(this, 'Self', props.stateMachineName),
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      name: sfn.JsonPath.stringAt('$.request.name'),
      input: sfn.TaskInput.fromJsonPathAt('$.request.input'),
      // The continuation's output is the final snapshot; it becomes this execution's output.
      resultSelector: { 'snapshot.$': '$.Output' },
      outputPath: '$.snapshot',
    });
    // The continuation failed (the job did not succeed, or its watch broke): re-raise its ending here.
    continueAsNew.addCatch(
      new sfn.Pass(this, WORKFLOW_STATES.readContinuationFailure, {
        parameters: { 'child.$': 'States.StringToJson($.failure.Cause)' },
      }).next(
        new sfn.Fail(this, WORKFLOW_STATES.continuationDidNotSucceed, {
          errorPath: '$.child.Error',
          causePath: '$.child.Cause',
        }),
      ),
      { errors: [sfn.Errors.TASKS_FAILED], resultPath: '$.failure' },
    );
    poll.addCatch(
      new sfn.Pass(this, WORKFLOW_STATES.readContinuation, {
        parameters: { 'lambdaError.$': 'States.StringToJson($.failure.Cause)' },
      })
        .next(
          new sfn.Pass(this, WORKFLOW_STATES.readContinuationRequest, {
            parameters: { 'request.$': 'States.StringToJson($.lambdaError.errorMessage)' },
          }),
        )
        .next(continueAsNew),
      { errors: [CONTINUE_AS_NEW_ERROR], resultPath: '$.failure' },
    );

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
    // The failure lands beside the original input, so the recorder knows which job it was.
    poll.addCatch(
      recordWatchFailure.next(
        new sfn.Fail(this, WORKFLOW_STATES.watchFailed, {
          error: WATCH_FAILED_ERROR,
          causePath: '$.failure.Cause',
        }),
      ),
      { errors: [sfn.Errors.ALL], resultPath: '$.failure' },
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
