import type { TimelineStep } from '../timeline.js';

/*
 * What a simulated PCS task shows at a step. Numbers 0 (in progress) and 4 (finished) and result
 * type 0 (success) are documented; every other number here is the simulator's own invention, so
 * tests can play the statuses Cinegy does not publish (paused, suspended, aborted...) [INF].
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
export const WAITING: CinegyTaskStepState = {
  status: 1,
  statusName: 'waiting',
  statusDescription: 'Task is waiting in the queue.',
  started: false,
};
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
 * Registered (no progress yet), picked up after 5% of the time, then progress to 100 and a
 * success result at `durationSeconds`.
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
