import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj } from '@middy/core';
import type { JobStatus } from '../../lib/jobs/job-status.js';
import {
  endingMetricName,
  METRIC_NAMES,
  METRICS_NAMESPACE,
  type MetricScope,
  type VendorOutcome,
  type WatchMetrics,
  type WatchTracer,
} from '../../lib/watch/watch-metrics.js';

/** The stack sets it per stage (`jobwatch-<stage>`): the `service` dimension of every metric. */
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'jobwatch';

/** One per container; its batch is flushed after every invocation by {@link flushMetrics}. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
/** Off outside Lambda (the local stack, tests): Powertools checks the environment itself. */
export const tracer = new Tracer({ serviceName });

/**
 * {@link WatchMetrics} as Powertools Metrics (CloudWatch EMF on stdout). An invocation is about
 * one job, so its metrics share one dimension set and leave as one EMF document; a metric about
 * another vendor or connection in the same invocation leaves on its own (`singleMetric`), so
 * dimensions are never mixed up.
 */
export class PowertoolsWatchMetrics implements WatchMetrics {
  private batchScope: string | undefined;

  constructor(private readonly target: Metrics = metrics) {}

  poll(scope: MetricScope): void {
    this.emit(scope, METRIC_NAMES.polls, MetricUnit.Count, 1);
  }
  vendorOutcome(scope: MetricScope, outcome: VendorOutcome): void {
    this.emit(scope, METRIC_NAMES.vendor[outcome], MetricUnit.Count, 1);
  }
  detectionDelay(scope: MetricScope, seconds: number): void {
    this.emit(scope, METRIC_NAMES.detectionDelay, MetricUnit.Seconds, seconds);
  }
  jobEnded(scope: MetricScope, status: JobStatus): void {
    const name = endingMetricName(status);
    if (name) this.emit(scope, name, MetricUnit.Count, 1);
  }
  watchFailed(scope: MetricScope): void {
    this.emit(scope, METRIC_NAMES.watchFailed, MetricUnit.Count, 1);
  }

  private emit(
    scope: MetricScope,
    name: string,
    unit: (typeof MetricUnit)[keyof typeof MetricUnit],
    value: number,
  ): void {
    const dimensions = { vendor: scope.vendor, connection: scope.connection };
    const key = JSON.stringify(dimensions);
    // An empty batch was just flushed (or never filled): this metric's scope starts the next one.
    if (!this.target.hasStoredMetrics()) {
      this.target.clearDimensions();
      addDimensionSets(this.target, dimensions);
      this.batchScope = key;
    }
    if (this.batchScope === key) {
      this.target.addMetric(name, unit, value);
      return;
    }
    const single = this.target.singleMetric();
    addDimensionSets(single, dimensions);
    single.addMetric(name, unit, value);
  }
}

/**
 * Each data point under two dimension sets: by vendor and connection (the dashboard SEARCHes
 * those), and by service alone (the stage's total), which alarms read — an alarm cannot SEARCH,
 * and the connections are too many to name one by one.
 */
function addDimensionSets(target: Metrics, dimensions: Record<string, string>): void {
  target.addDimensions(dimensions);
  target.addDimensions({});
}

/**
 * Publishes the invocation's metrics when it ends, failed or not — a poll ends by throwing.
 * Powertools' `logMetrics` does the same but warns on every invocation without metrics (an API
 * read, the local stack's handlers, whose metrics are recorded in memory instead).
 */
export function flushMetrics(target: Metrics = metrics): MiddlewareObj {
  const flush = async (): Promise<void> => {
    if (target.hasStoredMetrics()) target.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}

/** {@link WatchTracer} as an X-Ray subsegment per vendor call, annotated with vendor and connection. */
export class XrayWatchTracer implements WatchTracer {
  constructor(private readonly target: Tracer = tracer) {}

  async vendorCall<T>(scope: MetricScope & { operation: string }, call: () => Promise<T>): Promise<T> {
    const parent = this.target.isTracingEnabled() ? this.target.getSegment() : undefined;
    if (!parent) return call();
    const subsegment = parent.addNewSubsegment(`### ${scope.vendor} ${scope.operation}`);
    this.target.setSegment(subsegment);
    subsegment.addAnnotation('vendor', scope.vendor);
    subsegment.addAnnotation('connection', scope.connection);
    try {
      return await call();
    } catch (error) {
      subsegment.addError(error as Error);
      throw error;
    } finally {
      subsegment.close();
      this.target.setSegment(parent);
    }
  }
}
