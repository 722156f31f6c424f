import { App, type Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { z } from 'zod';
import { readJsonFile } from '../lib/config/connection-registry.js';
import type { Connection } from '../lib/config/connections.js';
import { validateConnections } from '../lib/config/validate-connections.js';
import { ConfigurationError } from '../lib/jobs/errors.js';
import { adapterFor } from '../lib/vendors/registry.js';
import { JobwatchStatefulStack } from './stateful-stack.js';
import { JobwatchStatelessStack } from './stateless-stack.js';

export interface JobwatchApp {
  app: App;
  stateful: JobwatchStatefulStack;
  stateless: JobwatchStatelessStack;
}

const DeployConfigSchema = z.object({ connections: z.array(z.unknown()) }).loose();

/**
 * Builds the CDK app. Context: `connectionsFile` (JSON with a `connections` array, as in local
 * mode but without inline credentials), `stage` (default `dev`), `jwtIssuer` + `jwtAudience`
 * (+ `jwtJwksUrl`) to use a JWT authorizer instead of IAM, `nag` ('false' skips cdk-nag).
 * Tests pass cdk.json's context here, since a bare `new App()` would not read it.
 *
 * @example const { app } = buildApp({ stage: 'test' }); app.synth();
 */
export function buildApp(context: Record<string, unknown> = {}): JobwatchApp {
  const app = new App({ context });
  const stage = String(app.node.tryGetContext('stage') ?? 'dev');
  const connections = loadConnections(app.node.tryGetContext('connectionsFile'));
  const stateful = new JobwatchStatefulStack(app, `jobwatch-${stage}-stateful`, {
    description: 'jobwatch: job table (stateful)',
  });
  const stateless = new JobwatchStatelessStack(app, `jobwatch-${stage}-stateless`, {
    description: 'jobwatch: functions, state machine, API, events (stateless)',
    // aws-cdk-lib's classes type optional members `T | undefined` where their interfaces say `T?`:
    // under exactOptionalPropertyTypes a TableV2 no longer satisfies ITableV2, which it implements.
    table: stateful.table as dynamodb.ITableV2,
    stage,
    connections,
    ...jwtContext(app),
  });
  if (app.node.tryGetContext('nag') !== 'false' && app.node.tryGetContext('nag') !== false) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    acknowledgeReviewedFindings(stateless, stage);
  }
  return { app, stateful, stateless };
}

/** `-c jwtIssuer=… -c jwtAudience=… [-c jwtJwksUrl=…]` switches the API from IAM to JWT auth. */
function jwtContext(app: App): { jwt?: { issuer: string; audience: string; jwksUrl?: string } } {
  const issuer = app.node.tryGetContext('jwtIssuer');
  const audience = app.node.tryGetContext('jwtAudience');
  if (!issuer && !audience) return {};
  if (typeof issuer !== 'string' || typeof audience !== 'string') {
    throw new Error('JWT auth needs both jwtIssuer and jwtAudience in the CDK context');
  }
  const jwksUrl = app.node.tryGetContext('jwtJwksUrl');
  return { jwt: { issuer, audience, ...(typeof jwksUrl === 'string' ? { jwksUrl } : {}) } };
}

/** Checks every connection at synth, as `npm start` does locally (lib/config/validate-connections.ts). */
function loadConnections(file: unknown): Connection[] {
  if (typeof file !== 'string' || file === '') return [];
  const parsed = DeployConfigSchema.safeParse(readJsonFile(file));
  if (!parsed.success) throw new ConfigurationError(`${file}: connections: must be an array of connections`);
  return validateConnections(parsed.data.connections, {
    source: file,
    schemasFor: adapterFor,
    credentials: 'secret',
  });
}

/**
 * Every cdk-nag finding we accept, each with the reason it is acceptable. Granular findings are
 * acknowledged one by one (`Rule[Finding]`), so a new wildcard still fails the check.
 */
const reviewedFindings = (stage: string): Array<{ id: string; reason: string }> => [
  {
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The AWS-managed minimum for a Lambda function to write its own logs.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason: "API Gateway's account-level logging role; AWS-managed and scoped to logs.",
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason:
      'Two actions without a resource form: X-Ray PutTraceSegments/PutTelemetryRecords (tracing), and SendTaskSuccess/SendTaskFailure for task tokens of caller state machines jobwatch cannot know in advance.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::<PollFunctionFBFFF505.Arn>:*]',
    reason: 'The state machine may invoke any version or alias of its own poll function (CDK grant).',
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::<RecordWatchFailureFunction07693237.Arn>:*]',
    reason: 'The state machine may invoke any version or alias of its own failure recorder (CDK grant).',
  },
  {
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:jobwatch-${stage}-watch*]`,
    reason:
      'A watch continues in a nested execution of the same state machine (.sync:2 needs its execution ARNs).',
  },
  {
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:jobwatch-${stage}-watch:*]`,
    reason:
      "DescribeExecution of this state machine's own executions, whose names (one per job and attempt) are not known at deploy time: a start or the reconciler checks whether a watch's execution still runs.",
  },
  {
    id: 'AwsSolutions::AwsSolutions-SF1',
    reason:
      'ERROR-level execution logs: every poll is a retry, and logging ALL events would log every poll. The job history is kept in DynamoDB.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-APIG2',
    reason:
      'Every request is validated by the API function with zod (field-level problem+json errors); a second copy of the schema in API Gateway would drift.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-APIG3',
    reason: 'An IAM-authorized operator API; attach a WAF web ACL in front when exposing it more widely.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-COG4',
    reason: 'The API uses IAM (SigV4) authorization on every method instead of a Cognito user pool.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'Vendor credentials are rotated by the operator at the vendor; the cursor secret only signs page cursors, and rotating it invalidates open cursors.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-SQS3',
    reason: 'These queues are the dead-letter queues of the EventBridge targets.',
  },
];

function acknowledgeReviewedFindings(stateless: Stack, stage: string): void {
  for (const finding of reviewedFindings(stage)) Validations.of(stateless).acknowledge(finding);
}

// Run by the CDK CLI (cdk.json: `npx tsx infra/app.ts`): synthesize with the CLI's context.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  buildApp().app.synth();
}
