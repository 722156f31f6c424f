import type { JobStatus } from '../jobs/job-status.js';

/** The CloudWatch namespace jobwatch's own metrics are published in (functions and dashboard). */
export const METRICS_NAMESPACE = 'jobwatch';

/**
 * Every metric carries these dimensions (plus Powertools' `service`): a bounded set — vendors
 * are a fixed list and connection names the operator's configuration. Never a job id.
 */
export const METRIC_DIMENSIONS = ['vendor', 'connection'] as const;

/** How reading the vendor went for one poll: the watch issue kinds, or ok. */
export type VendorOutcome = 'ok' | 'transport' | 'auth' | 'protocol' | 'internal';

/** Metric names, one per outcome and ending, so one invocation's metrics share one dimension set. */
export const METRIC_NAMES = {
  polls: 'Polls',
  vendor: {
    ok: 'VendorOk',
    transport: 'VendorTransportErrors',
    auth: 'VendorAuthErrors',
    protocol: 'VendorProtocolErrors',
    internal: 'VendorInternalErrors',
  },
  detectionDelay: 'DetectionDelay',
  ended: {
    SUCCEEDED: 'JobsSucceeded',
    FAILED: 'JobsFailed',
    CANCELLED: 'JobsCancelled',
    LOST: 'JobsLost',
    TIMED_OUT: 'JobsTimedOut',
  },
  watchFailed: 'WatchFailed',
} as const satisfies {
  polls: string;
  vendor: Record<VendorOutcome, string>;
  detectionDelay: string;
  ended: Partial<Record<JobStatus, string>>;
  watchFailed: string;
};

/** What a metric is about: the vendor and the connection (never the job). */
export interface MetricScope {
  vendor: string;
  connection: string;
}

/**
 * What the watch counts, kept free of any metrics library: Powertools Metrics (EMF) in the
 * functions, an in-memory recorder locally.
 */
export interface WatchMetrics {
  /** One poll read (or tried to read) the vendor. */
  poll(scope: MetricScope): void;
  /** How that read went. */
  vendorOutcome(scope: MetricScope, outcome: VendorOutcome): void;
  /** From when the vendor says the job ended to when jobwatch stored it, seconds. */
  detectionDelay(scope: MetricScope, seconds: number): void;
  /** A job reached a final status. */
  jobEnded(scope: MetricScope, status: JobStatus): void;
  /** A watch broke down (the state machine's WatchFailed path). */
  watchFailed(scope: MetricScope): void;
}

/** One recorded data point. */
export interface RecordedMetric {
  name: string;
  value: number;
  unit: 'Count' | 'Seconds';
  dimensions: MetricScope;
}

/**
 * Keeps every data point in memory, under the names and dimensions the deployed functions
 * publish: the local stack's metrics, which tests read.
 *
 * @example
 * const metrics = new RecordedWatchMetrics();
 * metrics.poll({ vendor: 'okast', connection: 'okast' });
 * metrics.sum('Polls'); // 1
 */
export class RecordedWatchMetrics implements WatchMetrics {
  readonly points: RecordedMetric[] = [];

  poll(scope: MetricScope): void {
    this.add(METRIC_NAMES.polls, 1, 'Count', scope);
  }
  vendorOutcome(scope: MetricScope, outcome: VendorOutcome): void {
    this.add(METRIC_NAMES.vendor[outcome], 1, 'Count', scope);
  }
  detectionDelay(scope: MetricScope, seconds: number): void {
    this.add(METRIC_NAMES.detectionDelay, seconds, 'Seconds', scope);
  }
  jobEnded(scope: MetricScope, status: JobStatus): void {
    const name = endingMetricName(status);
    if (name) this.add(name, 1, 'Count', scope);
  }
  watchFailed(scope: MetricScope): void {
    this.add(METRIC_NAMES.watchFailed, 1, 'Count', scope);
  }

  /** The sum of a metric's values, optionally for one connection. */
  sum(name: string, connection?: string): number {
    return this.points
      .filter(
        (point) =>
          point.name === name && (connection === undefined || point.dimensions.connection === connection),
      )
      .reduce((total, point) => total + point.value, 0);
  }

  private add(name: string, value: number, unit: RecordedMetric['unit'], scope: MetricScope): void {
    this.points.push({
      name,
      value,
      unit,
      dimensions: { vendor: scope.vendor, connection: scope.connection },
    });
  }
}

/** The metric an ending is counted under; none for a status that is not final. */
export function endingMetricName(status: JobStatus): string | undefined {
  return (METRIC_NAMES.ended as Partial<Record<JobStatus, string>>)[status];
}

const IGNORED: WatchMetrics = {
  poll: () => undefined,
  vendorOutcome: () => undefined,
  detectionDelay: () => undefined,
  jobEnded: () => undefined,
  watchFailed: () => undefined,
};

/** The services' metrics, or a recorder that keeps nothing when they have none (unit tests). */
export function metricsOf(services: { metrics?: WatchMetrics | undefined }): WatchMetrics {
  return services.metrics ?? IGNORED;
}

/**
 * Runs one vendor call inside whatever the services trace with (an X-Ray subsegment deployed).
 * Kept free of the tracing library, like {@link WatchMetrics}.
 */
export interface WatchTracer {
  vendorCall<T>(scope: MetricScope & { operation: string }, call: () => Promise<T>): Promise<T>;
}

/** The services' tracer, or one that only runs the call. */
export function tracerOf(services: { tracer?: WatchTracer | undefined }): WatchTracer {
  return services.tracer ?? { vendorCall: (_scope, call) => call() };
}
