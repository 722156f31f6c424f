import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  MAX_POLL_ATTEMPTS,
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
  route: 'Route',
  continueAsNew: 'ContinueAsNew',
  returnToParent: 'ReturnToParent',
  succeeded: 'JobSucceeded',
  jobDidNotSucceed: 'JobDidNotSucceed',
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
 * transition per poll. When the job is final the function returns, and a Choice ends the
 * execution as the job ended (Succeed with the snapshot, or Fail with JobFailed, JobCancelled,
 * JobLost or JobTimedOut). Before the 25,000-event history limit the function returns
 * `continue`, and the watch carries on in a nested execution (`startExecution.sync:2`), whose
 * result flows back up, so a parent waiting with `.sync` still gets the final outcome.
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
      resultPath: '$.result',
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
    // Anything else the function throws is unexpected (a bug, the table throttling): a few
    // spaced retries, then the Catch records the breakdown on the job.
    poll.addRetry({
      errors: [sfn.Errors.TASKS_FAILED],
      interval: Duration.seconds(5),
      maxAttempts: 5,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });

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
    const watchFailed = new sfn.Fail(this, WORKFLOW_STATES.watchFailed, {
      error: WATCH_FAILED_ERROR,
      causePath: '$.failure.Cause',
    });
    // The failure lands beside the original input, so the recorder knows which job it was.
    poll.addCatch(recordWatchFailure.next(watchFailed), {
      errors: [sfn.Errors.ALL],
      resultPath: '$.failure',
    });

    const continueAsNew = new tasks.StepFunctionsStartExecution(this, WORKFLOW_STATES.continueAsNew, {
      stateMachine: sfn.StateMachine.fromStateMachineName(this, 'Self', props.stateMachineName),
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      name: sfn.JsonPath.stringAt('$.result.nextName'),
      input: sfn.TaskInput.fromJsonPathAt('$.result.next'),
      // The continuation always succeeds with the poll result; this execution decides the ending.
      resultSelector: {
        'outcome.$': '$.Output.outcome',
        'jobId.$': '$.Output.jobId',
        'job.$': '$.Output.job',
        'error.$': '$.Output.error',
        'cause.$': '$.Output.cause',
        'nextName.$': '$.Output.nextName',
        'next.$': '$.Output.next',
      },
      resultPath: '$.result',
    });

    const route = new sfn.Choice(this, WORKFLOW_STATES.route)
      .when(sfn.Condition.stringEquals('$.result.outcome', 'continue'), continueAsNew)
      .when(
        sfn.Condition.and(
          sfn.Condition.isPresent('$.isContinuation'),
          sfn.Condition.booleanEquals('$.isContinuation', true),
        ),
        new sfn.Succeed(this, WORKFLOW_STATES.returnToParent, { outputPath: '$.result' }),
      )
      .when(
        sfn.Condition.isNotNull('$.result.error'),
        new sfn.Fail(this, WORKFLOW_STATES.jobDidNotSucceed, {
          errorPath: '$.result.error',
          causePath: '$.result.cause',
        }),
      )
      .otherwise(new sfn.Succeed(this, WORKFLOW_STATES.succeeded, { outputPath: '$.result.job' }));
    continueAsNew.next(route);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(poll.next(route)),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
      comment: 'jobwatch: polls one vendor job until it is final (Retry is the poll loop)',
    });
  }
}
