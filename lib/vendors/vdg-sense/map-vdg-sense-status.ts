import type { JobStatus } from '../../jobs/job-status.js';

/**
 * Maps a VDG Sense export (or device) status onto the normalized lifecycle. VDG documents the
 * API as case-insensitive and writes the values both ways, so the comparison ignores case.
 * [INF] PENDING → QUEUED, SYNCING → RUNNING, COMPLETED → SUCCEEDED, REMOVED → CANCELLED.
 *
 * @example mapVdgSenseStatus('syncing') // 'RUNNING'
 */
export function mapVdgSenseStatus(raw: string | undefined): JobStatus {
  switch ((raw ?? '').trim().toUpperCase()) {
    case 'PENDING':
      return 'QUEUED';
    case 'SYNCING':
      return 'RUNNING';
    case 'COMPLETED':
      return 'SUCCEEDED';
    case 'REMOVED':
      return 'CANCELLED';
    default:
      return 'UNKNOWN';
  }
}

/** True when a device's own status says it finished its part. */
export function isDeviceCompleted(raw: string | undefined): boolean {
  return (raw ?? '').trim().toUpperCase() === 'COMPLETED';
}
