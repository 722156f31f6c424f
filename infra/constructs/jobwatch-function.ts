import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { INDEXES } from '../../lib/store/table-design.js';
import type { ConnectionsAsset } from './connections-asset.js';
import { acknowledge } from './nag.js';

export interface JobwatchFunctionProps
  extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture' | 'tracing'> {
  /** Path of the handler module, relative to the repository root (e.g. `functions/poll.ts`). */
  entry: string;
  logRetention?: logs.RetentionDays;
  /** X-Ray's wildcard statement, shared by every function (see UnscopedActionsPolicy). */
  tracingPolicy: iam.IManagedPolicy;
  /** The connection list to ship in the code asset; functions that never read it go without. */
  connections?: ConnectionsAsset;
}

/**
 * A jobwatch Lambda with the defaults fixed once: Node 24 on arm64, bundled by the local esbuild
 * as ESM with the AWS SDK clients inside (pins their version; AWS's advice for cold starts),
 * source maps, active tracing, its own log group with retention, and — when given — the
 * deployed connections file beside the handler.
 */
export class JobwatchFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: JobwatchFunctionProps) {
    const { logRetention, environment, tracingPolicy, connections, ...rest } = props;
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    super(scope, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(30),
      logGroup,
      // Versions are what the state machine invokes; executions started on an older definition
      // still call the version it names, so old versions stay.
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
      ...rest,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'jobwatch',
        ...connections?.environment,
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        sourceMap: true,
        minify: true,
        mainFields: ['module', 'main'],
        externalModules: [],
        // Some CommonJS dependencies still call require(); ESM bundles need it defined.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        ...(connections ? { commandHooks: connections.commandHooks } : {}),
        ...rest.bundling,
      },
    });
    // Active tracing set on the resource itself: `tracing: ACTIVE` would also put X-Ray's
    // `Resource: *` statement into this role's own policy, where no wildcard is acknowledged.
    (this.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
    if (!this.role) throw new Error(`${id}: a jobwatch function always has its own role`);
    this.role.addManagedPolicy(tracingPolicy);
    acknowledge(
      this.role,
      'IAM4',
      'The AWS-managed minimum for a Lambda function to write its own logs.',
      'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    );
  }

  /**
   * Sets TABLE_NAME and grants exactly what the job store does — its four item operations on the
   * table and its listing indexes by name (no `index/*` wildcard).
   */
  bindTable(options: { table: dynamodb.ITable; accessMode: 'read' | 'readWrite' }): void {
    const { table } = options;
    this.addEnvironment('TABLE_NAME', table.tableName);
    const actions = ['dynamodb:GetItem', 'dynamodb:Query'];
    if (options.accessMode === 'readWrite') actions.push('dynamodb:PutItem', 'dynamodb:UpdateItem');
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions,
        resources: [
          table.tableArn,
          ...Object.values(INDEXES).map((index) => `${table.tableArn}/index/${index.indexName}`),
        ],
      }),
    );
  }
}
