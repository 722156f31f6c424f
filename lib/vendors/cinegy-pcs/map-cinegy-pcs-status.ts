import type { JobStatus } from '../../jobs/job-status.js';

/*
 * What is known [DOC]: status 0 = "Task is in progress.", 4 = "Task is finished."; the Swagger
 * schema writes status as `"inProgress"` and `result.type` as `"success"` where the examples have
 * 0. Nothing else is published. Cinegy's desktop tools show tasks in progress, paused, suspended,
 * completed ("Successfully finished") and aborted (Convert Monitor and Agent Manager manuals on
 * open.cinegy.com) — so any other status is read through its words [INF].
 */

/** What a task's status (number, name or description) says, in the words the tools use. */
export type CinegyTaskPhase =
  | 'queued'
  | 'inProgress'
  | 'paused'
  | 'suspended'
  | 'aborted'
  | 'failed'
  | 'finished'
  | 'unrecognized';

/** What a finished task's `result.type` says. */
export type CinegyResultKind = 'success' | 'aborted' | 'failed' | 'missing';

/**
 * `inProgress` → `in progress`, `task_is-paused` → `task is paused`, `INPROGRESS` → `in progress`.
 * Negated errors ("without errors", "no errors") are dropped; "with errors" is kept.
 */
function words(text: string): string {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .toLowerCase()
    .replace(/\binprogress\b/g, 'in progress')
    .replace(/\bnotstarted\b/g, 'not started')
    .replace(/\bwithout (any )?errors?\b|\bwith no errors?\b|\bno errors?\b|\b0 errors?\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const SAYS_ABORT = /\babort|\bcancel|\bstop|\bterminat|\bkill/;
const SAYS_FAILURE = /\bfail|\berror|\bfault|\bunsuccess/;
const SAYS_SUCCESS = /\bsucce/;

/**
 * Reads a status name or description. Order matters: "aborted due to an error" is an abort, and
 * "finished with errors" a failure.
 *
 * @example phaseFromWords('Task is paused.') // 'paused'
 * @example phaseFromWords('inProgress') // 'inProgress'
 */
export function phaseFromWords(text: string | null | undefined): CinegyTaskPhase {
  if (!text) return 'unrecognized';
  const said = words(text);
  if (/\bpaus/.test(said)) return 'paused';
  if (/\bsuspend/.test(said)) return 'suspended';
  if (SAYS_ABORT.test(said)) return 'aborted';
  if (SAYS_FAILURE.test(said)) return 'failed';
  if (
    /\bqueue|\bwait|\bpending|\bnot (yet )?started|\bscheduled|\bcreated\b|\bnew\b|\bsubmitted\b/.test(said)
  )
    return 'queued';
  if (/\bin progress|\bprocessing|\brunning|\bactive\b|\bstarted\b|\bresum|\bexecuting\b|\bbusy\b/.test(said))
    return 'inProgress';
  if (/\bfinish|\bcomplet|\bsucce|\bdone\b/.test(said)) return 'finished';
  return 'unrecognized';
}

/**
 * The phase of a task from its `status` (number, numeric string or name), falling back to
 * `statusDescription` for the numbers Cinegy does not publish.
 *
 * @example taskPhase(4, 'Task is finished.') // 'finished'
 * @example taskPhase(7, 'Task is suspended by the operator') // 'suspended'
 */
export function taskPhase(
  status: number | string | null | undefined,
  statusDescription?: string | null,
): CinegyTaskPhase {
  const code = typeof status === 'string' && /^\s*-?\d+\s*$/.test(status) ? Number(status) : status;
  if (typeof code === 'number') {
    switch (code) {
      case 0:
        return 'inProgress';
      case 4:
        return 'finished';
      default:
        return phaseFromWords(statusDescription);
    }
  }
  const named = phaseFromWords(code);
  return named === 'unrecognized' ? phaseFromWords(statusDescription) : named;
}

/**
 * What a finished task's `result.type` says: 0 / `"success"` is success; other values are read by
 * their words, then by the result's and the status's text for an abort [INF]. With no type at all
 * the texts decide only when they say so outright ("Successfully finished", "Task failed");
 * "Task is finished." alone stays `missing`.
 *
 * @example resultKind(0) // 'success'
 * @example resultKind(2, 'Task was aborted by user') // 'aborted'
 * @example resultKind(undefined, 'Task is finished.') // 'missing'
 */
export function resultKind(
  type: number | string | null | undefined,
  ...texts: (string | null | undefined)[]
): CinegyResultKind {
  const said = texts.filter((text): text is string => text != null).map(words);
  if (type === null || type === undefined || (typeof type === 'string' && type.trim() === '')) {
    if (said.some((text) => SAYS_ABORT.test(text))) return 'aborted';
    if (said.some((text) => SAYS_FAILURE.test(text))) return 'failed';
    if (said.some((text) => SAYS_SUCCESS.test(text))) return 'success';
    return 'missing';
  }
  const code = typeof type === 'string' && /^\s*-?\d+\s*$/.test(type) ? Number(type) : type;
  if (code === 0) return 'success';
  if (typeof code === 'string') {
    const named = words(code);
    if (SAYS_ABORT.test(named)) return 'aborted';
    if (SAYS_FAILURE.test(named)) return 'failed';
    // `success`, `Succeeded`, `completed`, `ok`, also `successWithWarnings`: the output exists.
    if (/^(success|succeeded|successful|successfully|ok|completed?|done|finished)\b/.test(named))
      return 'success';
  }
  return said.some((text) => SAYS_ABORT.test(text)) ? 'aborted' : 'failed';
}

/**
 * Maps a PCS task onto jobwatch's statuses. A finished task is SUCCEEDED only on a success
 * result; finished without any result yet stays UNKNOWN (not final) so the next poll can read the
 * verdict PCS writes a moment later [INF].
 *
 * @example mapCinegyTaskStatus(4, 'Task is finished.', 0) // 'SUCCEEDED'
 * @example mapCinegyTaskStatus(4, 'Task is finished.', 1, 'Aborted by user') // 'CANCELLED'
 * @example mapCinegyTaskStatus(7, 'Task is whatever') // 'UNKNOWN'
 */
export function mapCinegyTaskStatus(
  status: number | string | null | undefined,
  statusDescription?: string | null,
  resultType?: number | string | null,
  resultDetails?: string | null,
): JobStatus {
  switch (taskPhase(status, statusDescription)) {
    case 'queued':
      return 'QUEUED';
    case 'inProgress':
      return 'RUNNING';
    case 'paused':
    case 'suspended':
      return 'SUSPENDED';
    case 'aborted':
      return 'CANCELLED';
    case 'failed':
      return 'FAILED';
    case 'finished':
      return mapFinishedResult(
        resultKind(resultType, resultDetails, typeof status === 'string' ? status : null, statusDescription),
      );
    default:
      return 'UNKNOWN';
  }
}

function mapFinishedResult(kind: CinegyResultKind): JobStatus {
  switch (kind) {
    case 'success':
      return 'SUCCEEDED';
    case 'aborted':
      return 'CANCELLED';
    case 'failed':
      return 'FAILED';
    default:
      return 'UNKNOWN';
  }
}
