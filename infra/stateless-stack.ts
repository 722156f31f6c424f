import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Connection } from '../lib/config/connections.js';
import {
  API_FUNCTION_TIMEOUT_SECONDS,
  API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS,
  POLL_FUNCTION_TIMEOUT_SECONDS,
} from '../lib/config/time-budgets.js';
import { DETAIL_TYPES, REQUEST_EVENT_SOURCE } from '../lib/events/job-events.js';
import { JobwatchFunction } from './constructs/jobwatch-function.js';
import { WatchWorkflow } from './constructs/watch-workflow.js';

export interface JobwatchStatelessStackProps extends StackProps {
  table: dynamodb.ITableV2;
  stage: string;
  /** The operator's connections; deployed, credentials live in Secrets Manager only. */
  connections: readonly Connection[];
  logRetention?: logs.RetentionDays;
  /** Authorize API calls with JWTs from this issuer instead of IAM (SigV4). */
  jwt?: { issuer: string; audience: string; jwksUrl?: string };
}

/**
 * Everything that can be replaced freely: the functions, the state machine, the API, the event
 * bus and rules, the connections' secrets. The table comes in through props.
 */
export class JobwatchStatelessStack extends Stack {
  readonly stateMachineName: string;
  readonly api: apigateway.RestApi;
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, props: JobwatchStatelessStackProps) {
    super(scope, id, props);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `jobwatch-${props.stage}` });
    // Signs page cursors so a client cannot forge one into another query.
    const cursorSecret = new secretsmanager.Secret(this, 'CursorSecret', {
      description: 'jobwatch: signs API page cursors',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    const { secrets: connectionSecrets, connections } = this.connectionSecrets(
      props.stage,
      props.connections,
    );

    const environment = {
      JOBWATCH_CONNECTIONS: JSON.stringify(connections),
      CURSOR_SECRET_ARN: cursorSecret.secretArn,
      EVENT_BUS_NAME: this.bus.eventBusName,
    };
    const fn = (name: string, entry: string, timeoutSeconds: number) =>
      new JobwatchFunction(this, name, {
        entry,
        environment,
        timeout: Duration.seconds(timeoutSeconds),
        logRetention,
        description: `jobwatch ${name}`,
      });
    // Timeouts that vendor calls must fit in come from their budgets (lib/config/time-budgets.ts).
    if (API_FUNCTION_TIMEOUT_SECONDS >= API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS) {
      throw new Error(
        `The API function's timeout (${API_FUNCTION_TIMEOUT_SECONDS} s) must stay below API Gateway's ${API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS} s`,
      );
    }
    const poll = fn('PollFunction', 'functions/poll.ts', POLL_FUNCTION_TIMEOUT_SECONDS);
    const recordWatchFailure = fn('RecordWatchFailureFunction', 'functions/record-watch-failure.ts', 30);
    const api = fn('ApiFunction', 'functions/api.ts', API_FUNCTION_TIMEOUT_SECONDS);
    const watchRequested = fn('WatchRequestedFunction', 'functions/watch-requested.ts', 30);
    const executionEnded = fn('ExecutionEndedFunction', 'functions/execution-ended.ts', 60);
    const reconcile = fn('ReconcileFunction', 'functions/reconcile.ts', 120);

    for (const handler of [poll, recordWatchFailure, api, watchRequested, executionEnded, reconcile]) {
      handler.bindTable({ table: props.table, accessMode: 'readWrite' });
      cursorSecret.grantRead(handler);
    }
    // Only the functions that talk to vendors read their credentials.
    for (const handler of [poll, api, executionEnded]) {
      for (const secret of connectionSecrets) secret.grantRead(handler);
    }
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
    // Starting a watch may find its execution closed and restart it (rewatch); the reconciler
    // restarts jobs whose execution is gone: all three read their executions' status.
    const executionsArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    for (const handler of [api, watchRequested, reconcile]) {
      handler.addEnvironment('STATE_MACHINE_ARN', stateMachine.stateMachineArn);
      stateMachine.grantStartExecution(handler);
      handler.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executionsArn] }),
      );
    }
    // Waiters' task tokens belong to the callers' own state machines, which jobwatch cannot know
    // in advance. Whoever sees a watch end answers them: the poll, the failure recorder, the
    // execution-ended reaction, and a start that finds the job already ended.
    for (const handler of [poll, recordWatchFailure, executionEnded, api, watchRequested]) {
      handler.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: ['*'],
        }),
      );
    }

    // Events in: "Watch Job Requested" on jobwatch's bus starts a watch (idempotently).
    const requestsDlq = this.deadLetterQueue('WatchRequestsDlq');
    new events.Rule(this, 'WatchRequestedRule', {
      eventBus: this.bus,
      eventPattern: { source: [REQUEST_EVENT_SOURCE], detailType: [DETAIL_TYPES.watchRequested] },
      targets: [
        new targets.LambdaFunction(watchRequested, { deadLetterQueue: requestsDlq, retryAttempts: 4 }),
      ],
    });
    // A watch execution stopped, timed out or failed: record it on the job (stop = cancel).
    new events.Rule(this, 'ExecutionEndedRule', {
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['ABORTED', 'TIMED_OUT', 'FAILED'],
          stateMachineArn: [stateMachine.stateMachineArn],
        },
      },
      targets: [
        new targets.LambdaFunction(executionEnded, {
          deadLetterQueue: this.deadLetterQueue('ExecutionEndedDlq'),
          retryAttempts: 4,
        }),
      ],
    });

    // No job may say WATCHING without a live execution for long (a lost start, a lost ending).
    new events.Rule(this, 'ReconcileSchedule', {
      description: 'jobwatch: restart watches whose execution is gone',
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(reconcile, { retryAttempts: 0 })],
    });

    this.api = this.httpApi(api, logRetention, props.jwt);

    // The poll function's Errors metric counts every "poll again" (that is how it steers the
    // Retry loop), so it is no alarm signal; throttles are.
    new cloudwatch.Alarm(this, 'PollThrottles', {
      metric: poll.metricThrottles({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription: 'jobwatch poll function is throttled: polls are delayed',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'TableName', { value: props.table.tableName });
  }

  /**
   * One secret per connection: the one the operator named, or a new one to fill in after the
   * first deploy. The functions get the connection list with secret ARNs, never credentials.
   */
  private connectionSecrets(stage: string, connections: readonly Connection[]) {
    const secrets: secretsmanager.ISecret[] = [];
    const deployed = connections.map((connection) => {
      if (connection.credentials) {
        throw new Error(
          `Connection "${connection.name}" has inline credentials: credentials belong in Secrets Manager; set credentialsSecret (or leave it out and fill the secret the stack creates)`,
        );
      }
      const id = `ConnectionSecret-${connection.name.replace(/[^A-Za-z0-9]/g, '')}`;
      const secret = connection.credentialsSecret
        ? connection.credentialsSecret.startsWith('arn:')
          ? secretsmanager.Secret.fromSecretCompleteArn(this, id, connection.credentialsSecret)
          : secretsmanager.Secret.fromSecretNameV2(this, id, connection.credentialsSecret)
        : new secretsmanager.Secret(this, id, {
            secretName: `jobwatch/${stage}/${connection.name}`,
            description: `jobwatch: credentials of connection ${connection.name} (${connection.vendor}) as a JSON object of strings`,
            // An empty JSON object for the operator to fill; no credential is ever in the template.
            secretObjectValue: {},
          });
      secrets.push(secret as secretsmanager.ISecret);
      return { ...connection, credentialsSecret: secret.secretArn };
    });
    return { secrets, connections: deployed };
  }

  private deadLetterQueue(id: string): sqs.Queue {
    return new sqs.Queue(this, id, {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
    });
  }

  private httpApi(
    handler: JobwatchFunction,
    logRetention: logs.RetentionDays,
    jwt: JobwatchStatelessStackProps['jwt'],
  ): apigateway.RestApi {
    // IAM (SigV4) on every route by default; with a JWT issuer, a token authorizer instead.
    const methodOptions: apigateway.MethodOptions = jwt
      ? {
          authorizationType: apigateway.AuthorizationType.CUSTOM,
          authorizer: new apigateway.TokenAuthorizer(this, 'JwtAuthorizer', {
            handler: new JobwatchFunction(this, 'JwtAuthorizerFunction', {
              entry: 'functions/jwt-authorizer.ts',
              environment: {
                JWT_ISSUER: jwt.issuer,
                JWT_AUDIENCE: jwt.audience,
                JWT_JWKS_URL: jwt.jwksUrl ?? '',
              },
              timeout: Duration.seconds(10),
              logRetention,
              description: 'jobwatch JWT authorizer',
            }),
            resultsCacheTtl: Duration.minutes(5),
          }),
        }
      : { authorizationType: apigateway.AuthorizationType.IAM };
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logRetention });
    const api = new apigateway.RestApi(this, 'Api', {
      restApiName: `jobwatch-${this.stackName}`,
      description: 'jobwatch: watch vendor jobs (IAM auth on every route)',
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
      },
      defaultMethodOptions: methodOptions,
      defaultIntegration: new apigateway.LambdaIntegration(handler, { proxy: true }),
    });
    api.root.addMethod('ANY');
    api.root.addProxy({ anyMethod: true });
    return api;
  }
}
