import { Tracer } from '@aws-lambda-powertools/tracer';
import { getNamespace, Segment } from 'aws-xray-sdk-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { XrayWatchTracer } from '../../functions/shared/observability.js';

interface RecordedSubsegment {
  name: string;
  annotations?: Record<string, unknown>;
  end_time?: number;
  fault?: boolean;
  error?: boolean;
}

/** The subsegments as X-Ray would receive them. */
function recorded(segment: Segment): RecordedSubsegment[] {
  return (JSON.parse(segment.format()) as { subsegments?: RecordedSubsegment[] }).subsegments ?? [];
}

/** Runs a test inside the X-Ray SDK's context, as an invocation runs. */
function inTraceContext(test: () => Promise<void>): Promise<void> {
  return getNamespace().runPromise(test);
}

/** The invocation's segment, as Lambda's active tracing would hand one to the function. */
function tracerWithSegment(): { tracer: Tracer; segment: Segment } {
  const tracer = new Tracer({ serviceName: 'jobwatch-test', enabled: true });
  const segment = new Segment('jobwatch-test');
  tracer.setSegment(segment);
  return { tracer, segment };
}

describe('the functions’ tracer (X-Ray)', () => {
  // Powertools traces only inside Lambda; this says it is, for the tracer built in each test.
  const before = process.env.AWS_EXECUTION_ENV;
  beforeEach(() => {
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
  });
  afterEach(() => {
    if (before === undefined) delete process.env.AWS_EXECUTION_ENV;
    else process.env.AWS_EXECUTION_ENV = before;
  });

  it('puts each vendor call in a subsegment annotated with vendor and connection, and restores the parent', () =>
    inTraceContext(async () => {
      const { tracer, segment } = tracerWithSegment();
      const traced = new XrayWatchTracer(tracer);

      const answer = await traced.vendorCall(
        { vendor: 'okast', connection: 'okast-prod', operation: 'poll' },
        async () => 42,
      );

      expect(answer).toBe(42);
      const [subsegment] = recorded(segment);
      expect(subsegment?.name).toBe('### okast poll');
      expect(subsegment?.annotations).toEqual({ vendor: 'okast', connection: 'okast-prod' });
      expect(subsegment?.end_time).toBeGreaterThan(0);
      expect(tracer.getSegment()).toBe(segment);
    }));

  it('records a failed vendor call on its subsegment and rethrows it', () =>
    inTraceContext(async () => {
      const { tracer, segment } = tracerWithSegment();
      const traced = new XrayWatchTracer(tracer);

      await expect(
        traced.vendorCall({ vendor: 'vdg-sense', connection: 'vdg', operation: 'poll' }, async () => {
          throw new Error('ECONNRESET');
        }),
      ).rejects.toThrow('ECONNRESET');

      const [subsegment] = recorded(segment);
      expect(subsegment?.fault || subsegment?.error).toBe(true);
      expect(tracer.getSegment()).toBe(segment);
    }));
});
