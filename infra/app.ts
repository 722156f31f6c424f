import { App, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { z } from 'zod';
import { readJsonFile } from '../lib/config/connection-registry.js';
import type { Connection } from '../lib/config/connections.js';
import { validateConnections } from '../lib/config/validate-connections.js';
import { ConfigurationError } from '../lib/jobs/errors.js';
import { adapterFor } from '../lib/vendors/registry.js';
import { deploySettings } from './deploy-settings.js';
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
 * mode but without inline credentials), `stage` (default `dev`), `apiRateLimit` /
 * `apiBurstLimit` / `pollReservedConcurrency` (infra/deploy-settings.ts), `jwtIssuer` +
 * `jwtAudience` (+ `jwtJwksUrl`) to use a JWT authorizer instead of IAM, `nag` ('false' skips
 * cdk-nag).
 * Tests pass cdk.json's context here, since a bare `new App()` would not read it.
 *
 * @example const { app } = buildApp({ stage: 'test' }); app.synth();
 */
export function buildApp(context: Record<string, unknown> = {}): JobwatchApp {
  const app = new App({ context });
  const settings = deploySettings((key) => app.node.tryGetContext(key));
  const { stage } = settings;
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
    scale: {
      apiRateLimit: settings.apiRateLimit,
      apiBurstLimit: settings.apiBurstLimit,
      pollReservedConcurrency: settings.pollReservedConcurrency,
    },
    alarms: { topicArn: settings.alarmTopicArn, email: settings.alarmEmail },
    ...jwtContext(app),
  });
  if (app.node.tryGetContext('nag') !== 'false' && app.node.tryGetContext('nag') !== false) {
    // Every accepted finding is acknowledged on the construct it is about, finding by finding,
    // with its reason (infra/constructs/nag.ts): a new wildcard anywhere else still fails.
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
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

// Run by the CDK CLI (cdk.json: `npx tsx infra/app.ts`): synthesize with the CLI's context.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  buildApp().app.synth();
}
