import { describe, expect, it } from 'vitest';
import type { Job } from '../../lib/jobs/job.js';
import {
  applyObservation,
  applyOwnVerdict,
  applyStalled,
  applyWatchIssue,
  applyWatchStopped,
} from '../../lib/jobs/transitions.js';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

function newJob(overrides: Partial<Job> = {}): Job {
  return {
    jobId: 'jw-test',
    connection: 'avid',
    vendor: 'avid-ctms',
    reference: { commandId: 'c1' },
    status: 'UNKNOWN',
    version: 1,
    createdAt: t0.toISOString(),
    updatedAt: t0.toISOString(),
    ...overrides,
  };
}

describe('applyObservation', () => {
  it('makes a new version when the status changes', () => {
    // Act
    const { job, changed } = applyObservation(
      newJob(),
      { status: 'RUNNING', rawStatus: 'running', progress: 12 },
      at(5),
    );

    // Assess
    expect(changed).toBe(true);
    expect(job).toMatchObject({ status: 'RUNNING', rawStatus: 'running', progress: 12, version: 2 });
    expect(job.updatedAt).toBe(at(5).toISOString());
    expect(job.observedAt).toBe(at(5).toISOString());
  });

  it('reports no change when nothing material differs, so nothing is written', () => {
    const running = applyObservation(
      newJob(),
      { status: 'RUNNING', rawStatus: 'running', progress: 12 },
      at(5),
    ).job;

    const { job, changed } = applyObservation(
      running,
      { status: 'RUNNING', rawStatus: 'running', progress: 12.7 },
      at(10),
    );

    expect(changed).toBe(false);
    expect(job).toBe(running);
  });

  it('keeps final states sticky', () => {
    const done = applyObservation(newJob(), { status: 'SUCCEEDED', rawStatus: 'finished' }, at(5)).job;

    const { job, changed } = applyObservation(
      done,
      { status: 'RUNNING', rawStatus: 'running', progress: 3 },
      at(10),
    );

    expect(changed).toBe(false);
    expect(job.status).toBe('SUCCEEDED');
  });

  it('forces 100 % on success even when the vendor still shows less', () => {
    const { job } = applyObservation(newJob(), { status: 'SUCCEEDED', rawStatus: '4', progress: 56 }, at(5));

    expect(job.progress).toBe(100);
    expect(job.finishedAt).toBe(at(5).toISOString());
  });

  it('ends the watch of a job that reaches a final state', () => {
    const watched = newJob({ status: 'RUNNING', watch: { state: 'WATCHING' } });

    const { job } = applyObservation(watched, { status: 'FAILED', rawStatus: 'error' }, at(5));

    expect(job.watch).toEqual({ state: 'ENDED' });
  });

  it('ignores an observation older than the last applied one (a slow poll cannot undo a newer one)', () => {
    const later = applyObservation(
      newJob(),
      { status: 'RUNNING', rawStatus: 'running', progress: 80 },
      at(20),
    ).job;

    const { changed, job } = applyObservation(
      later,
      { status: 'RUNNING', rawStatus: 'running', progress: 40 },
      at(10),
    );

    expect(changed).toBe(false);
    expect(job.progress).toBe(80);
  });

  it('never rounds running progress up to 100', () => {
    const { job } = applyObservation(
      newJob(),
      { status: 'RUNNING', rawStatus: 'running', progress: 99.9 },
      at(1),
    );

    expect(job.progress).toBe(99);
  });

  it('clears a watch issue once the vendor can be read again', () => {
    const troubled = applyWatchIssue(
      newJob(),
      { kind: 'transport', message: 'GET … answered 503' },
      at(1),
    ).job;

    const { job } = applyObservation(troubled, { status: 'RUNNING', rawStatus: 'running' }, at(2));

    expect(job.watchIssue).toBeUndefined();
  });

  it('anchors the ETA at the first running progress and re-anchors after a suspension', () => {
    const first = applyObservation(
      newJob(),
      { status: 'RUNNING', rawStatus: 'running', progress: 10 },
      at(10),
    ).job;
    const second = applyObservation(
      first,
      { status: 'RUNNING', rawStatus: 'running', progress: 30 },
      at(20),
    ).job;
    const suspended = applyObservation(
      second,
      { status: 'SUSPENDED', rawStatus: 'suspended', progress: 30 },
      at(30),
    ).job;
    const resumed = applyObservation(
      suspended,
      { status: 'RUNNING', rawStatus: 'running', progress: 31 },
      at(90),
    ).job;

    expect(second.progressAnchor).toEqual({ at: at(10).toISOString(), progress: 10 });
    expect(resumed.progressAnchor).toEqual({ at: at(90).toISOString(), progress: 31 });
  });
});

