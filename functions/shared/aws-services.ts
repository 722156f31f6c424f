import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StaticConnectionRegistry } from '../../lib/config/connection-registry.js';
import { SecretsManagerCredentialsProvider } from '../../lib/config/credentials-providers.js';
import { readDeployedConnections } from '../../lib/config/deployed-connections.js';
import { requireEnv } from '../../lib/config/environment.js';
import { EventBridgePublisher } from '../../lib/events/eventbridge-publisher.js';
import { ConfigurationError } from '../../lib/jobs/errors.js';
import { DynamoJobStore } from '../../lib/store/dynamo-job-store.js';
import { adapterFor } from '../../lib/vendors/registry.js';
import { ConnectionSessions } from '../../lib/watch/connection-sessions.js';
import type { WatchServices } from '../../lib/watch/watch-services.js';
import { SfnCallbackNotifier, SfnWorkflowStarter } from '../../lib/workflow/sfn-ports.js';

export const logger = new Logger({ serviceName: 'jobwatch' });

let services: Promise<WatchServices> | undefined;

/**
 * The deployed wiring, built once per Lambda container on first use (not at import, so the
 * local stack can import the same handler modules without AWS environment variables).
 */
export function awsWatchServices(): Promise<WatchServices> {
  services ??= buildAwsServices().catch((error: unknown) => {
    services = undefined;
    throw error;
  });
  return services;
}

async function buildAwsServices(): Promise<WatchServices> {
  const secrets = new SecretsProvider();
  const cursorSecret = await secrets.get(requireEnv('CURSOR_SECRET_ARN'), { maxAge: 3600 });
  if (typeof cursorSecret !== 'string' || cursorSecret.length < 16) {
    throw new ConfigurationError('The cursor signing secret is missing or too short');
  }
  // Shipped in the code asset, not the environment (lib/config/deployed-connections.ts): read
  // once per container, with the services.
  const connections = readDeployedConnections(process.env);
  const stateMachineArn = process.env.STATE_MACHINE_ARN;
  const sfn = new SFNClient({});
  return {
    store: new DynamoJobStore({
      tableName: requireEnv('TABLE_NAME'),
      client: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
        marshallOptions: { removeUndefinedValues: true },
      }),
      cursorSecret,
    }),
    connections: new StaticConnectionRegistry(connections),
    adapters: adapterFor,
    credentials: new SecretsManagerCredentialsProvider(secrets),
    sessions: new ConnectionSessions(),
    events: new EventBridgePublisher(requireEnv('EVENT_BUS_NAME'), new EventBridgeClient({})),
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
    now: () => new Date(),
  };
}
