import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { Timeline, type TimelineStep } from '../timeline.js';

/** What jobResult gives once every part is done. */
export type AdmiralCloudSimOutcome = { kind: 'result'; result: unknown } | { kind: 'empty' };

/** How a job leaves the normal path, at a scripted moment or when a test says so. */
export type AdmiralCloudSimPhase =
  | { kind: 'active' }
  /** The activity was destroyed: it leaves the listing; jobResult never gets a result. */
  | { kind: 'destroyed' }
  /** The job is gone: unlisted, and jobResult answers 404 `error_notFound`. */
  | { kind: 'vanished' }
  /** jobResult answers this error from now on. */
  | { kind: 'error'; status: number; message: string };

export interface AdmiralCloudSimPartSpec {
  /** Clock seconds the part takes from 0 to 100%. */
  durationSeconds: number;
  /** Clock seconds after the job's start before the part is created (and listed). Default 0. */
  startAfterSeconds?: number;
  type?: string;
}

export interface AdmiralCloudSimJobSpec {
  jobId?: string;
  /** The job itself first, then its follow-ups `jobId:1`, `jobId:2`… Default: one part of 60 s. */
  parts?: AdmiralCloudSimPartSpec[];
  /** Default `{ kind: 'empty' }`. */
  outcome?: AdmiralCloudSimOutcome;
  /** Phase changes, in clock seconds after the start. */
  phases?: TimelineStep<AdmiralCloudSimPhase>[];
  /** False: the activities belong to another user and are never listed for ours. */
  listed?: boolean;
}

type PartState = 'waiting' | 'running' | 'done';

/** One activity of a job: the job's own, or a batch follow-up `jobId:N`. */
export interface SimPart {
  jobId: string;
  activityId: number;
  type: string;
  timeline: Timeline<PartState>;
  createdAt: number;
  /** Destroyed on its own by `DELETE /v5/activity/{id}`: the batch can no longer complete. */
  destroyed: boolean;
}

export interface SimJob {
  jobId: string;
  parts: SimPart[];
  outcome: AdmiralCloudSimOutcome;
  phases: Timeline<AdmiralCloudSimPhase>;
  listed: boolean;
}

/** What jobResult says about a job now, before it is written as JSON. */
export type JobResultState =
  | { kind: 'unknown' }
  | { kind: 'error'; status: number; message: string }
  | { kind: 'pending' }
  /** Destroyed before it completed: it never will, and jobResult keeps answering `{"ok":true}`. */
  | { kind: 'stalled' }
  | { kind: 'done'; outcome: AdmiralCloudSimOutcome };

/** An activity as the listing shows it now. */
export interface ListedActivity {
  id: number;
  jobId: string;
  type: string;
  percent: number;
  createdAt: number;
}

/**
 * The jobs of one simulated AdmiralCloud API user, on the simulator's clock: each job a set of
 * parts (activities) with their own timelines, and a phase timeline for destroy/vanish/errors.
 */
export class AdmiralCloudJobs {
  private readonly jobs = new Map<string, SimJob>();
  private nextActivityId = 1001;

  constructor(private readonly clock: Clock) {}

  /** Creates a job as a batch update or createUpload would, and returns its jobId. */
  create(spec: AdmiralCloudSimJobSpec = {}): string {
    const jobId = spec.jobId ?? randomUUID();
    const now = this.clock.now();
    const partSpecs = spec.parts && spec.parts.length > 0 ? spec.parts : [{ durationSeconds: 60 }];
    const parts = partSpecs.map((part, index) =>
      this.part(index === 0 ? jobId : `${jobId}:${index}`, part, partSpecs.length > 1, now),
    );
    this.jobs.set(jobId, {
      jobId,
      parts,
      outcome: spec.outcome ?? { kind: 'empty' },
      phases: new Timeline([{ at: 0, state: { kind: 'active' } }, ...(spec.phases ?? [])], now),
      listed: spec.listed ?? true,
    });
    return jobId;
  }

  /** Finishes every part now; jobResult answers the outcome from now on. */
  complete(jobId: string, outcome?: AdmiralCloudSimOutcome): void {
    const job = this.job(jobId);
    const now = this.clock.now();
    if (outcome) job.outcome = outcome;
    for (const part of job.parts) part.timeline.interrupt(now, [{ at: 0, state: 'done', progress: 100 }]);
  }

