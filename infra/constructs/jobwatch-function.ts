import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AssetHashType, DockerImage, Duration, type ILocalBundling, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CONNECTIONS_FILE_NAME } from '../../lib/config/deployed-connections.js';
import { INDEXES } from '../../lib/store/table-design.js';
import { BUNDLER_FILE } from './bundle-function.js';
import type { ConnectionsAsset } from './connections-asset.js';
import { acknowledge } from './nag.js';

export interface JobwatchFunctionProps
  extends Omit<lambda.FunctionProps, 'code' | 'handler' | 'runtime' | 'architecture' | 'tracing'> {
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
 * as ESM with the AWS SDK clients inside (pins their version; AWS's advice for cold starts) and
 * split into chunks, so a vendor's adapter is read only by the call that needs it
 * (bundle-function.ts), source maps in the asset, active tracing, its own log group with
 * retention, and — when given — the deployed connections file beside the handler.
 */
export class JobwatchFunction extends lambda.Function {
  constructor(scope: Construct, id: string, props: JobwatchFunctionProps) {
    const { logRetention, environment, tracingPolicy, connections, entry, ...rest } = props;
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
      handler: 'index.handler',
      code: functionCode(resolve(entry), connections),
      environment: {
        // Stack traces in the logs name our files and lines. Measured (npm run bench --
        // --bundles): +9 ms on a 54 ms cold import of the poll bundle, +17 MB RSS, and 0.08 ms
        // per error read: cheap since the maps carry no sources (bundle-function.ts).
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'jobwatch',
        ...connections?.environment,
        ...environment,
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

/**
 * The asset: bundle-function.ts run on the entry into CDK's output directory, then the
 * connections file beside the handler. Hashed by its output, like NodejsFunction's.
 */
function functionCode(entry: string, connections: ConnectionsAsset | undefined): lambda.Code {
  const local: ILocalBundling & Record<string, unknown> = {
    // Part of CDK's bundling cache key: another entry or connection list is another asset.
    entry,
    connectionsSha256: connections?.sha256 ?? '',
    tryBundle(outputDir: string): boolean {
      execFileSync(
        process.execPath,
        ['--import', TSX_LOADER, BUNDLER_FILE, JSON.stringify({ entry, outdir: outputDir })],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
      if (connections) writeFileSync(join(outputDir, CONNECTIONS_FILE_NAME), connections.document);
      return true;
    },
  };
  return lambda.Code.fromAsset(dirname(entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      local,
      // Never used: tryBundle bundles locally or throws.
      image: DockerImage.fromRegistry('local-bundling-only'),
    },
  });
}

/** tsx, for the child that runs the TypeScript bundler script. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
