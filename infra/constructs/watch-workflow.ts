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
  TRANSIENT_RETRY_MAX_ATTEMPTS,
  TROUBLE_PAUSE_SECONDS,
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
  rootOrHandOver: 'RootOrHandOver',
  handedOver: 'HandedOver',
  awaitWatchResult: 'AwaitWatchResult',
  watchResultFailed: 'WatchResultFailed',
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
const TRANSIENT_RETRY = {
  interval: 2,
  maxAttempts: TRANSIENT_RETRY_MAX_ATTEMPTS,
  backoffRate: 2,
  maxDelay: 60,
} as const;

export { TROUBLE_PAUSE_SECONDS };

/**
 * The Standard state machine that waits for one vendor job.
 *
 * The loop is the poll task's own Retry: while the job runs, the poll function throws
 * `PollIn<n>s` and the matching retrier waits n seconds and invokes it again — one state
 * transition per poll. The Poll state is also the end state: when the job SUCCEEDED the function
 * returns the final snapshot and the execution succeeds with it, so a successful watch costs
 * exactly one transition per poll. A job that ended otherwise is thrown as `JobFailed`,
 * `JobCancelled`, `JobLost` or `JobTimedOut`, caught, and the execution fails with that name and
 * the function's message as cause.
 *
 * Before the 25,000-event history limit — judged by the history this execution actually used,
 * from the Poll visit's `$$.State.RetryCount` and `EnteredTime` — the function throws
 * `ContinueAsNewExecution` and the watch carries on in a new execution, started fire and
 * forget (`startExecution`): each continuation hands over to the next and succeeds at once, so
 * however long a chain grows, at most two executions of a watch are open. The root (the
 * execution a caller started) instead waits (`lambda:invoke.waitForTaskToken`): its token joins
 * the job's waiters, and whichever execution ends the job answers it with the final snapshot —
 * or with the error name and cause a direct ending gives (JobFailed, JobCancelled, JobLost,
 * JobTimedOut; WatchFailed when the watch broke down, recorded by record-watch-failure or the
 * execution-ended reaction). So the root ends as a watch that never continued would, and a
 * parent waiting on it with `.sync` still gets one result.
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
    // Fire and forget: no execution of a watch waits for its continuation, so however long the
    // chain grows, two are open at most — the root, waiting below, and the current one. The
    // input carries no task token and is the same on every try, so a retried start whose first
    // try went through meets its own running execution with the same input, which Step
    // Functions answers as that same start.
    const continueAsNew = new sfn.CustomState(this, WORKFLOW_STATES.continueAsNew, {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::states:startExecution`,
        Parameters: {
          StateMachineArn: ownArn('stateMachine', props.stateMachineName),
          'Input.$': '$.next.request.input',
          'Name.$': '$.next.request.name',
        },
        ResultPath: null,
      },
    });
    poll.addCatch(readContinuation.next(readContinuationRequest).next(continueAsNew), {
      errors: [CONTINUE_AS_NEW_ERROR],
      resultPath: '$.failure',
    });
    // A throttled start or the open-executions quota: retry.
    continueAsNew.addRetry({
      errors: [...START_EXECUTION_TRANSIENT_ERRORS],
      interval: Duration.seconds(2),
      maxAttempts: 10,
      backoffRate: 2,
      maxDelay: Duration.seconds(120),
      jitterStrategy: sfn.JitterType.FULL,
    });

    // The root waits for the watch's result as a waiter of its job (a task token, like any
    // `.waitForTaskToken` caller): whichever execution of the chain ends the job — or records
    // that its watch broke down, or the execution-ended reaction for one that failed or was
    // stopped — answers it with the snapshot, or with the ending's error name and cause. So a
    // caller of the root (`.sync`, DescribeExecution) still gets one result. The function adds
    // the token to the job's waiters and answers it at once if the job has ended meanwhile.
    const awaitWatchResult = new sfn.CustomState(this, WORKFLOW_STATES.awaitWatchResult, {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::lambda:invoke.waitForTaskToken`,
        Parameters: {
          FunctionName: props.pollFunction.functionArn,
          Payload: {
            'input.$': '$.next.request.input',
            execution: { 'id.$': '$$.Execution.Id', 'startTime.$': '$$.Execution.StartTime' },
            awaitResult: { 'taskToken.$': '$$.Task.Token' },
          },
        },
        Retry: [
          {
            ErrorEquals: [...LAMBDA_TRANSIENT_ERRORS, POLL_FAILED_ERROR],
            IntervalSeconds: TRANSIENT_RETRY.interval,
            MaxAttempts: 10,
            BackoffRate: TRANSIENT_RETRY.backoffRate,
            MaxDelaySeconds: 300,
            JitterStrategy: 'FULL',
          },
        ],
      },
    });
    const handOverOrAwait = new sfn.Choice(this, WORKFLOW_STATES.rootOrHandOver, {
      comment: 'The root (its continuation is the first) waits for the result; any other execution is done',
    })
      .when(sfn.Condition.numberEquals('$.next.request.input.continuation', 1), awaitWatchResult)
      .otherwise(
        new sfn.Pass(this, WORKFLOW_STATES.handedOver, {
          parameters: { 'continuedIn.$': '$.next.request.name' },
        }),
      );
    continueAsNew.next(handOverOrAwait);
    // The name was taken: the watch already continued there (a start whose answer was lost,
    // retried with an input that differs only if the definition changed). That execution
    // carries the watch on; this one goes on as if it had started it.
    continueAsNew.addCatch(handOverOrAwait, {
      errors: ['StepFunctions.ExecutionAlreadyExistsException'],
      resultPath: '$.startFailure',
    });
    const watchResultFailed = new sfn.Fail(this, WORKFLOW_STATES.watchResultFailed, {
      errorPath: '$.failure.Error',
      causePath: '$.failure.Cause',
    });
    awaitWatchResult.addCatch(watchResultFailed, {
      errors: [...Object.values(JOB_ERROR_NAMES), WATCH_FAILED_ERROR],
      resultPath: '$.failure',
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
    // Starting the continuation failed for good (its input refused, the machine gone), or the
    // root could not register as a waiter: recorded on the job, whose waiters hear WatchFailed.
    const carryStartFailure = new sfn.Pass(this, WORKFLOW_STATES.carryStartFailure, {
      inputPath: '$.startFailure',
      resultPath: '$.failure',
    }).next(recordWatchFailure);
    continueAsNew.addCatch(carryStartFailure, { errors: [sfn.Errors.ALL], resultPath: '$.startFailure' });
    awaitWatchResult.addCatch(recordWatchFailure, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });

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
      `${ownArn('execution', props.stateMachineName)}:*`,
    );
    this.configureLogsAndTracing();
  }

  /**
   * Starting a continuation of this state machine (fire and forget) needs StartExecution on it
   * alone; waiting for a task token needs no grant, nor an events rule.
   *
   * The rest serves executions that started with the previous definition, which continued with
   * `startExecution.sync:2` and looked a continuation up by name (DescribeContinuation): running
   * executions keep their definition, so without these grants a deploy would break every such
   * watch at its next continuation. Remove them once no execution started before this
   * definition runs (a watch ends with its job; an execution lasts a year at most).
   */
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
    // The previous definition's `.sync:2` learns of the child's end through this managed rule.
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
      "Executions started with the previous definition continue in a nested execution of this same state machine, named at run time (.sync:2 describes and stops it; DescribeContinuation finds one by name). Scoped to this machine's executions.",
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
