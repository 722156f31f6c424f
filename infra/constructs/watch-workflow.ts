import { ArnFormat, Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
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
import { acknowledge, nagArn } from './nag.js';
import { UnscopedActionsPolicy } from './unscoped-actions-policy.js';

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
    const ownArn = (resource: string, name: string) =>
      Stack.of(this).formatArn({
        service: 'states',
        resource,
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });

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
        // This visit of Poll: how much history the execution has used (see historyEventsUsed).
        state: {
          retryCount: sfn.JsonPath.numberAt('$$.State.RetryCount'),
          enteredTime: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
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
    // Written as the ASL `startExecution.sync:2` task that StepFunctionsStartExecution would
    // render, because that construct grants DescribeExecution/StopExecution on
    // `execution:<name>*`, which also matches every state machine whose name starts with this
    // one's; the grants below name this state machine's executions exactly (`<name>:*`).
    const continueAsNew = new sfn.CustomState(this, WORKFLOW_STATES.continueAsNew, {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::states:startExecution.sync:2`,
        Parameters: {
          StateMachineArn: ownArn('stateMachine', props.stateMachineName),
          'Input.$': '$.next.request.input',
          'Name.$': '$.next.request.name',
        },
        // The continuation's output is the final snapshot; it becomes this execution's output.
        ResultSelector: { 'snapshot.$': '$.Output' },
        OutputPath: '$.snapshot',
      },
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
    const executionArnPrefix = ownArn('execution', props.stateMachineName);
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
      comment: 'jobwatch: polls one vendor job until it is final (Retry is the poll loop)',
    });
    this.grantContinuation(
      props.stateMachineName,
      ownArn('stateMachine', props.stateMachineName),
      `${executionArnPrefix}:*`,
    );
    this.configureLogsAndTracing();
  }

  /** What `startExecution.sync:2` on this state machine itself needs, and no more. */
  private grantContinuation(name: string, stateMachineArn: string, executionsArn: string): void {
    const machine = this.stateMachine;
    machine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }),
    );
    machine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [executionsArn],
      }),
    );
    // `.sync` learns of the child's end through this Step Functions-managed rule.
    machine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [
          Stack.of(this).formatArn({
            service: 'events',
            resource: 'rule',
            resourceName: 'StepFunctionsGetEventsForStepFunctionsExecutionRule',
          }),
        ],
      }),
    );
    acknowledge(
      machine.role,
      'IAM5',
      'A watch continues in a nested execution of this same state machine, whose name is chosen at run time (.sync:2 describes and stops it; DescribeContinuation finds one by name).',
      `Resource::${nagArn('states', `execution:${name}:*`)}`,
    );
  }

  /**
   * Logging at FATAL: one record per execution that fails, is stopped or times out
   * (ExecutionFailed, ExecutionAborted, ExecutionTimedOut), with its error and cause — what an
   * operator acts on. ERROR would also log every failed task event, and every poll is one (the
   * poll function throws `PollIn<n>s` and Retry is the loop), so its cost would grow with polls;
   * ALL would log every state. A job's own history is in DynamoDB, and every event of an
   * execution stays in Step Functions' execution history (Standard workflows, 90 days).
   *
   * Log delivery and X-Ray take no resource, so their statements live in one acknowledged
   * policy of their own (set on the resource here; the construct's `logs`/`tracingEnabled`
   * would put them into the role's default policy).
   */
  private configureLogsAndTracing(): void {
    const delivery = new UnscopedActionsPolicy(this, 'LogDeliveryAndTracing', {
      description: 'jobwatch state machine: deliver its logs and traces (no resource type in IAM)',
      actions: [
        'logs:CreateLogDelivery',
        'logs:GetLogDelivery',
        'logs:UpdateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
      ],
      reason:
        "CloudWatch Logs delivery and X-Ray's trace actions have no resource type: Step Functions documents Resource * for them.",
    });
    delivery.attachToRole(this.stateMachine.role);
    const resource = this.stateMachine.node.defaultChild as sfn.CfnStateMachine;
    resource.loggingConfiguration = {
      level: sfn.LogLevel.FATAL,
      includeExecutionData: true,
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: this.logGroup.logGroupArn } }],
    };
    resource.tracingConfiguration = { enabled: true };
    // Step Functions checks that the role may deliver logs when the state machine is created.
    resource.node.addDependency(delivery);
    acknowledge(
      this.stateMachine,
      'SF1',
      'FATAL-level logs: one record per failed, stopped or timed-out execution with its error and cause. ERROR would log every poll (each is a Lambda error the Retry loop catches) and ALL every state; the job history is in DynamoDB and every event in the execution history.',
    );
  }
}
