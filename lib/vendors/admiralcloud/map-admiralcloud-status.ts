import type { JobStatus } from '../../jobs/job-status.js';

/**
 * AdmiralCloud has no status field for a job: the "raw status" jobwatch keeps is what the
 * jobResult answer (and, while pending, the activity listing) said:
 *
 * - `pending` — jobResult answered exactly `{ ok: true }` (or "not yet")
 * - `done` — jobResult answered `{}` (completed, no result)
 * - `result` — jobResult answered anything else (completed with a result)
 * - `not-found` — jobResult answered 404 or a "not found" error: the job vanished
 * - `activity-vanished` — the job's activity left the listing before 100% (LOST, or the
 *   connection's `vanishedActivityStatus`)
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
