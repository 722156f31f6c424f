import type { Logger } from '@aws-lambda-powertools/logger';
import type { ConnectionRegistry } from '../config/connection-registry.js';
import type { CredentialsProvider } from '../config/credentials.js';
import type { EventPublisher } from '../events/job-events.js';
import type { VendorName } from '../jobs/job.js';
import type { DurationModelStore } from '../polling/duration-model.js';
import type { JobStore } from '../store/job-store.js';
import type { AnyVendorAdapter } from '../vendors/vendor-adapter.js';
import type { CallbackNotifier, WorkflowStarter } from '../workflow/workflow-ports.js';
import type { ConnectionSessions } from './connection-sessions.js';
import type { WatchMetrics, WatchTracer } from './watch-metrics.js';

export type AdapterLookup = (vendor: VendorName) => AnyVendorAdapter;

/** Everything the watch use cases need, built once per Lambda container or per local stack. */
export interface WatchServices {
  store: JobStore;
  connections: ConnectionRegistry;
  adapters: AdapterLookup;
  credentials: CredentialsProvider;
  /** What this process keeps of each connection between calls: secrets, throttle, adapter memory. */
  sessions: ConnectionSessions;
  events: EventPublisher;
  workflows: WorkflowStarter;
  callbacks: CallbackNotifier;
  logger: Logger;
  /** What the watch counts (EMF deployed, in memory locally); none: nothing is counted. */
  metrics?: WatchMetrics | undefined;
  /** Traces vendor calls (X-Ray subsegments deployed); none: they are only run. */
  tracer?: WatchTracer | undefined;
  now(): Date;
  random?: (() => number) | undefined;
  /** What each connection learned of its jobs' durations (lib/polling/duration-model.ts); absent: nothing. */
  durations?: DurationModelStore | undefined;
}
