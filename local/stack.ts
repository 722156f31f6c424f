import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createApiHandler } from '../functions/api.js';
import { createExecutionEndedHandler } from '../functions/execution-ended.js';
import { createPollHandler } from '../functions/poll.js';
import { createRecordWatchFailureHandler } from '../functions/record-watch-failure.js';
import { createWatchRequestedHandler } from '../functions/watch-requested.js';
import { loadWatchDefinition } from '../infra/local-definition.js';
import { StaticConnectionRegistry } from '../lib/config/connection-registry.js';
import { InlineCredentialsProvider } from '../lib/config/credentials-providers.js';
import { DETAIL_TYPES, REQUEST_EVENT_SOURCE } from '../lib/events/job-events.js';
import { SketchBackedDurationStore } from '../lib/polling/duration-model.js';
import { DynamoDurationSketches } from '../lib/store/duration-sketches.js';
import { DynamoJobStore } from '../lib/store/dynamo-job-store.js';
import { adapterFor } from '../lib/vendors/registry.js';
import { ConnectionSessions } from '../lib/watch/connection-sessions.js';
import { type ReconcileResult, reconcile } from '../lib/watch/reconcile.js';
import { RecordedWatchMetrics } from '../lib/watch/watch-metrics.js';
import type { AdapterLookup, WatchServices } from '../lib/watch/watch-services.js';
import { LocalApiServer } from './api-server.js';
import { type Clock, systemClock } from './clock.js';
import { createLocalTable, localDynamoClient, startDynalite } from './dynalite.js';
import { eventBridgeEnvelope, LocalEventBus } from './event-bus.js';
import { type BundledFunctions, startBundledFunctions } from './lambda/bundled-functions.js';
import { LocalCallbacks } from './local-callbacks.js';
import type { LocalConfig } from './local-config.js';
import {
  type LocalWorkflowHandlers,
  LocalWorkflowRunner,
  type LocalWorkflowRunnerOptions,
} from './workflow-runner.js';

export interface LocalStackOptions {
  config: LocalConfig;
  clock?: Clock;
  /** Powertools log level for the stack's own logs (default ERROR: the console is for progress). */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Swap an adapter (tests of adapter failure modes; in-process functions only). */
  adapters?: AdapterLookup;
  /**
   * 'bundled' runs the functions' deployed artifacts (the synthesized, minified bundles) in Lambda
   * hosts, with the template's environments; 'source' (the default) runs the handlers from source
   * in this process, as `adapters` and `workflow` need.
   */
  functions?: 'bundled' | 'source';
  /** Keep execution event logs (for transition counting in tests). */
  keepEventLogs?: boolean;
  /** Fail task attempts as the service would (a throttled invoke, a timed-out Lambda): see LocalWorkflowRunner. */
  injectFault?: LocalWorkflowRunnerOptions['injectFault'];
  random?: () => number;
  /**
   * Run another polling design on the same stack (the benchmark's classic poller): its own
   * definition and poll handler, built from the stack's services.
   */
  workflow?: {
    definition: object;
    createPollHandler: (services: () => Promise<WatchServices>) => LocalWorkflowHandlers['poll'];
    waitSeconds?: Record<string, number>;
  };
  /**
   * The reconciler (restarts jobs that say WATCHING without a live execution): with a
   * `config.dataDir` it runs at start-up and every 300 clock seconds, as the deployed schedule
   * does; `everySeconds` turns the periodic run on without a data directory, `false` turns it off.
   */
  reconcile?: { everySeconds?: number } | false;
}

export interface LocalStack {
  apiUrl: string;
  services: WatchServices;
  runner: LocalWorkflowRunner;
  bus: LocalEventBus;
  callbacks: LocalCallbacks;
  clock: Clock;
  /** The document client the store uses (benchmarks count its writes with a middleware). */
  dynamo: DynamoDBDocumentClient;
  /** The bundled functions' hosts and endpoints (with `functions: 'bundled'`). */
  bundled?: BundledFunctions | undefined;
  close(): Promise<void>;
}

const fakeContext = { functionName: 'local', awsRequestId: 'local' } as never;

