import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { INDEXES } from '../../lib/store/table-design.js';

export interface JobwatchFunctionProps
  extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture'> {
  /** Path of the handler module, relative to the repository root (e.g. `functions/poll.ts`). */
  entry: string;
  logRetention?: logs.RetentionDays;
}

/**
 * A jobwatch Lambda with the defaults fixed once: Node 24 on arm64, bundled by the local esbuild
 * as ESM with the AWS SDK clients inside (pins their version; AWS's advice for cold starts),
 * source maps, active tracing, its own log group with retention.
 */
export class JobwatchFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: JobwatchFunctionProps) {
    const { logRetention, environment, ...rest } = props;
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    super(scope, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      // Versions are what the state machine invokes; executions started on an older definition
      // still call the version it names, so old versions stay.
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
      ...rest,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'jobwatch',
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
        ...rest.bundling,
      },
    });
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
