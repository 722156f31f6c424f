import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushMetrics, PowertoolsWatchMetrics } from '../../functions/shared/observability.js';
import { METRIC_NAMES, METRICS_NAMESPACE } from '../../lib/watch/watch-metrics.js';

interface EmfDocument {
  _aws: {
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
  [key: string]: unknown;
}

/** The EMF documents Powertools wrote to stdout while `run` ran. */
async function emfOf(run: () => Promise<unknown>): Promise<EmfDocument[]> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write);
  await run().catch(() => undefined);
  vi.restoreAllMocks();
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfDocument);
}

describe('the functions’ metrics (Powertools EMF)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('publishes one poll’s metrics as one EMF document, by vendor and connection and by service alone, even when the poll throws', async () => {
    // Prepare: a handler shaped like the poll's, which ends by throwing "poll again"
    const target = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'jobwatch-test' });
    const metrics = new PowertoolsWatchMetrics(target);
    const scope = { vendor: 'okast', connection: 'okast-prod' };
    const handler = middy(async () => {
      metrics.poll(scope);
      metrics.vendorOutcome(scope, 'auth');
      metrics.detectionDelay(scope, 12.5);
      metrics.jobEnded(scope, 'FAILED');
      throw new Error('PollIn30s');
    }).use(flushMetrics(target));

    // Act
    const documents = await emfOf(() => handler({}, {} as never));

    // Assess
    expect(documents).toHaveLength(1);
    const [document] = documents;
    const [directive] = document?._aws.CloudWatchMetrics ?? [];
    expect(directive?.Namespace).toBe('jobwatch');
    expect(directive?.Dimensions).toEqual([['service', 'vendor', 'connection'], ['service']]);
    expect(directive?.Metrics).toEqual(
      expect.arrayContaining([
        { Name: METRIC_NAMES.polls, Unit: 'Count' },
        { Name: METRIC_NAMES.vendor.auth, Unit: 'Count' },
        { Name: METRIC_NAMES.detectionDelay, Unit: 'Seconds' },
        { Name: METRIC_NAMES.ended.FAILED, Unit: 'Count' },
      ]),
    );
    expect(document).toMatchObject({
      service: 'jobwatch-test',
      vendor: 'okast',
      connection: 'okast-prod',
      Polls: 1,
      VendorAuthErrors: 1,
      DetectionDelay: 12.5,
      JobsFailed: 1,
    });
    expect(JSON.stringify(document)).not.toContain('jobId');
  });

  it('keeps another connection’s metric in the same invocation under its own dimensions', async () => {
    const target = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'jobwatch-test' });
    const metrics = new PowertoolsWatchMetrics(target);
    const handler = middy(async () => {
      metrics.poll({ vendor: 'okast', connection: 'a' });
      metrics.watchFailed({ vendor: 'vdg-sense', connection: 'b' });
    }).use(flushMetrics(target));

    const documents = await emfOf(() => handler({}, {} as never));

    expect(
      documents.map((document) => [
        document.connection,
        Object.keys(document).filter((key) => /^[A-Z]/.test(key)),
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['a', ['Polls']],
        ['b', ['WatchFailed']],
      ]),
    );
    expect(documents).toHaveLength(2);
  });

  it('writes nothing for an invocation without metrics', async () => {
    const target = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'jobwatch-test' });
    const handler = middy(async () => 'read only').use(flushMetrics(target));
    expect(await emfOf(() => handler({}, {} as never))).toEqual([]);
  });
});
