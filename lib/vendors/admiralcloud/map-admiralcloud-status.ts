import type { JobStatus } from '../../jobs/job-status.js';

/**
 * AdmiralCloud has no status field for a job: the "raw status" jobwatch keeps is what the
 * jobResult answer (and, while pending, the activity listing) said:
 *
 * - `pending` — jobResult answered exactly `{ ok: true }`
 * - `done` — jobResult answered `{}` (completed, no result)
 * - `result` — jobResult answered anything else (completed with a result)
 * - `not-found` — jobResult answered 404 or a "not found" error: the job vanished
 * - `activity-vanished` — the job's activity left the listing before 100%
 *
 * @example mapAdmiralCloudStatus('pending') // 'RUNNING'
 */
export function mapAdmiralCloudStatus(raw: string): JobStatus {
  switch (raw) {
    case 'pending':
      return 'RUNNING';
    case 'done':
    case 'result':
      return 'SUCCEEDED';
    case 'not-found':
    case 'activity-vanished':
      return 'LOST';
    default:
      return 'UNKNOWN';
  }
}

/**
 * An activity's own `status`, when an API server sends one [INF: the field is not documented].
 * A finished activity is still RUNNING for jobwatch: the job ends when jobResult has its answer.
 *
 * @example mapAdmiralCloudActivityStatus('destroyed') // 'CANCELLED'
 */
export function mapAdmiralCloudActivityStatus(raw: string): JobStatus {
  switch (raw.trim().toLowerCase()) {
    case 'queued':
    case 'waiting':
      return 'QUEUED';
    case 'running':
    case 'active':
    case 'processing':
    case 'pending':
    case 'inprogress':
    case 'in_progress':
    case 'done':
    case 'finished':
    case 'completed':
      return 'RUNNING';
    case 'cancelled':
    case 'canceled':
    case 'destroyed':
    case 'aborted':
      return 'CANCELLED';
    case 'failed':
    case 'error':
      return 'FAILED';
    default:
      return 'UNKNOWN';
  }
}