/**
 * Brings up jobwatch on the embedded stack: dynalite for DynamoDB, the synthesized state machine
 * run by aws-local-stepfunctions, the API handler behind a loopback HTTP server, an in-process
 * event bus with the same two rules as the deployed app. No AWS account, no Docker.
 *
 * @example
 * const stack = await startLocalStack({ config: { connections } });
 * await fetch(`${stack.apiUrl}/jobs`, { method: 'POST', body: JSON.stringify({ connection, job }) });
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const clock = options.clock ?? systemClock;
  const logger = new Logger({ serviceName: 'jobwatch-local', logLevel: options.logLevel ?? 'ERROR' });
  const dynamo = await startDynalite({
    ...(options.config.dataDir ? { dataDir: options.config.dataDir } : {}),
    createTableMs: 0,
  });
  const { client, documentClient } = localDynamoClient(dynamo.endpoint);
  const tableName = 'jobwatch-local-jobs';
  await createLocalTable(client, tableName);

  const bus = new LocalEventBus((error, event) =>
    logger.error('Event rule target failed', { detailType: event['detail-type'], error: error as Error }),
  );
  const callbacks = new LocalCallbacks();
  const definition = options.workflow?.definition ?? (await loadWatchDefinition());
  const cursorSecret = randomBytes(32).toString('hex');
  if (options.functions === 'bundled' && (options.adapters || options.workflow)) {
    throw new Error("functions: 'bundled' runs the deployed bundles, which take no adapters or workflow");
  }
  const bundled: BundledFunctions | undefined =
    options.functions === 'bundled'
      ? await startBundledFunctions({
          connections: options.config.connections,
          tableName,
          dynamoEndpoint: dynamo.endpoint,
          clock,
          bus,
          callbacks,
          workflows: (): LocalWorkflowRunner => runner,
          cursorSecret,
          logLevel: options.logLevel ?? 'ERROR',
        })
      : undefined;

  // The runner needs the services (for its handlers) and the services need the runner (to start
  // executions): tie the knot through this holder.
  let services: WatchServices | undefined;
  const getServices = async (): Promise<WatchServices> => {
    if (!services) throw new Error('Local stack is not ready');
    return services;
  };
  const executionEnded =
    bundled?.handler('executionEnded', 'event') ?? createExecutionEndedHandler(getServices);
  let closing = false;
  const runner = new LocalWorkflowRunner({
    definition,
    clock,
    callbacks,
    keepEventLogs: options.keepEventLogs,
    injectFault: options.injectFault,
    waitSeconds: options.workflow?.waitSeconds,
    onTargetError: (error) => logger.error('Execution-ended target failed', { error: error as Error }),
    ...(bundled ? { stateMachineName: bundled.stateMachineName } : {}),
    handlers: workflowHandlers(options, bundled, getServices),
    // The deployed app's rule on execution status changes, with the EventBridge envelope it sends.
    onExecutionEnded: async (change) => {
      // Shutting down aborts every execution; that is not a caller stopping a watch.
      if (closing) return;
      await executionEnded(
        eventBridgeEnvelope('aws.states', 'Step Functions Execution Status Change', change) as never,
        fakeContext,
      );
    },
  });
  services = {
    store: new DynamoJobStore({
      tableName,
      client: documentClient,
      cursorSecret,
    }),
    connections: new StaticConnectionRegistry(options.config.connections),
    adapters: options.adapters ?? adapterFor,
    credentials: new InlineCredentialsProvider(),
    sessions: new ConnectionSessions(),
    events: bus,
    workflows: runner,
    callbacks,
    logger,
    // The metrics the deployed functions publish, kept in memory for tests and the console.
    metrics: new RecordedWatchMetrics(),
    now: () => new Date(clock.now()),
    random: options.random,
    // The deployed sketches over dynalite; the cache counts in the stack's clock.
    durations: new SketchBackedDurationStore(
      new DynamoDurationSketches({ tableName, client: documentClient }),
      {
        now: () => clock.now(),
      },
    ),
  };

  // The deployed app's "Watch Job Requested" rule.
  const watchRequested =
    bundled?.handler('watchRequested', 'event') ?? createWatchRequestedHandler(getServices);
  bus.on(async (event) => {
    if (event.source !== REQUEST_EVENT_SOURCE) return;
    await watchRequested(event as never, fakeContext);
  }, DETAIL_TYPES.watchRequested);

  const api = new LocalApiServer({
    handler: (bundled?.handler('api', 'sync') ?? createApiHandler(getServices)) as never,
    port: options.config.api?.port ?? 0,
    token: options.config.api?.token,
  });
  const apiUrl = await api.start();

  const reconciler = await startReconcilerSchedule(services, logger, clock, options);

  return {
    apiUrl,
    services,
    runner,
    bus,
    callbacks,
    clock,
    dynamo: documentClient,
    bundled,
    close: async () => {
      closing = true;
      await reconciler.stop();
      runner.abortAll();
      await api.close();
      await Promise.allSettled([...runner.executions.values()].map((execution) => execution.outcome));
      // A poll that was running when its execution was aborted still writes; let it, then close.
      await runner.drain();
      await bundled?.close();
      client.destroy();
      await dynamo.close();
    },
  };
}

/** The state machine's task handlers: the bundles' in Lambda hosts, or the handlers from source. */
function workflowHandlers(
  options: LocalStackOptions,
  bundled: BundledFunctions | undefined,
  getServices: () => Promise<WatchServices>,
): LocalWorkflowHandlers {
  if (bundled) {
    return {
      poll: bundled.handler('poll', 'stepFunctions'),
      recordWatchFailure: bundled.handler('recordWatchFailure', 'stepFunctions'),
    };
  }
  return {
    poll: options.workflow?.createPollHandler(getServices) ?? (createPollHandler(getServices) as never),
    recordWatchFailure: createRecordWatchFailureHandler(getServices) as never,
  };
}

/**
 * The deployed app's reconciler schedule. Runs one at a time, each going on where the last one
 * stopped; `stop` ends the schedule and waits for the run in progress.
 */
async function startReconcilerSchedule(
  services: WatchServices,
  logger: Logger,
  clock: Clock,
  options: LocalStackOptions,
): Promise<{ stop(): Promise<void> }> {
  let reconciling: Promise<void> = Promise.resolve();
  let resumeBefore: ReconcileResult['resumeBefore'] = {};
  let stopped = false;
  const run = (minAgeSeconds: number): Promise<void> => {
    reconciling = reconciling.then(() =>
      reconcile(services, { minAgeSeconds, resumeBefore }).then(
        (result) => {
          resumeBefore = result.resumeBefore;
        },
        (error: unknown) => logger.error('Reconciler run failed', { error: error as Error }),
      ),
    );
    return reconciling;
  };
  const everySeconds =
    options.reconcile === false
      ? undefined
      : (options.reconcile?.everySeconds ?? (options.config.dataDir ? 300 : undefined));
  // At start-up nothing else can be starting a watch on this data: every WATCHING job is due.
  if (options.config.dataDir && options.reconcile !== false) await run(0);
  const timer =
    everySeconds === undefined
      ? undefined
      : setInterval(() => {
          if (!stopped) void run(120);
        }, everySeconds * clock.realMsPerSecond);
  timer?.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await reconciling;
    },
  };
}