  setPhase(jobId: string, phase: AdmiralCloudSimPhase): void {
    this.job(jobId).phases.interrupt(this.clock.now(), [{ at: 0, state: phase }]);
  }

  /** The smallest percent of the job's parts now, for assertions. */
  percentOf(jobId: string): number | undefined {
    const job = this.jobs.get(jobId);
    const now = this.clock.now();
    const percents = job?.parts.map((part) => part.timeline.at(now).progress ?? 0) ?? [];
    return percents.length > 0 ? Math.min(...percents) : undefined;
  }

  /** What jobResult says now: unknown, an error, pending until every part is done, then done. */
  jobResult(jobId: string): JobResultState {
    const job = this.jobs.get(jobId);
    const now = this.clock.now();
    const phase = job?.phases.at(now).step.state;
    if (!job || phase?.kind === 'vanished') return { kind: 'unknown' };
    if (phase?.kind === 'error') return { kind: 'error', status: phase.status, message: phase.message };
    if (phase?.kind === 'destroyed' || job.parts.some((part) => part.destroyed)) return { kind: 'stalled' };
    const done = job.parts.every((part) => part.timeline.at(now).step.state === 'done');
    return done ? { kind: 'done', outcome: job.outcome } : { kind: 'pending' };
  }

  /** The activities listed now: started, not destroyed, finished ones for `completedTtlSeconds`. */
  listed(completedTtlSeconds: number): ListedActivity[] {
    const now = this.clock.now();
    const activities: ListedActivity[] = [];
    for (const job of this.jobs.values()) {
      if (!job.listed || !isAlive(job, now)) continue;
      for (const part of job.parts) {
        if (isListed(part, now, completedTtlSeconds * 1000)) activities.push(listedActivity(part, now));
      }
    }
    return activities;
  }

  /** Destroys one activity by id; false when no live activity has it. */
  destroyActivity(id: string): boolean {
    const now = this.clock.now();
    for (const job of this.jobs.values()) {
      if (!isAlive(job, now)) continue;
      const part = job.parts.find((candidate) => String(candidate.activityId) === id && !candidate.destroyed);
      if (part) {
        part.destroyed = true;
        return true;
      }
    }
    return false;
  }

  private part(jobId: string, spec: AdmiralCloudSimPartSpec, batch: boolean, now: number): SimPart {
    const start = spec.startAfterSeconds ?? 0;
    const steps: TimelineStep<PartState>[] = [
      { at: start, state: 'running', progress: 0 },
      { at: start + spec.durationSeconds, state: 'done', progress: 100 },
    ];
    if (start > 0) steps.unshift({ at: 0, state: 'waiting', progress: 0 });
    const activityId = this.nextActivityId;
    this.nextActivityId += 1;
    return {
      jobId,
      activityId,
      type: spec.type ?? (batch ? 'batchUpdate' : 'upload'),
      timeline: new Timeline(steps, now),
      createdAt: now + start * 1000,
      destroyed: false,
    };
  }

  private job(jobId: string): SimJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`No simulated AdmiralCloud job ${jobId}`);
    return job;
  }
}

function isAlive(job: SimJob, now: number): boolean {
  const phase = job.phases.at(now).step.state;
  return phase.kind !== 'destroyed' && phase.kind !== 'vanished';
}

function isListed(part: SimPart, now: number, ttlMs: number): boolean {
  const position = part.timeline.at(now);
  if (position.step.state === 'waiting' || part.destroyed) return false;
  const doneAt = part.timeline.startedAt + part.timeline.endsAt * 1000;
  return !(position.step.state === 'done' && now - doneAt > ttlMs);
}

function listedActivity(part: SimPart, now: number): ListedActivity {
  return {
    id: part.activityId,
    jobId: part.jobId,
    type: part.type,
    percent: Math.round(part.timeline.at(now).progress ?? 0),
    createdAt: part.createdAt,
  };
}

/**
 * The demo's job: a batch update (the job and one follow-up `jobId:1`) that completes over
 * `durationSeconds` clock seconds with a small result.
 */
export function demoJobSpec(durationSeconds: number): AdmiralCloudSimJobSpec {
  return {
    parts: [
      { durationSeconds, type: 'batchUpdate' },
      { durationSeconds: durationSeconds * 0.6, type: 'batchUpdate' },
    ],
    outcome: {
      kind: 'result',
      result: {
        processed: [
          { id: 4711, type: 'video' },
          { id: 4712, type: 'image' },
        ],
        failed: [],
      },
    },
  };
}
