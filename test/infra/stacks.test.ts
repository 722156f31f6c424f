import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWatchDefinition } from '../../infra/local-definition.js';
import {
  API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS,
  API_MARGIN_MS,
  API_VENDOR_BUDGET_MS,
  POLL_MARGIN_MS,
  POLL_VENDOR_BUDGET_MS,
} from '../../lib/config/time-budgets.js';
import { INDEXES } from '../../lib/store/table-design.js';
import { functionId, roleOf, statementsOfRole, synthesize } from './synthesize.js';

const run = promisify(execFile);

describe('the CDK app', () => {
  let templates: ReturnType<typeof synthesize>;
  beforeAll(() => {
    templates = synthesize();
  });

  it('keeps the table on-demand, point-in-time recoverable, retained, with TTL and the store’s indexes', () => {
    const { stateful } = templates;

    stateful.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: Match.arrayWith(
          Object.values(INDEXES).map((index) => Match.objectLike({ IndexName: index.indexName })),
        ),
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
      }),
    });
  });

  it('runs every function on Node 24, arm64, traced, with a log group that expires', () => {
    const { stateless } = templates;

    const functions = stateless.findResources('AWS::Lambda::Function', {
      Properties: { Runtime: 'nodejs24.x' },
    });
    // poll, record-watch-failure, api, watch-requested, execution-ended, reconcile
    expect(Object.keys(functions)).toHaveLength(6);
    for (const resource of Object.values(functions)) {
      expect(resource.Properties).toMatchObject({
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
    }
    const logGroups = stateless.findResources('AWS::Logs::LogGroup');
    for (const group of Object.values(logGroups)) expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('defines a Standard state machine whose poll Retry is the loop, with named endings and a fire-and-forget continuation', () => {
    const { stateless } = templates;
    const machines = stateless.findResources('AWS::StepFunctions::StateMachine');
    const [machine] = Object.values(machines);
    const definition = JSON.stringify(machine?.Properties.DefinitionString);

    expect(machine?.Properties.StateMachineType).toBe('STANDARD');
    expect(definition).toContain('PollIn5s');
    expect(definition).toContain('PollIn1800s');
    expect(definition).toContain('JobFailed');
    expect(definition).toContain('ErrorPath');
    // Continuations start fire and forget; only the root waits, as a waiter of its job.
    expect(definition).toContain('states:::states:startExecution\\"');
    expect(definition).not.toContain('startExecution.sync');
    expect(definition).toContain('lambda:invoke.waitForTaskToken');
    expect(definition).toContain('$$.Task.Token');
    expect(definition).toContain('$$.State.RetryCount');
    expect(definition).toContain('$$.State.EnteredTime');
    expect(definition).not.toContain('DescribeContinuation');
    expect(definition).not.toContain('"ErrorEquals\\":[\\"States.TaskFailed\\"],\\"IntervalSeconds');
  });

  it('gives the poll function time for a whole poll budget and answers API calls before API Gateway’s 29 s', () => {
    const { stateless } = templates;
    const timeoutOf = (name: string) => {
      const found = Object.values(
        stateless.findResources('AWS::Lambda::Function', { Properties: { Description: `jobwatch ${name}` } }),
      );
      expect(found).toHaveLength(1);
      return found[0]?.Properties.Timeout as number;
    };

    const poll = timeoutOf('PollFunction');
    const api = timeoutOf('ApiFunction');

    // 45 s of vendor requests + 15 s for the store, events, credentials: 60 s.
    expect(poll * 1000).toBeGreaterThanOrEqual(POLL_VENDOR_BUDGET_MS + POLL_MARGIN_MS);
    expect(api * 1000).toBeGreaterThanOrEqual(API_VENDOR_BUDGET_MS + API_MARGIN_MS);
    expect(api).toBeLessThan(API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS);
    expect(API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS).toBe(29);
  });

  it('has the state machine invoke published, retained versions of its functions, never $LATEST', () => {
    const { stateless } = templates;
    const versions = stateless.findResources('AWS::Lambda::Version');
    expect(Object.keys(versions).length).toBeGreaterThanOrEqual(2);
    for (const version of Object.values(versions)) expect(version.DeletionPolicy).toBe('Retain');
    const machine = Object.values(stateless.findResources('AWS::StepFunctions::StateMachine'))[0];
    const definition = JSON.stringify(machine?.Properties?.DefinitionString);
    for (const versionId of Object.keys(versions)) {
      if (versionId.startsWith('PollFunction') || versionId.startsWith('RecordWatchFailureFunction')) {
        expect(definition).toContain(versionId);
      }
    }
    // An unqualified function ARN would resolve to the newest code for running executions.
    const functionIds = Object.keys(stateless.findResources('AWS::Lambda::Function'));
    for (const functionId of functionIds) expect(definition).not.toContain(`"${functionId}","Arn"`);
  });

  it('puts IAM authorization on every API method', () => {
    const { stateless } = templates;

    const methods = stateless.findResources('AWS::ApiGateway::Method');
    expect(Object.keys(methods).length).toBeGreaterThan(0);
    for (const method of Object.values(methods)) {
      if (method.Properties.HttpMethod === 'OPTIONS') continue;
      expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
    }
  });

  it('switches every API method but the dashboard page to a JWT token authorizer when an issuer is configured', () => {
    const { stateless } = synthesize({ jwtIssuer: 'https://login.example.com/', jwtAudience: 'jobwatch' });

    // The dashboard's two open GETs are checked in api-dashboard.test.ts.
    const methods = Object.values(stateless.findResources('AWS::ApiGateway::Method')).filter(
      (method) => method.Properties.HttpMethod !== 'GET',
    );
    expect(methods.length).toBeGreaterThan(0);
    for (const method of methods) expect(method.Properties.AuthorizationType).toBe('CUSTOM');
    stateless.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'TOKEN' });
  });

  it('grants the table by index name, never dynamodb:* nor index/*', () => {
    const { stateless } = templates;

    const policies = JSON.stringify(stateless.findResources('AWS::IAM::Policy'));
    expect(policies).not.toContain('dynamodb:*');
    expect(policies).not.toContain('/index/*');
    expect(policies).toContain('/index/byStatus');
  });

  it('routes "Watch Job Requested" events to the start function, with a dead-letter queue', () => {
    templates.stateless.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['jobwatch.requests'], 'detail-type': ['Watch Job Requested'] },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
  });

  it('runs the reconciler every 5 minutes, allowed to describe and start only this state machine’s executions', () => {
    const { stateless } = templates;
    const functions = stateless.findResources('AWS::Lambda::Function', {
      Properties: { Description: 'jobwatch ReconcileFunction' },
    });
    const [reconcileId] = Object.keys(functions);
    expect(reconcileId).toBeDefined();

    stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [reconcileId, 'Arn'] } })],
    });
    const role = roleOf(functions[reconcileId as string]) as string;
    const statements = statementsOfRole(stateless, role) as Array<{ Action: unknown; Resource: unknown }>;
    const describe = statements.find((statement) => statement.Action === 'states:DescribeExecution');
    expect(JSON.stringify(describe?.Resource)).toContain(':execution:jobwatch-test-watch:*');
    expect(statements.some((statement) => statement.Action === 'states:StartExecution')).toBe(true);
    const actions = JSON.stringify(statements.map((statement) => statement.Action));
    expect(actions).not.toContain('states:*');
    expect(actions).not.toContain('states:SendTask');
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('lets every function that sees a watch end answer its waiters’ task tokens', () => {
    const { stateless } = templates;
    const functions = stateless.findResources('AWS::Lambda::Function');
    for (const name of [
      'PollFunction',
      'RecordWatchFailureFunction',
      'ExecutionEndedFunction',
      'ApiFunction',
      'WatchRequestedFunction',
    ]) {
      const role = roleOf(functions[functionId(stateless, name)]) as string;
      expect(JSON.stringify(statementsOfRole(stateless, role)), name).toContain('states:SendTaskFailure');
    }
    const reconcileRole = roleOf(functions[functionId(stateless, 'ReconcileFunction')]) as string;
    expect(JSON.stringify(statementsOfRole(stateless, reconcileRole))).not.toContain('states:SendTask');
  });

  it('scopes every execution ARN to this state machine’s own executions (`<name>:*`, colon included)', () => {
    const { stateless } = templates;
    const policies = JSON.stringify({
      ...stateless.findResources('AWS::IAM::Policy'),
      ...stateless.findResources('AWS::IAM::ManagedPolicy'),
    });
    const executionArns = policies.match(/:execution:[^"]*/g) ?? [];

    expect(executionArns.length).toBeGreaterThanOrEqual(4); // the state machine, api, watch-requested, reconcile
    for (const arn of executionArns) expect(arn).toBe(':execution:jobwatch-test-watch:*');
    // Starting a continuation: StartExecution on this machine. The rest is for executions of
    // the previous definition (`.sync:2`), still running across a deploy.
    const machineRole = Object.keys(stateless.findResources('AWS::IAM::Role')).find((id) =>
      id.startsWith('WatchStateMachineRole'),
    ) as string;
    const statements = JSON.stringify(statementsOfRole(stateless, machineRole));
    expect(statements).toContain('"states:StopExecution"');
    expect(statements).toContain(':stateMachine:jobwatch-test-watch"');
    expect(statements).toContain(':rule/StepFunctionsGetEventsForStepFunctionsExecutionRule');
  });

  it('gives every EventBridge-triggered function an on-failure destination: an encrypted, TLS-only queue', () => {
    const { stateless } = templates;
    const queues = stateless.findResources('AWS::SQS::Queue');
    const queuePolicies = Object.values(stateless.findResources('AWS::SQS::QueuePolicy'));

    for (const name of ['WatchRequestedFunction', 'ExecutionEndedFunction', 'ReconcileFunction']) {
      const id = functionId(stateless, name);
      const [config] = Object.values(
        stateless.findResources('AWS::Lambda::EventInvokeConfig', {
          Properties: { FunctionName: { Ref: id } },
        }),
      );
      const destination = config?.Properties.DestinationConfig?.OnFailure?.Destination as
        | { 'Fn::GetAtt': [string, string] }
        | undefined;
      const queueId = destination?.['Fn::GetAtt'][0] as string;
      expect(queues[queueId], name).toBeDefined();
      expect(queues[queueId]?.Properties.SqsManagedSseEnabled, name).toBe(true);
      const denyInsecure = queuePolicies.some(
        (policy) =>
          JSON.stringify(policy.Properties.Queues).includes(`"${queueId}"`) &&
          JSON.stringify(policy.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'),
      );
      expect(denyInsecure, name).toBe(true);
      // The rule delivers to the function with the same queue as its dead-letter queue.
      stateless.hasResourceProperties('AWS::Events::Rule', {
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [id, 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          }),
        ],
      });
    }
  });

  it('logs only the executions that fail, stop or time out (FATAL), with their error and cause', () => {
    templates.stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'FATAL', IncludeExecutionData: true }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('hands the local stack the synthesized definition with every token resolved', async () => {
    const definition = (await loadWatchDefinition()) as { StartAt: string; States: Record<string, unknown> };

    expect(definition.StartAt).toBe('Poll');
    expect(JSON.stringify(definition)).not.toMatch(/Fn::|"Ref"/);
  });

  it('synthesizes offline with the CDK CLI, bundling every function', async () => {
    const output = mkdtempSync(join(tmpdir(), 'jobwatch-cdk-out-'));
    try {
      await run('npx', ['cdk', 'synth', '--quiet', '--output', output], {
        env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
        timeout: 240_000,
      });
      const manifest = JSON.parse(readFileSync(join(output, 'manifest.json'), 'utf8')) as {
        artifacts: Record<string, unknown>;
      };
      expect(Object.keys(manifest.artifacts)).toEqual(
        expect.arrayContaining(['jobwatch-dev-stateful', 'jobwatch-dev-stateless']),
      );
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  }, 300_000);
});
