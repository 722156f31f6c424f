import type { TimelineStep } from '../timeline.js';

/** A CTMS lifecycle; any other string is allowed so tests can send values no mapping knows. */
export type CtmsLifecycle = 'pending' | 'running' | 'suspended' | 'finished' | 'error' | (string & {});

export interface CtmsText {
  text: string;
  code: string;
  params?: Record<string, unknown>;
}

export interface CtmsError {
  cause?: 'runtimeError' | 'timeout' | 'canceled' | 'rejected' | (string & {});
  code: string;
  text: string;
  httpCode?: number;
  params?: Record<string, unknown>;
}

/** One item of a bulk command's `payload.result`, as CTMS writes it. */
export interface CtmsBulkItem {
  success: boolean;
  data: unknown;
  httpStatus?: number;
  errorCode?: string;
  errorMessage?: string;
}

/** What a command looks like while one step of its script is in force. */
export interface CommandStepState {
  lifecycle: CtmsLifecycle;
  state?: CtmsText;
  error?: CtmsError;
  /** Bulk commands: the per-item outcome, reported once the command is finished. */
  result?: CtmsBulkItem[];
}

export type CommandStep = TimelineStep<CommandStepState>;

const RUNNING: CtmsText = { text: 'Processing', code: 'CTMS/RUNNING' };

/**
 * Pending for a moment, then running with progress rising steadily, then finished at
 * `seconds`.
 *
 * @example simulator.createCommand({ steps: runToSuccess(60) })
 */
export function runToSuccess(seconds: number, pendingSeconds = Math.min(2, seconds / 10)): CommandStep[] {
  return [
    { at: 0, progress: 0, state: { lifecycle: 'pending', state: { text: 'Waiting', code: 'CTMS/PENDING' } } },
    { at: pendingSeconds, progress: 0, state: { lifecycle: 'running', state: RUNNING } },
    {
      at: seconds,
      progress: 100,
      state: {
        lifecycle: 'finished',
        state: { text: 'Command finished successfully', code: 'CTMS/FINISHED' },
      },
    },
  ];
}

/** Runs, then ends in lifecycle `error` with the given error at `seconds` (cause `canceled` = cancelled). */
export function runToError(seconds: number, error: CtmsError, progressAtError = 40): CommandStep[] {
  return [
    { at: 0, progress: 0, state: { lifecycle: 'running', state: RUNNING } },
    { at: seconds * 0.99, progress: progressAtError, state: { lifecycle: 'running', state: RUNNING } },
    { at: seconds, progress: progressAtError, state: { lifecycle: 'error', error } },
  ];
}

/** Runs to `suspendAt` (progress 50), suspended until `resumeAt`, then finishes at `finishAt`. */
export function suspendAndResume(suspendAt: number, resumeAt: number, finishAt: number): CommandStep[] {
  return [
    { at: 0, progress: 0, state: { lifecycle: 'running', state: RUNNING } },
    {
      at: suspendAt,
      progress: 50,
      state: { lifecycle: 'suspended', state: { text: 'Suspended', code: 'CTMS/SUSPENDED' } },
    },
    { at: resumeAt, progress: 50, state: { lifecycle: 'running', state: RUNNING } },
    {
      at: finishAt,
      progress: 100,
      state: { lifecycle: 'finished', state: { text: 'Done', code: 'CTMS/FINISHED' } },
    },
  ];
}

/** A bulk command: runs, then `finished` with per-item results (which may all have failed). */
export function bulkCommand(seconds: number, items: CtmsBulkItem[]): CommandStep[] {
  const succeeded = items.filter((item) => item.success).length;
  return [
    { at: 0, progress: 0, state: { lifecycle: 'running', state: RUNNING } },
    {
      at: seconds,
      progress: 100,
      state: {
        lifecycle: 'finished',
        state: {
          text: `Deleted ${succeeded} of ${items.length} items`,
          code: 'avid.mam.assets.access/DELETE_ITEMS_DONE',
          params: {
            totalCount: items.length,
            successCount: succeeded,
            failureCount: items.length - succeeded,
          },
        },
        result: items,
      },
    },
  ];
}

/** A command that stays in one lifecycle (e.g. one no mapping knows). */
export function stayIn(lifecycle: CtmsLifecycle, progress?: number): CommandStep[] {
  return [{ at: 0, progress, state: { lifecycle, state: { text: `In ${lifecycle}`, code: 'CTMS/STATE' } } }];
}

/** Lifecycles after which CTMS changes nothing any more. */
export function isFinalLifecycle(lifecycle: CtmsLifecycle): boolean {
  return lifecycle === 'finished' || lifecycle === 'error';
}
