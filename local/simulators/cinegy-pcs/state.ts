import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { Timeline, type TimelineStep } from '../timeline.js';

/*
 * The simulated PCS tasks and what they show over time. Numbers 0 (in progress) and 4 (finished)
 * and result type 0 (success) are documented; every other number here is the simulator's own
 * invention, so tests can play the statuses Cinegy does not publish (paused, suspended,
 * aborted...), which its desktop tools show.
 */

export interface CinegyTaskResultState {
  type: number;
  /** `result.type` in the Swagger-schema (string enum) form. */
  typeName: string;
  details: string;
}

export interface CinegyTaskStepState {
  status: number;
  /** `status` in the Swagger-schema (string enum) form. */
  statusName: string;
  statusDescription: string;
  /** False until an agent picks the task up: `progress` and `result` are null. */
  started: boolean;
  result?: CinegyTaskResultState;
}

export type CinegyTaskStep = TimelineStep<CinegyTaskStepState>;

export const REGISTERED: CinegyTaskStepState = {
  status: 0,
  statusName: 'inProgress',
  statusDescription: 'Task is in progress.',
  started: false,
};
export const IN_PROGRESS: CinegyTaskStepState = { ...REGISTERED, started: true };
export const PAUSED: CinegyTaskStepState = {
  status: 2,
  statusName: 'paused',
  statusDescription: 'Task is paused.',
  started: true,
};
export const SUSPENDED: CinegyTaskStepState = {
  status: 3,
  statusName: 'suspended',
  statusDescription: 'Task is suspended.',
  started: true,
};
export const ABORTED_STATUS: CinegyTaskStepState = {
  status: 5,
  statusName: 'aborted',
  statusDescription: 'Task is aborted.',
  started: true,
};

export function finished(result: CinegyTaskResultState): CinegyTaskStepState {
  return { status: 4, statusName: 'finished', statusDescription: 'Task is finished.', started: true, result };
}

export const SUCCESS: CinegyTaskResultState = {
  type: 0,
  typeName: 'success',
  details: 'Successfully finished',
};
export const FAILURE: CinegyTaskResultState = {
  type: 1,
  typeName: 'failed',
  details: 'Error: cannot open source file',
};
export const ABORTED_RESULT: CinegyTaskResultState = {
  type: 2,
  typeName: 'aborted',
  details: 'Task was aborted by user',
};

export function unknownStatus(status: number, statusDescription: string): CinegyTaskStepState {
  return { status, statusName: `status${status}`, statusDescription, started: true };
}

/**
 * Registered (no progress yet), picked up after 5% of the time (at most 2 s), then progress to
 * 100 and a success result at `durationSeconds`.
 *
 * @example new Timeline(runToSuccess(60), clock.now())
 */
export function runToSuccess(durationSeconds: number): CinegyTaskStep[] {
  const pickUp = Math.min(2, durationSeconds * 0.05);
  return [
    { at: 0, state: REGISTERED },
    { at: pickUp, state: IN_PROGRESS, progress: 0 },
    { at: durationSeconds, state: finished(SUCCESS), progress: 100 },
  ];
}

export interface CreateTaskOptions {
  id?: string;
  name?: string;
  metadata?: Record<string, string>;
  priority?: number;
  /** Media duration the TimeSpan progress counts up to, seconds. Default 700 (`00:11:40`). */
  mediaDurationSeconds?: number;
  /** The task appears (in the list and by id) only this many clock seconds from now. */
  registerAfterSeconds?: number;
  /** Default: {@link runToSuccess} over 30 clock seconds. */
  steps?: CinegyTaskStep[];
}

export interface SimTask {
  id: string;
  name: string;
  metadata: Record<string, string>;
  priority: number;
  mediaDurationSeconds: number;
  /** Clock ms at which the task is registered (and its timeline starts). */
  registeredAt: number;
  timeline: Timeline<CinegyTaskStepState>;
  /** Clock ms from which PCS no longer knows the task. */
  vanishedAt?: number;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** `2023-07-27T19:44:13`: task names carry their registration time, as the seed's do. */
function nameStamp(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

/** The PCS task database: every task ever registered, on the simulator's clock. */
export class CinegyTaskStore {
  private readonly tasks = new Map<string, SimTask>();

  constructor(private readonly clock: Clock) {}

  /** Registers a task (now, or after `registerAfterSeconds`) following `steps`. */
  create(options: CreateTaskOptions = {}): { taskId: string; name: string } {
    const id = options.id ?? randomUUID();
    const registeredAt = this.clock.now() + (options.registerAfterSeconds ?? 0) * 1000;
    const name = options.name ?? `Task ${id.slice(0, 8)}.mp4 - ${nameStamp(registeredAt)}`;
    this.tasks.set(id, {
      id,
      name,
      metadata: options.metadata ?? {},
      priority: options.priority ?? 50,
      mediaDurationSeconds: options.mediaDurationSeconds ?? 700,
      registeredAt,
      timeline: new Timeline(options.steps ?? runToSuccess(30), registeredAt),
    });
    return { taskId: id, name };
  }

  /** Old finished tasks, one a minute before now, so lookups have pages to walk. */
  addFinished(count: number, namePrefix: string): void {
    const now = this.clock.now();
    for (let index = 0; index < count; index += 1) {
      const id = randomUUID();
      const registeredAt = now - (count - index) * 60_000;
      this.tasks.set(id, {
        id,
        name: `${namePrefix} ${index}.mxf`,
        metadata: { 'src.name': `${namePrefix} ${index}.mxf` },
        priority: 50,
        mediaDurationSeconds: 600,
        registeredAt,
        timeline: new Timeline([{ at: 0, state: finished(SUCCESS), progress: 100 }], registeredAt),
      });
    }
  }

  /** The task, known or not yet registered; throws for an id never created (a test's mistake). */
  task(id: string): SimTask {
    const task = this.tasks.get(id);
    if (!task) throw new Error(`No simulated Cinegy task ${id}`);
    return task;
  }

  /** The task as PCS knows it now: registered and not vanished. */
  visible(id: string, now: number): SimTask | undefined {
    const task = this.tasks.get(id);
    return task && isVisible(task, now) ? task : undefined;
  }

  /** Every task PCS knows now, in registration order. */
  listed(now: number): SimTask[] {
    return [...this.tasks.values()]
      .filter((task) => isVisible(task, now))
      .sort((a, b) => a.registeredAt - b.registeredAt);
  }

  /** Replaces what the task does from now on, keeping the progress reached unless a step brings its own. */
  interrupt(id: string, steps: CinegyTaskStep[]): void {
    const task = this.task(id);
    const now = this.clock.now();
    const progress = task.timeline.at(now).progress;
    task.timeline.interrupt(
      now,
      steps.map((step) =>
        step.progress === undefined && progress !== undefined ? { ...step, progress } : step,
      ),
    );
  }

  /** PCS forgets the task now. */
  vanish(id: string): void {
    this.task(id).vanishedAt = this.clock.now();
  }
}

function isVisible(task: SimTask, now: number): boolean {
  return now >= task.registeredAt && (task.vanishedAt === undefined || now < task.vanishedAt);
}
