import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../lib/config/connections.js';
import type { Job } from '../../lib/jobs/job.js';
import {
  DURATION_BUCKETS,
  emptySketch,
  InMemoryDurationModelStore,
  jobKindOf,
  MIN_ENDINGS,
  nextLearnedDelay,
  recordDuration,
  recordEnding,
  sketchFor,
  survival,
} from '../../lib/polling/duration-model.js';
import { learnedDurationOf, nextPollForJob } from '../../lib/polling/job-schedule.js';

const options = { boundSeconds: 90, minSeconds: 15, maxSeconds: 600 };
const sketchOf = (durations: number[]) => durations.reduce(recordDuration, emptySketch());
const durations = fc.array(fc.double({ min: 1, max: 200_000, noNaN: true }), {
  minLength: 1,
  maxLength: 200,
});

describe('duration sketch', () => {
  it('stays the same size however many endings it records', () => {
    fc.assert(
      fc.property(durations, (seen) => {
        const sketch = sketchOf(seen);
        expect(sketch.weights).toHaveLength(DURATION_BUCKETS);
        expect(sketch.endings).toBe(seen.length);
      }),
    );
  });

  it('has a survival that starts at 1, only falls, and ends at 0', () => {
    fc.assert(
      fc.property(durations, fc.double({ min: 0, max: 100_000, noNaN: true }), (seen, at) => {
        const sketch = sketchOf(seen);
        expect(survival(sketch, 0)).toBeCloseTo(1);
        expect(survival(sketch, at)).toBeGreaterThanOrEqual(survival(sketch, at * 1.5 + 1) - 1e-12);
        expect(survival(sketch, 1e9)).toBe(0);
      }),
    );
  });

  it('weighs recent endings more than old ones', () => {
    // Prepare: 100 endings at 60 s, then 100 at 3600 s
    const sketch = sketchOf([...Array(100).fill(60), ...Array(100).fill(3600)]);

    // Assess: more than half the weight is on the recent long jobs
    expect(survival(sketch, 600)).toBeGreaterThan(0.55);
  });
});

describe('nextLearnedDelay', () => {
  it('is undefined until the model saw enough endings: today’s schedule holds', () => {
    const sketch = sketchOf(Array(MIN_ENDINGS - 1).fill(600));
    expect(nextLearnedDelay(sketch, 0, options)).toBeUndefined();
  });

  it('stays within the bounds and is never below the delay bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 200_000, noNaN: true }), {
          minLength: MIN_ENDINGS,
          maxLength: 120,
        }),
        fc.double({ min: 0, max: 50_000, noNaN: true }),
        (seen, age) => {
          const delay = nextLearnedDelay(sketchOf(seen), age, options);
          if (delay === undefined) return;
          expect(delay).toBeGreaterThanOrEqual(90);
          expect(delay).toBeLessThanOrEqual(600);
        },
      ),
    );
  });

  it('polls sparsely while the end is unlikely and every bound where it is likely', () => {
    // Prepare: every job so far took about 20 minutes
    const sketch = sketchOf(Array(40).fill(1200));

    // Assess: five minutes in, nothing ends soon — the longest wait; near 20 minutes, every 90 s
    expect(nextLearnedDelay(sketch, 300, options)).toBe(600);
    expect(nextLearnedDelay(sketch, 1150, options)).toBeLessThan(100);
  });

  it('polls a job older than nearly all it saw at the bound, backing off past the longest', () => {
    // Prepare: every job so far took 600 s (bucket up to ~640 s)
    const sketch = sketchOf(Array(40).fill(600));

    // Assess: just past them, every bound; far past, slowly back to the longest wait
    expect(nextLearnedDelay(sketch, 700, options)).toBeLessThan(120);
    expect(nextLearnedDelay(sketch, 5000, options)).toBe(600);
  });
});

