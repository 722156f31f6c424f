import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { Connection } from '../lib/config/connections.js';
import {
  API_FUNCTION_TIMEOUT_SECONDS,
  API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS,
  POLL_FUNCTION_TIMEOUT_SECONDS,
} from '../lib/config/time-budgets.js';
import { ConnectionCredentialsPolicy } from './constructs/connection-credentials-policy.js';
import { ConnectionsAsset } from './constructs/connections-asset.js';
import { addEventTriggers } from './constructs/event-triggers.js';
import { addJobwatchApi } from './constructs/jobwatch-api.js';
import { JobwatchFunction } from './constructs/jobwatch-function.js';
import { acknowledge, nagArn } from './constructs/nag.js';
import { OperationsDashboard } from './constructs/operations-dashboard.js';
import { UnscopedActionsPolicy } from './constructs/unscoped-actions-policy.js';
import { WatchWorkflow } from './constructs/watch-workflow.js';
import { DEFAULT_API_BURST_LIMIT, DEFAULT_API_RATE_LIMIT } from './deploy-settings.js';

export interface JobwatchStatelessStackProps extends StackProps {
  table: dynamodb.ITableV2;
  stage: string;
  /** The operator's connections; deployed, credentials live in Secrets Manager only. */
  connections: readonly Connection[];
  logRetention?: logs.RetentionDays;
  /** Authorize API calls with JWTs from this issuer instead of IAM (SigV4). */
  jwt?: { issuer: string; audience: string; jwksUrl?: string };
  /** The API stage's throttle and the poll function's reserved concurrency (infra/deploy-settings.ts). */
  scale?: { apiRateLimit: number; apiBurstLimit: number; pollReservedConcurrency?: number | undefined };
  /** Where the alarms go (infra/deploy-settings.ts); none: they only show on the dashboard. */
  alarms?: { topicArn?: string | undefined; email?: string | undefined };
}

/** jobwatch's functions, by the name their construct (and logical id) starts with. */
export interface JobwatchFunctions {
  poll: JobwatchFunction;
  recordWatchFailure: JobwatchFunction;
  api: JobwatchFunction;
  watchRequested: JobwatchFunction;
  executionEnded: JobwatchFunction;
  reconcile: JobwatchFunction;
}

/**
 * Everything that can be replaced freely: the functions, the state machine, the API, the event
 * bus and rules. The table comes in through props; the connections' credentials secrets are the
 * operator's (see ConnectionsAsset), so no resource here grows with the number of connections.
 */
export class JobwatchStatelessStack extends Stack {
  readonly stateMachineName: string;
  readonly api: apigateway.RestApi;
  readonly bus: events.EventBus;
  readonly functions: JobwatchFunctions;
  /** The deployed connection list, as each function's code asset carries it. */
  readonly connections: ConnectionsAsset;

