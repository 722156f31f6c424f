import { describe, expect, it } from 'vitest';
import type { Connection } from '../../lib/config/connections.js';
import type { Job } from '../../lib/jobs/job.js';
import { pollBoundsFor } from '../../lib/polling/job-schedule.js';
import {
  estimateEta,
  nextPollDelay,
  roundDownToTier,
  type ScheduleInput,
} from '../../lib/polling/schedule.js';

const now = new Date('2026-01-01T01:00:00.000Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const noJitter = () => 0.5;

function input(overrides: Partial<ScheduleInput>): ScheduleInput {
  return {
    now,
    status: 'RUNNING',
    lastChangeAt: now,
    bounds: { minIntervalSeconds: 15, maxIntervalSeconds: 900 },
    random: noJitter,
    ...overrides,
  };
}

describe('nextPollDelay', () => {
  it('sleeps a third of the predicted remaining time when only one stretch of progress is known', () => {
    // Prepare: 20 % in 600 s → 2400 s to go
    const decision = nextPollDelay(
      input({ progress: 20, progressAnchor: { at: ago(600).toISOString(), progress: 0 } }),
    );

    // Assess: a third of 2400 s is 840 s, rounded down to the 600 s tier
    expect(decision.etaSeconds).toBeCloseTo(2400);
    expect(decision.reason).toBe('eta');
    expect(decision.delaySeconds).toBe(600);
  });

  it('sleeps 60 % of the predicted remaining time while the rate holds steady', () => {
    // Prepare: 0 → 10 % in 600 s, then 10 → 20 % in the next 600 s: 4800 s to go
    const decision = nextPollDelay(
      input({
        progress: 20,
        progressAnchor: { at: ago(1200).toISOString(), progress: 0 },
        progressPrevious: { at: ago(600).toISOString(), progress: 10 },
        progressAt: now,
      }),
    );

    // Assess: 60 % of 4800 s is 2880 s, above the 900 s maximum
    expect(decision.etaSeconds).toBeCloseTo(4800);
    expect(decision.delaySeconds).toBe(900);
  });

  it('keeps to a third when the last stretch ran at another rate', () => {
    // Prepare: 0 → 10 % in 600 s, then 10 → 11 % in the next 600 s (slowed down tenfold)
    const decision = nextPollDelay(
      input({
        progress: 11,
        progressAnchor: { at: ago(1200).toISOString(), progress: 0 },
        progressPrevious: { at: ago(600).toISOString(), progress: 10 },
        progressAt: now,
        bounds: { minIntervalSeconds: 5, maxIntervalSeconds: 100_000 },
      }),
    );

    // Assess: the average predicts 89 % × 1200 s / 11 % = 9709 s to go; a third of that
    expect(decision.etaSeconds).toBeCloseTo((89 * 1200) / 11);
    expect(decision.desiredSeconds).toBeCloseTo(0.35 * ((89 * 1200) / 11));
  });

  it('polls at the minimum interval close to the predicted end', () => {
    const decision = nextPollDelay(
      input({ progress: 99, progressAnchor: { at: ago(990).toISOString(), progress: 0 } }),
    );

    expect(decision.delaySeconds).toBe(15);
  });

  it('polls every 30 s a job that is nearly done but has stopped moving (progress in jumps)', () => {
    // Prepare: 0 → 88 % in 880 s (10 s a percent), then nothing for 300 s
    const stuck = input({
      progress: 88,
      progressAnchor: { at: ago(1180).toISOString(), progress: 0 },
      progressAt: ago(300),
      bounds: { minIntervalSeconds: 5, maxIntervalSeconds: 1800 },
    });
    const moving = { ...stuck, progressAnchor: { at: ago(880).toISOString(), progress: 0 }, progressAt: now };
    const early = { ...stuck, progress: 50, progressAnchor: { at: ago(800).toISOString(), progress: 0 } };

    expect(nextPollDelay(stuck).delaySeconds).toBe(30);
    expect(nextPollDelay(moving).delaySeconds).toBe(40); // a third of the 120 s to go
    expect(nextPollDelay(early).delaySeconds).toBeGreaterThan(30);
  });

  it('forgets a burst whose predicted end passed without progress', () => {
    // Prepare: 0 → 50 % over 1000 s, the last 10 % of it in 10 s, then nothing for 120 s
    const eta = estimateEta({
      now,
      progress: 50,
      progressAnchor: { at: ago(1130).toISOString(), progress: 0 },
      progressPrevious: { at: ago(130).toISOString(), progress: 40 },
      progressAt: ago(120),
    });

    // Assess: the burst predicted the end 50 s after it, long past; the average stands
    expect(eta).toBeCloseTo(1130);
  });

  it('backs off while nothing changes and no rate is known', () => {
    const quiet = nextPollDelay(input({ status: 'RUNNING', lastChangeAt: ago(40) }));
    const quieter = nextPollDelay(input({ status: 'RUNNING', lastChangeAt: ago(1200) }));

    expect(quiet.delaySeconds).toBe(15);
    expect(quieter.delaySeconds).toBe(300);
    expect(quieter.reason).toBe('idle-backoff');
  });

  it('polls a queued job no more often than every two minimum intervals', () => {
    const queued = input({ status: 'QUEUED', lastChangeAt: ago(10) });

    expect(nextPollDelay(queued).delaySeconds).toBe(30);
    expect(
      nextPollDelay({ ...queued, bounds: { minIntervalSeconds: 5, maxIntervalSeconds: 900 } }).delaySeconds,
    ).toBe(10);
  });

  it('stops trusting a steady rate the job no longer keeps', () => {
    // Prepare: 0 → 10 % and 10 → 20 % in two equal stretches of 600 s, then nothing for 300 s
    const steadyThenFlat = input({
      progress: 20,
      progressAnchor: { at: ago(1500).toISOString(), progress: 0 },
      progressPrevious: { at: ago(900).toISOString(), progress: 10 },
      progressAt: ago(300),
      bounds: { minIntervalSeconds: 5, maxIntervalSeconds: 100_000 },
    });

    // Assess: a third of the predicted remaining time, not 60 % of it
    const decision = nextPollDelay(steadyThenFlat);
    expect(decision.desiredSeconds).toBeCloseTo(0.35 * (decision.etaSeconds ?? 0));
  });

  it('backs off twice as fast while the job is only queued', () => {
    expect(nextPollDelay(input({ status: 'QUEUED', lastChangeAt: ago(1200) })).delaySeconds).toBe(600);
  });

  it('backs off from the start of vendor trouble', () => {
    const decision = nextPollDelay(input({ troubleSince: ago(120) }));

    expect(decision.reason).toBe('trouble-backoff');
    expect(decision.delaySeconds).toBe(60);
  });

  it("honours the vendor's Retry-After up to the connection's maximum interval", () => {
    const decision = nextPollDelay(
      input({
        hints: { retryAfterSeconds: 1800 },
        bounds: { minIntervalSeconds: 5, maxIntervalSeconds: 60 },
      }),
    );

    expect(decision.delaySeconds).toBe(60);
    expect(decision.reason).toBe('hint');
  });

  it.each([
    [8, 10],
    [5, 5],
    [11, 15],
    [61, 75],
  ])('never polls before a Retry-After of %i s: waits the %i s tier at or above it', (retryAfter, tier) => {
    const decision = nextPollDelay(
      input({
        hints: { retryAfterSeconds: retryAfter },
        troubleSince: ago(1),
        bounds: { minIntervalSeconds: 5, maxIntervalSeconds: 300 },
      }),
    );

    expect(decision.delaySeconds).toBe(tier);
  });

  it('lets the deadline cut a Retry-After short', () => {
    const decision = nextPollDelay(
      input({
        hints: { retryAfterSeconds: 120 },
        troubleSince: ago(1),
        bounds: { minIntervalSeconds: 5, maxIntervalSeconds: 300 },
        deadline: new Date(now.getTime() + 30_000),
      }),
    );

    expect(decision).toMatchObject({ delaySeconds: 30, reason: 'deadline' });
  });

  it('never sleeps past the deadline', () => {
    const decision = nextPollDelay(
      input({ status: 'QUEUED', lastChangeAt: ago(4000), deadline: new Date(now.getTime() + 40_000) }),
    );

    expect(decision.reason).toBe('deadline');
    expect(decision.delaySeconds).toBe(40);
  });

  it('keeps within the bounds', () => {
    const decision = nextPollDelay(
      input({
        status: 'RUNNING',
        lastChangeAt: now,
        bounds: { minIntervalSeconds: 60, maxIntervalSeconds: 120 },
      }),
    );

    expect(decision.delaySeconds).toBe(60);
  });

  it('jitters by at most 10 %', () => {
    const low = nextPollDelay(input({ status: 'RUNNING', lastChangeAt: ago(800), random: () => 0 }));
    const high = nextPollDelay(input({ status: 'RUNNING', lastChangeAt: ago(800), random: () => 0.999 }));

    expect(low.desiredSeconds).toBeCloseTo(180);
    expect(high.desiredSeconds).toBeCloseTo(220, 0);
  });
});

describe('helpers', () => {
  it('rounds down to a tier, never up', () => {
    expect(roundDownToTier(3)).toBe(5);
    expect(roundDownToTier(59)).toBe(50);
    expect(roundDownToTier(100_000)).toBe(1800);
  });

  it('trusts the recent rate after a stall: a job that resumed fast is not predicted by its slow average', () => {
    // Prepare: 0 → 40 % in the first 10 min, stalled 50 min, then 40 → 60 % in the last 2 min
    const overall = estimateEta({
      now,
      progress: 60,
      progressAnchor: { at: ago(3720).toISOString(), progress: 0 },
    });
    const withRecent = estimateEta({
      now,
      progress: 60,
      progressAnchor: { at: ago(3720).toISOString(), progress: 0 },
      progressPrevious: { at: ago(120).toISOString(), progress: 40 },
      progressAt: now,
    });

    // Assess: the average says 2480 s to go, the recent rate 240 s
    expect(overall).toBeCloseTo(2480);
    expect(withRecent).toBeCloseTo(240);
  });

  it('has no ETA without progress gained', () => {
    expect(
      estimateEta({ now, progress: 10, progressAnchor: { at: ago(60).toISOString(), progress: 10 } }),
    ).toBeUndefined();
    expect(estimateEta({ now, progress: undefined, progressAnchor: undefined })).toBeUndefined();
  });
});

describe('pollBoundsFor', () => {
  const connection = (polling?: Connection['polling']): Connection => ({
    name: 'c',
    vendor: 'avid-ctms',
    baseUrl: 'https://vendor.example/',
    options: {},
    ...(polling ? { polling } : {}),
  });
  const job = (poll?: Job['poll']): Job => ({
    jobId: 'jw-1',
    connection: 'c',
    vendor: 'avid-ctms',
    reference: {},
    status: 'RUNNING',
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    ...(poll ? { poll } : {}),
  });

  it('defaults to 15 s – 300 s', () => {
    expect(pollBoundsFor(connection(), job())).toEqual({ minIntervalSeconds: 15, maxIntervalSeconds: 300 });
  });

  it('takes a maximum below the default minimum as "at least this often"', () => {
    expect(pollBoundsFor(connection({ maxIntervalSeconds: 10 }), job())).toEqual({
      minIntervalSeconds: 10,
      maxIntervalSeconds: 10,
    });
  });

  it('lets a job narrow its connection’s bounds, never widen them', () => {
    const bounds = pollBoundsFor(
      connection({ minIntervalSeconds: 5, maxIntervalSeconds: 600 }),
      job({ minIntervalSeconds: 1, maxIntervalSeconds: 60 }),
    );

    expect(bounds).toEqual({ minIntervalSeconds: 5, maxIntervalSeconds: 60 });
  });
});