describe('stores', () => {
  it('schedule by the kind once it learned enough, else by the connection', async () => {
    const store = new InMemoryDurationModelStore();
    for (let index = 0; index < MIN_ENDINGS; index += 1) await recordEnding(store, 'avid', 'transcode', 60);
    for (let index = 0; index < 5; index += 1) await recordEnding(store, 'avid', 'export', 6000);

    expect((await sketchFor(store, 'avid', 'transcode'))?.endings).toBe(MIN_ENDINGS);
    expect((await sketchFor(store, 'avid', 'export'))?.endings).toBe(MIN_ENDINGS + 5);
    expect((await sketchFor(store, 'avid', undefined))?.endings).toBe(MIN_ENDINGS + 5);
  });

  it('keep a bounded number of kinds per connection', async () => {
    const store = new InMemoryDurationModelStore(2);
    for (const kind of ['a', 'b', 'c', 'd', 'e']) await recordEnding(store, 'c1', kind, 60);
    expect(await store.get('c1', 'e')).toBeUndefined();
    expect((await store.get('c1', '*'))?.endings).toBe(5);
  });

  it('read a kind only from what the vendor names, bounded', () => {
    expect(jobKindOf({ commandType: 'transcode' })).toBe('transcode');
    expect(jobKindOf({ taskType: 4 })).toBe('4');
    expect(jobKindOf({ commandType: 'x'.repeat(65) })).toBeUndefined();
    expect(jobKindOf(undefined)).toBeUndefined();
  });
});

describe('nextPollForJob with learned durations', () => {
  const now = new Date('2026-01-01T01:00:00.000Z');
  const job: Job = {
    jobId: 'j1',
    connection: 'okast',
    vendor: 'okast',
    reference: {},
    status: 'RUNNING',
    version: 2,
    // Five minutes into its watch, unchanged since it started running
    createdAt: new Date(now.getTime() - 300_000).toISOString(),
    updatedAt: new Date(now.getTime() - 240_000).toISOString(),
  };
  const connection = (polling: Connection['polling'] = {}): Connection => ({
    name: 'okast',
    vendor: 'okast',
    baseUrl: 'http://127.0.0.1:1/',
    options: {},
    polling: { minIntervalSeconds: 15, maxIntervalSeconds: 600, ...polling },
  });
  const twentyMinuteJobs = sketchOf(Array(40).fill(1200));

  it('waits where no job of the connection ends, instead of a quarter of the idle time', () => {
    const learned = nextPollForJob(job, connection(), now, {
      durations: twentyMinuteJobs,
      random: () => 0.5,
    });
    const blind = nextPollForJob(job, connection(), now, { random: () => 0.5 });

    expect(learned.reason).toBe('learned');
    expect(learned.delaySeconds).toBe(600);
    expect(blind.reason).toBe('idle-backoff');
    expect(blind.delaySeconds).toBe(60);
  });

  it('keeps today’s schedule on a connection that opted out', () => {
    const decision = nextPollForJob(job, connection({ learnDurations: false }), now, {
      durations: twentyMinuteJobs,
      random: () => 0.5,
    });
    expect(decision.reason).toBe('idle-backoff');
  });

  it('learns a job’s watch-to-end time, not jobwatch’s own verdicts', () => {
    const ended = { ...job, status: 'SUCCEEDED' as const, finishedAt: now.toISOString() };
    expect(learnedDurationOf(ended)).toBe(300);
    expect(learnedDurationOf({ ...ended, status: 'TIMED_OUT' })).toBeUndefined();
    expect(learnedDurationOf(job)).toBeUndefined();
  });
});

describe('docs/polling.md', () => {
  it('shows an opt-out the connection schema accepts', async () => {
    const { readFile } = await import('node:fs/promises');
    const { ConnectionSchema } = await import('../../lib/config/connections.js');
    const markdown = await readFile(new URL('../../docs/polling.md', import.meta.url), 'utf8');
    const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(markdown)?.[1] ?? 'null');

    const connection = ConnectionSchema.parse(example);

    expect(connection.polling?.learnDurations).toBe(false);
  });
});