  constructor(scope: Construct, id: string, props: JobwatchStatelessStackProps) {
    super(scope, id, props);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `jobwatch-${props.stage}` });
    // Signs page cursors so a client cannot forge one into another query.
    const cursorSecret = new secretsmanager.Secret(this, 'CursorSecret', {
      description: 'jobwatch: signs API page cursors',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    acknowledge(
      cursorSecret,
      'SMG4',
      'The cursor secret only signs page cursors: rotating it would invalidate every open cursor, for no gain.',
    );
    this.connections = new ConnectionsAsset(this, 'Connections', {
      stage: props.stage,
      connections: props.connections,
    });
    const tracingPolicy = new UnscopedActionsPolicy(this, 'FunctionTracing', {
      description: 'jobwatch functions: send traces to X-Ray (no resource type in IAM)',
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      reason:
        "X-Ray's PutTraceSegments and PutTelemetryRecords have no resource type: active tracing needs Resource *.",
    });

    this.functions = this.createFunctions({ logRetention, tracingPolicy, cursorSecret, props });
    const { poll, recordWatchFailure, api, watchRequested, executionEnded, reconcile } = this.functions;
    for (const handler of Object.values(this.functions)) {
      handler.bindTable({ table: props.table, accessMode: 'readWrite' });
      cursorSecret.grantRead(handler);
    }
    // Only the functions that talk to vendors read their credentials.
    const credentials = new ConnectionCredentialsPolicy(this, 'ConnectionCredentials', {
      stage: props.stage,
      connections: this.connections.connections,
    });
    for (const handler of [poll, api, executionEnded]) handler.role?.addManagedPolicy(credentials);
    for (const handler of [poll, api, executionEnded]) this.bus.grantPutEventsTo(handler);

    this.stateMachineName = `jobwatch-${props.stage}-watch`;
    // The state machine invokes published versions, not $LATEST: a running execution keeps the
    // definition it started with, and with it the code that definition was written for, so a
    // deploy that changes the poll contract (tiers, error names) cannot break running watches.
    // Old versions are retained (removing one would break the executions still bound to it).
    const workflow = new WatchWorkflow(this, 'Watch', {
      // A Version implements IFunction; aws-cdk-lib's `T | undefined` members fail that check
      // under exactOptionalPropertyTypes (see infra/app.ts).
      pollFunction: poll.currentVersion as lambda.IFunction,
      recordWatchFailureFunction: recordWatchFailure.currentVersion as lambda.IFunction,
      stateMachineName: this.stateMachineName,
      logRetention,
    });
    const stateMachine = workflow.stateMachine;
    this.grantExecutionAccess(stateMachine, [api, watchRequested, reconcile]);
    this.grantTaskAnswers([poll, recordWatchFailure, executionEnded, api, watchRequested]);

    const deadLetterQueues = addEventTriggers(this, {
      // EventBus implements IEventBus; see infra/app.ts on exactOptionalPropertyTypes.
      bus: this.bus as events.IEventBus,
      stateMachine,
      watchRequested,
      executionEnded,
      reconcile,
    });
    this.api = addJobwatchApi(this, {
      handler: api,
      restApiName: `jobwatch-${this.stackName}`,
      logRetention,
      throttle: {
        rateLimit: props.scale?.apiRateLimit ?? DEFAULT_API_RATE_LIMIT,
        burstLimit: props.scale?.apiBurstLimit ?? DEFAULT_API_BURST_LIMIT,
      },
      jwt: props.jwt,
      tracingPolicy,
    });

    // The dashboard and the alarms; no alarm on the poll's Lambda Errors (see the construct).
    new OperationsDashboard(this, 'Operations', {
      stage: props.stage,
      functions: { ...this.functions },
      poll,
      api: this.api,
      deadLetterQueues: { ...deadLetterQueues },
      connections: props.connections.map(({ name, vendor }) => ({ name, vendor })),
      alarmTopicArn: props.alarms?.topicArn,
      alarmEmail: props.alarms?.email,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'TableName', { value: props.table.tableName });
  }

  private createFunctions(options: {
    logRetention: logs.RetentionDays;
    tracingPolicy: iam.IManagedPolicy;
    cursorSecret: secretsmanager.Secret;
    props: JobwatchStatelessStackProps;
  }): JobwatchFunctions {
    const { logRetention, tracingPolicy, cursorSecret, props } = options;
    const environment = { CURSOR_SECRET_ARN: cursorSecret.secretArn, EVENT_BUS_NAME: this.bus.eventBusName };
    const fn = (name: string, entry: string, timeoutSeconds: number, extra: { reserved?: number } = {}) =>
      new JobwatchFunction(this, name, {
        entry,
        environment,
        timeout: Duration.seconds(timeoutSeconds),
        logRetention,
        description: `jobwatch ${name}`,
        tracingPolicy,
        connections: this.connections,
        ...(extra.reserved === undefined ? {} : { reservedConcurrentExecutions: extra.reserved }),
      });
    // Timeouts that vendor calls must fit in come from their budgets (lib/config/time-budgets.ts).
    if (API_FUNCTION_TIMEOUT_SECONDS >= API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS) {
      throw new Error(
        `The API function's timeout (${API_FUNCTION_TIMEOUT_SECONDS} s) must stay below API Gateway's ${API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS} s`,
      );
    }
    const reserved = props.scale?.pollReservedConcurrency;
    return {
      poll: fn('PollFunction', 'functions/poll.ts', POLL_FUNCTION_TIMEOUT_SECONDS, {
        ...(reserved === undefined ? {} : { reserved }),
      }),
      recordWatchFailure: fn('RecordWatchFailureFunction', 'functions/record-watch-failure.ts', 30),
      api: fn('ApiFunction', 'functions/api.ts', API_FUNCTION_TIMEOUT_SECONDS),
      watchRequested: fn('WatchRequestedFunction', 'functions/watch-requested.ts', 30),
      executionEnded: fn('ExecutionEndedFunction', 'functions/execution-ended.ts', 60),
      reconcile: fn('ReconcileFunction', 'functions/reconcile.ts', 120),
    };
  }

  /**
   * Starting a watch may find its execution closed and restart it (rewatch); the reconciler
   * restarts jobs whose execution is gone: all three read their executions' status. The ARN
   * names this state machine's executions exactly (`execution:<name>:*`, colon included: a
   * `<name>*` would also match `jobwatch-<stage>-watcher`).
   */
  private grantExecutionAccess(stateMachine: sfn.StateMachine, handlers: JobwatchFunction[]): void {
    const executions = `execution:${this.stateMachineName}:*`;
    const executionsArn = this.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    for (const handler of handlers) {
      handler.addEnvironment('STATE_MACHINE_ARN', stateMachine.stateMachineArn);
      stateMachine.grantStartExecution(handler);
      handler.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executionsArn] }),
      );
      acknowledge(
        handler.role ?? handler,
        'IAM5',
        "DescribeExecution of this state machine's own executions, whose names (one per job and attempt) are chosen at run time.",
        `Resource::${nagArn('states', executions)}`,
      );
    }
  }

  /**
   * Waiters' task tokens belong to the callers' own state machines, which jobwatch cannot know in
   * advance. Whoever sees a watch end answers them: the poll, the failure recorder, the
   * execution-ended reaction, and a start that finds the job already ended.
   */
  private grantTaskAnswers(handlers: JobwatchFunction[]): void {
    const policy = new UnscopedActionsPolicy(this, 'TaskTokenAnswers', {
      description: "jobwatch functions: answer waiters' task tokens",
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      reason:
        "SendTaskSuccess/SendTaskFailure take a task token, not a resource: the tokens belong to callers' state machines, which jobwatch cannot know in advance.",
    });
    for (const handler of handlers) handler.role?.addManagedPolicy(policy);
  }
}
