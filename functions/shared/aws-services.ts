import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StaticConnectionRegistry } from '../../lib/config/connection-registry.js';
import { SecretsManagerCredentialsProvider } from '../../lib/config/credentials-providers.js';
import { readDeployedConnections } from '../../lib/config/deployed-connections.js';
import { requireEnv } from '../../lib/config/environment.js';
import { EventBridgePublisher } from '../../lib/events/eventbridge-publisher.js';
import { ConfigurationError } from '../../lib/jobs/errors.js';
import type { Job, VendorName } from '../../lib/jobs/job.js';
import { SketchBackedDurationStore } from '../../lib/polling/duration-model.js';
import { DynamoDurationSketches } from '../../lib/store/duration-sketches.js';
import { DynamoJobStore } from '../../lib/store/dynamo-job-store.js';
import { AdapterLoader } from '../../lib/vendors/adapter-loader.js';
import type { AnyVendorAdapter } from '../../lib/vendors/vendor-adapter.js';
import { ConnectionSessions } from '../../lib/watch/connection-sessions.js';
import type { WatchServices } from '../../lib/watch/watch-services.js';
import { SfnCallbackNotifier, SfnWorkflowStarter } from '../../lib/workflow/sfn-ports.js';
import { logger } from './logger.js';
import { PowertoolsWatchMetrics, tracer, XrayWatchTracer } from './observability.js';

export { logger };

/**
 * What one call needs of the vendor adapters: the adapter of the connection it names, if any,
 * and of every job it reads (loaded as the store returns the job, so no read is added).
 */
export interface AdapterNeeds {
  connection?: string | undefined;
}

let services: Promise<WatchServices> | undefined;
let adapters: AdapterLoader | undefined;

/**
 * The deployed wiring with vendor adapters, each loaded on demand (a chunk of its own in the
 * bundle): see {@link AdapterNeeds}; a caller that cannot say what it needs gets the adapters of
 * every configured connection. An unknown connection loads nothing: the use case refuses it.
 */
export async function awsWatchServices(needs?: AdapterNeeds): Promise<WatchServices> {
  adapters ??= new AdapterLoader();
  const loader = adapters;
  const loadFor = (built: WatchServices, connection: string | undefined) =>
    Promise.all(vendorsOf(built, connection).map((vendor) => loader.load(vendor)));
  const built = await sharedServices({
    lookup: loader.lookup,
    jobRead: (readBy, job) => loadFor(readBy, job.connection),
  });
  if (needs) await loadFor(built, needs.connection);
  else await Promise.all(configuredVendors(built).map((vendor) => loader.load(vendor)));
  return built;
}

/**
 * The deployed wiring for functions that never call a vendor (the reconciler and the failure
 * recorder): no adapter, and none in their bundles.
 */
export function awsServicesWithoutAdapters(): Promise<WatchServices> {
  return sharedServices({ lookup: noAdapters });
}

function noAdapters(vendor: string): AnyVendorAdapter {
  throw new ConfigurationError(`This function calls no vendor adapter, yet ${vendor}'s was asked for`);
}

function configuredVendors(built: WatchServices): VendorName[] {
  return [...new Set(built.connections.list().map((connection) => connection.vendor))];
}

function vendorsOf(built: WatchServices, connection: string | undefined): VendorName[] {
  if (connection === undefined) return [];
  try {
    return [built.connections.get(connection).vendor];
  } catch {
    return [];
  }
}

interface AdapterWiring {
  lookup: WatchServices['adapters'];
  /** Runs before the store hands out a job it read. */
  jobRead?: (services: WatchServices, job: Job) => Promise<unknown>;
}

/**
 * The deployed wiring, built once per Lambda container on first use (not at import, so the
 * local stack can import the same handler modules without AWS environment variables).
 */
function sharedServices(wiring: AdapterWiring): Promise<WatchServices> {
  services ??= buildAwsServices(wiring).catch((error: unknown) => {
    services = undefined;
    throw error;
  });
  return services;
}

async function buildAwsServices(wiring: AdapterWiring): Promise<WatchServices> {
  // Every AWS SDK call is a subsegment of the invocation's trace.
  const secrets = new SecretsProvider({
    awsSdkV3Client: tracer.captureAWSv3Client(new SecretsManagerClient({})),
  });
  const cursorSecret = await secrets.get(requireEnv('CURSOR_SECRET_ARN'), { maxAge: 3600 });
  if (typeof cursorSecret !== 'string' || cursorSecret.length < 16) {
    throw new ConfigurationError('The cursor signing secret is missing or too short');
  }
  // Shipped in the code asset, not the environment (lib/config/deployed-connections.ts): read
  // once per container, with the services.
  const connections = readDeployedConnections(process.env);
  const stateMachineArn = process.env.STATE_MACHINE_ARN;
  const sfn = tracer.captureAWSv3Client(new SFNClient({}));
  const built: WatchServices = {
    store: new DynamoJobStore({
      tableName: requireEnv('TABLE_NAME'),
      client: DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
        marshallOptions: { removeUndefinedValues: true },
      }),
      cursorSecret,
    }),
    connections: new StaticConnectionRegistry(connections),
    adapters: wiring.lookup,
    credentials: new SecretsManagerCredentialsProvider(secrets),
    sessions: new ConnectionSessions(),
    events: new EventBridgePublisher(
      requireEnv('EVENT_BUS_NAME'),
      tracer.captureAWSv3Client(new EventBridgeClient({})),
    ),
    workflows: stateMachineArn
      ? new SfnWorkflowStarter(stateMachineArn, sfn)
      : {
          start: async () => {
            throw new ConfigurationError(
              'Environment variable STATE_MACHINE_ARN is required to start watches',
            );
          },
        },
    callbacks: new SfnCallbackNotifier(sfn),
    logger,
    metrics: new PowertoolsWatchMetrics(),
    tracer: new XrayWatchTracer(),
    // Learned durations, beside the jobs: read once per container and connection (cached), written per ending.
    durations: new SketchBackedDurationStore(
      new DynamoDurationSketches({ tableName: requireEnv('TABLE_NAME') }),
    ),
    now: () => new Date(),
  };
  const { jobRead } = wiring;
  if (jobRead) {
    const getJob = built.store.getJob.bind(built.store);
    built.store.getJob = async (jobId) => {
      const job = await getJob(jobId);
      if (job) await jobRead(built, job);
      return job;
    };
  }
  return built;
}