describe('applyWatchIssue', () => {
  it('records trouble once and keeps its start while the same trouble repeats', () => {
    const first = applyWatchIssue(newJob(), { kind: 'transport', message: 'down' }, at(1));
    const again = applyWatchIssue(first.job, { kind: 'transport', message: 'down' }, at(30));

    expect(first.changed).toBe(true);
    expect(again.changed).toBe(false);
    expect(again.job.watchIssue?.since).toBe(at(1).toISOString());
    expect(again.job.status).toBe('UNKNOWN');
  });

  it('keeps one version while only the text of the trouble changes: latest text, count, first and last seen', () => {
    // Prepare
    const first = applyWatchIssue(newJob(), { kind: 'transport', message: 'GET x answered 500' }, at(1));

    // Act
    const second = applyWatchIssue(first.job, { kind: 'transport', message: 'GET x answered 502' }, at(20));
    const third = applyWatchIssue(
      second.job,
      { kind: 'transport', message: 'GET x failed: ECONNRESET' },
      at(50),
    );

    // Assess
    expect(first.changed).toBe(true);
    expect([second.changed, third.changed]).toEqual([false, false]);
    expect([second.refresh, third.refresh]).toEqual([true, true]);
    expect(third.job.version).toBe(first.job.version);
    expect(third.job.updatedAt).toBe(first.job.updatedAt);
    expect(third.job.watchIssue).toEqual({
      kind: 'transport',
      message: 'GET x failed: ECONNRESET',
      since: at(1).toISOString(),
      lastSeenAt: at(50).toISOString(),
      count: 3,
    });
  });

  it('makes a new version when the kind of trouble changes, and counts it afresh', () => {
    // Prepare
    const transport = applyWatchIssue(newJob(), { kind: 'transport', message: 'answered 503' }, at(1));
    const again = applyWatchIssue(transport.job, { kind: 'transport', message: 'answered 502' }, at(10));

    // Act
    const auth = applyWatchIssue(again.job, { kind: 'auth', message: 'answered 401' }, at(30));

    // Assess
    expect(auth.changed).toBe(true);
    expect(auth.job.version).toBe(transport.job.version + 1);
    expect(auth.job.updatedAt).toBe(at(30).toISOString());
    expect(auth.job.watchIssue).toEqual({
      kind: 'auth',
      message: 'answered 401',
      since: at(30).toISOString(),
      lastSeenAt: at(30).toISOString(),
      count: 1,
    });
  });

  it('keeps when the vendor asked to be called again, without a new version', () => {
    const first = applyWatchIssue(newJob(), { kind: 'transport', message: 'answered 503' }, at(1));

    const throttled = applyWatchIssue(
      first.job,
      { kind: 'transport', message: 'answered 429', retryAt: at(9).toISOString() },
      at(2),
    );

    expect(throttled.changed).toBe(false);
    expect(throttled.job.watchIssue).toMatchObject({ retryAt: at(9).toISOString(), count: 2 });
  });

  it('never turns a job FAILED', () => {
    const { job } = applyWatchIssue(newJob({ status: 'RUNNING' }), { kind: 'auth', message: '401' }, at(1));

    expect(job.status).toBe('RUNNING');
  });
});

describe('own verdicts', () => {
  it('times a job out as final', () => {
    const { job, changed } = applyOwnVerdict(
      newJob({ status: 'RUNNING' }),
      { status: 'TIMED_OUT', message: 'deadline' },
      at(9),
    );

    expect(changed).toBe(true);
    expect(job).toMatchObject({ status: 'TIMED_OUT', version: 2, finishedAt: at(9).toISOString() });
  });

  it('records a cancel the vendor could not honour as a stopped watch with its reason', () => {
    const { job } = applyOwnVerdict(
      newJob({ status: 'RUNNING' }),
      { status: 'CANCELLED', message: 'no cancel API', watchReason: 'cancelled by caller' },
      at(9),
    );

    expect(job.watch).toEqual({ state: 'STOPPED', reason: 'cancelled by caller' });
  });

  it('does not cancel a job that already ended', () => {
    const done = newJob({ status: 'FAILED' });

    expect(applyOwnVerdict(done, { status: 'CANCELLED', message: 'x' }, at(1)).changed).toBe(false);
    expect(applyWatchStopped(done, 'x', at(1)).changed).toBe(false);
  });

  it('flags a stall once', () => {
    const stalled = applyStalled(newJob({ status: 'RUNNING' }), true, at(1));

    expect(stalled.job.stalled).toBe(true);
    expect(applyStalled(stalled.job, true, at(2)).changed).toBe(false);
  });
});
