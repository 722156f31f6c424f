import type { JobStatus } from '../../jobs/job-status.js';

/*
 * What is published [DOC]: status 0 = "Task is in progress.", 4 = "Task is finished."; the Swagger
 * schema writes status as `"inProgress"` and `result.type` as `"success"` where the examples have
 * 0. No other number is published, but Cinegy's desktop tools show tasks paused, suspended and
 * aborted (the Convert Monitor and Agent Manager manuals), so a status outside the switch is read
 * a second way: by the words of its name, then of its `statusDescription`.
 */

/** The task fields the mapping reads. */
export interface CinegyStatusFields {
  status?: number | string | null | undefined;
  statusDescription?: string | null | undefined;
  resultType?: number | string | null | undefined;
  resultDetails?: string | null | undefined;
}

/** What a text says, in the normalized statuses, plus `finished` (the result decides). */
type Reading = JobStatus | 'finished';

/**
 * `inProgress` → `in progress`, `Task is paused.` → `task is paused.`. "without errors" and
 * "no errors" are dropped, so "finished without errors" does not read as a failure.
 */
function words(text: string): string {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/\bwithout errors?\b|\bno errors?\b/g, ' ');
}

const SAYS_ABORT = /\babort|\bcancel/;
const SAYS_FAILURE = /\bfail|\berror/;

/**
 * Reads a status name or description. Order matters: "aborted due to an error" is an abort,
 * and "finished with errors" a failure.
 *
 * @example readWords('Task is paused.') // 'SUSPENDED'
 */
function readWords(text: string | null | undefined): Reading {
  if (!text) return 'UNKNOWN';
  const said = words(text);
  if (/\bpaus|\bsuspend/.test(said)) return 'SUSPENDED';
  if (SAYS_ABORT.test(said)) return 'CANCELLED';
  if (SAYS_FAILURE.test(said)) return 'FAILED';
  if (/\bin progress\b/.test(said)) return 'RUNNING';
  if (/\bfinish|\bcomplet/.test(said)) return 'finished';
  return 'UNKNOWN';
}

/**
 * A finished task's verdict from `result.type`: 0 / `"success"` is success [DOC]; no type yet is
 * UNKNOWN (not final: PCS writes the verdict a moment later); any other type failed — aborted
 * when the type or a text says abort or cancel.
 */
function mapFinished(fields: CinegyStatusFields): JobStatus {
  const { resultType } = fields;
  switch (resultType) {
    case 0:
    case 'success':
      return 'SUCCEEDED';
    case null:
    case undefined:
      return 'UNKNOWN';
    default: {
      const texts = [resultType, fields.resultDetails, fields.status, fields.statusDescription];
      const aborted = texts.some((text) => typeof text === 'string' && SAYS_ABORT.test(words(text)));
      return aborted ? 'CANCELLED' : 'FAILED';
    }
  }
}

/** A status outside the published ones, read by the words of its name, else its description. */
function mapByWords(fields: CinegyStatusFields): JobStatus {
  const byName = typeof fields.status === 'string' ? readWords(fields.status) : 'UNKNOWN';
  const reading = byName === 'UNKNOWN' ? readWords(fields.statusDescription) : byName;
  return reading === 'finished' ? mapFinished(fields) : reading;
}

/**
 * Maps a PCS task onto jobwatch's statuses. A finished task is SUCCEEDED only on a success
 * result; finished without a result yet stays UNKNOWN so the next poll reads the verdict.
 *
 * @example mapCinegyTaskStatus({ status: 4, resultType: 0 }) // 'SUCCEEDED'
 * @example mapCinegyTaskStatus({ status: 4, resultType: 2, resultDetails: 'Aborted by user' }) // 'CANCELLED'
 * @example mapCinegyTaskStatus({ status: 7, statusDescription: 'Task is paused.' }) // 'SUSPENDED'
 */
export function mapCinegyTaskStatus(fields: CinegyStatusFields): JobStatus {
  switch (fields.status) {
    case 0:
    case 'inProgress':
      return 'RUNNING';
    case 4:
      return mapFinished(fields);
    default:
      return mapByWords(fields);
  }
}
