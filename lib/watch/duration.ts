import { IdempotencyConflictError, InvalidInputError } from '../jobs/errors.js';
import type { Job } from '../jobs/job.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Parses a duration as people write it in pipelines: `90s`, `30m`, `2h`, `1d12h`, or ISO 8601
 * (`PT2H`, `P1DT6H`).
 *
 * @example parseDurationSeconds('1h30m') // 5400
 */
export function parseDurationSeconds(text: string): number {
  const trimmed = text.trim();
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(trimmed);
  if (iso && trimmed.length > 1 && !/T$/i.test(trimmed)) {
    const [, days, hours, minutes, seconds] = iso;
    return (
      Number(days ?? 0) * 86_400 +
      Number(hours ?? 0) * 3600 +
      Number(minutes ?? 0) * 60 +
      Number(seconds ?? 0)
    );
  }
  // Sticky (`y`): each part must start where the last ended, so a run of digits without a unit is
  // read once, not retried from every digit (quadratic: issue 10).
  const parts = [...trimmed.matchAll(/\s*(\d+(?:\.\d+)?)\s*([smhdw])/giy)];
  const rebuilt = parts.map((part) => part[0].replace(/\s+/g, '')).join('');
  if (parts.length === 0 || rebuilt.toLowerCase() !== trimmed.replace(/\s+/g, '').toLowerCase()) {
    throw new InvalidInputError(`"${text}" is not a duration (examples: 90s, 30m, 2h, 1d12h, PT2H)`);
  }
  return parts.reduce(
    (total, part) => total + Number(part[1]) * (UNIT_SECONDS[(part[2] ?? 's').toLowerCase()] ?? 1),
    0,
  );
}

/**
 * The furthest deadline a watch may have: one year (365 days), the longest a Step Functions
 * Standard execution may run.
 */
export const MAX_DEADLINE_SECONDS = 365 * 86_400;

/**
 * A deadline given as an ISO timestamp or as a duration from `now`, as an ISO timestamp. It must
 * lie after `now` and at most one year ahead (`MAX_DEADLINE_SECONDS`); anything else is an
 * InvalidInputError that names the `deadline` field.
 *
 * @example resolveDeadline('2h', new Date('2026-01-01T00:00:00Z')) // '2026-01-01T02:00:00.000Z'
 */
export function resolveDeadline(deadline: string, now: Date): string {
  const asDate = Date.parse(deadline);
  const isTimestamp = /^\d{4}-\d{2}-\d{2}T/.test(deadline) && !Number.isNaN(asDate);
  const fieldError = (reason: string) =>
    new InvalidInputError(`Invalid deadline "${deadline}": ${reason}`, [`deadline: ${reason}`]);
  const seconds = isTimestamp ? (asDate - now.getTime()) / 1000 : deadlineDuration(deadline);
  if (!(seconds > 0)) {
    throw fieldError(
      isTimestamp
        ? `not in the future (now is ${now.toISOString()}); leave deadline out for the connection's default`
        : "not in the future: a duration must be longer than zero; leave deadline out for the connection's default",
    );
  }
  // Checked before any Date is built from it: a huge duration is no Date at all (RangeError).
  if (seconds > MAX_DEADLINE_SECONDS) {
    throw fieldError(
      `more than one year (${MAX_DEADLINE_SECONDS / 86_400} days) away; a watch lasts at most one year, ` +
        'the longest a Step Functions execution may run',
    );
  }
  return isTimestamp
    ? new Date(asDate).toISOString()
    : new Date(now.getTime() + seconds * 1000).toISOString();
}

/** A duration deadline in seconds; a refusal names the field. */
function deadlineDuration(deadline: string): number {
  try {
    return parseDurationSeconds(deadline);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw new InvalidInputError(error.message, [`deadline: ${error.message}`]);
  }
}

/**
 * A start asked a watch that is running already for another deadline. Refused rather than
 * ignored (the caller would believe its deadline holds) or applied (a start that moves a running
 * watch's deadline is a change nobody asked the start to make); a subclass of the idempotency
 * conflict, so the state machine treats it as permanent too.
 */
export class DeadlineConflictError extends IdempotencyConflictError {
  override name = 'DeadlineConflictError';
}

/**
 * Refuses a repeated start whose deadline differs from the one its watch keeps. A duration counts
 * from the job's first start (`createdAt`), so a caller repeating the very same request — a retry,
 * a duplicate event — is the same watch, however much later it comes.
 *
 * @example checkSameDeadline('2h', job) // throws DeadlineConflictError unless job.deadline is createdAt + 2h
 */
export function checkSameDeadline(
  requested: string,
  job: Pick<Job, 'jobId' | 'createdAt' | 'deadline'>,
): void {
  const asDate = Date.parse(requested);
  const requestedAt =
    /^\d{4}-\d{2}-\d{2}T/.test(requested) && !Number.isNaN(asDate)
      ? asDate
      : Date.parse(job.createdAt) + parseDurationSeconds(requested) * 1000;
  if (job.deadline !== undefined && requestedAt === Date.parse(job.deadline)) return;
  const requestedText = Number.isFinite(requestedAt) ? new Date(requestedAt).toISOString() : 'never';
  throw new DeadlineConflictError(
    `Job ${job.jobId} is already being watched until ${job.deadline ?? 'no deadline'}; ` +
      `the deadline "${requested}" (${requestedText}, durations count from its start at ${job.createdAt}) ` +
      'is not applied to a running watch. Repeat the start without deadline, or cancel the job and start it again',
  );
}
