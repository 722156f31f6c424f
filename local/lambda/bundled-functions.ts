import type { Connection } from '../../lib/config/connections.js';
import type { Clock } from '../clock.js';
import type { LocalCallbacks } from '../local-callbacks.js';
import { type LocalDeployment, type LocalFunction, loadLocalDeployment } from './assembly.js';
import { LocalAwsEndpoints, type LocalBus, type LocalSecret, type LocalWorkflows } from './aws-endpoints.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, stateMachineArn } from './cfn-tokens.js';
import { type InvocationType, LambdaHost } from './lambda-host.js';

export interface BundledFunctionsOptions {
  connections: readonly Connection[];
  tableName: string;
  dynamoEndpoint: string;
  clock: Clock;
  bus: LocalBus;
  callbacks: LocalCallbacks;
  /** The runner, once it exists. */
  workflows: () => LocalWorkflows;
  /** The value served for the template's cursor secret (the in-process store signs with it too). */
  cursorSecret: string;
  /** Powertools log level inside the functions. */
  logLevel?: string;
  /** Containers per function that may run at once (default 2: the machine has two cores). */
  maxConcurrency?: number;
}

/** A Lambda-like handler (the runner's and the local API server's shape). */
type Handler = (event: never, context: unknown) => Promise<never>;

export interface BundledFunctions {
  /** The deployment's functions, by role (poll, api, …, and any other function the app defines). */
  functions: Map<string, LocalFunction>;
  hosts: Map<string, LambdaHost>;
  stateMachineName: string;
  endpoints: LocalAwsEndpoints;
  /** A handler that invokes the function of this role as the given caller would. */
  handler(role: string, type: InvocationType): Handler;
  /** Waits for event deliveries in flight, then ends every worker and the endpoint server. */
  close(): Promise<void>;
}

/** Fixed dummies: a local run must never pick up, or need, real AWS credentials or config. */
const LOCAL_AWS_ENVIRONMENT = {
  AWS_REGION: LOCAL_REGION,
  AWS_DEFAULT_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_SESSION_TOKEN: 'local',
  AWS_CONFIG_FILE: '/nonexistent/jobwatch-local-aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/jobwatch-local-aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  // No X-Ray daemon and no trace header locally: the Tracer, enabled by the Lambda-like
  // environment, would log "Missing AWS Lambda trace data" on every SDK call.
  POWERTOOLS_TRACE_ENABLED: 'false',
  // Lambda sends a function's stdout to CloudWatch, which reads the EMF documents in it; here it
  // is the terminal `npm start` draws on (a JSON line per poll would break the live display).
  // Tests read the metrics of in-process handlers from the stack's in-memory recorder.
  POWERTOOLS_METRICS_DISABLED: 'true',
};

/**
 * The secrets the deployment names — the cursor secret in the template's environments, each
 * connection's credentials secret in its connections file — with the values the local config holds.
 */
function secretsFor(deployment: LocalDeployment, options: BundledFunctionsOptions): LocalSecret[] {
  const secrets = new Map<string, LocalSecret>();
  // By ARN (the template's cursor secret) or by name (a connection's default secret).
  const add = (id: string, value: string) => {
    const name = id.includes(':secret:')
      ? id.slice(id.indexOf(':secret:') + 8).replace(/-[A-Za-z0-9]{6}$/, '')
      : id;
    const arn = id.startsWith('arn:')
      ? id
      : `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${id}`;
    secrets.set(arn, { arn, name, value });
  };
  for (const fn of deployment.functions) {
    const cursor = fn.environment.CURSOR_SECRET_ARN;
    if (cursor) add(cursor, options.cursorSecret);
  }
  const byName = new Map(options.connections.map((connection) => [connection.name, connection]));
  for (const deployed of deployment.connections) {
    const credentials = byName.get(deployed.name)?.credentials;
    if (deployed.credentialsSecret && credentials)
      add(deployed.credentialsSecret, JSON.stringify(credentials));
  }
  return [...secrets.values()];
}

/**
 * jobwatch's functions as they deploy: the bundles from the synthesized assembly, each in its own
 * Lambda host with the template's environment, talking to the local stack through the real AWS
 * SDK — DynamoDB to dynalite, Step Functions, EventBridge and Secrets Manager to the local
 * endpoint server.
 */
export async function startBundledFunctions(options: BundledFunctionsOptions): Promise<BundledFunctions> {
  const deployment = await loadLocalDeployment(options.connections, { tableName: options.tableName });
  const endpoints = new LocalAwsEndpoints({
    clock: options.clock,
    eventBusName: deployment.eventBusName,
    bus: options.bus,
    stateMachineArn: stateMachineArn(deployment.stateMachineName),
    workflows: options.workflows,
    callbacks: options.callbacks,
    secrets: secretsFor(deployment, options),
  });
  await endpoints.start();
  const overrides = {
    ...LOCAL_AWS_ENVIRONMENT,
    ...endpoints.endpointEnvironment(),
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamoEndpoint,
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'ERROR',
  };
  const functions = new Map(deployment.functions.map((fn) => [fn.role, fn]));
  const hosts = new Map<string, LambdaHost>();
  try {
    for (const fn of deployment.functions) {
      hosts.set(
        fn.role,
        new LambdaHost({
          fn: { ...fn, name: fn.logicalId },
          overrides,
          clock: options.clock,
          maxConcurrency: options.maxConcurrency ?? 2,
        }),
      );
    }
    // One warm container per function before the stack answers (see LambdaHost.warm).
    await Promise.all([...hosts.values()].map((host) => host.warm()));
  } catch (error) {
    await Promise.allSettled([...hosts.values()].map((host) => host.close()));
    await endpoints.close();
    throw error;
  }
  return {
    functions,
    hosts,
    stateMachineName: deployment.stateMachineName,
    endpoints,
    handler: (role, type) => {
      const host = hosts.get(role);
      if (!host) throw new Error(`The app defines no ${role} function`);
      return ((event: unknown) => host.invoke(event, type)) as unknown as Handler;
    },
    close: async () => {
      await endpoints.drain();
      await Promise.allSettled([...hosts.values()].map((host) => host.close()));
      await endpoints.close();
    },
  };
}
