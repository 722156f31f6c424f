import type { JobStatus } from '../../jobs/job-status.js';

/**
 * Maps a VDG Sense export (or device) status onto the normalized lifecycle, as vendors.md reads
 * the values: PENDING → QUEUED, SYNCING → RUNNING, COMPLETED → SUCCEEDED, REMOVED → CANCELLED.
 * [FIX] The status article writes them upper-case and lower-case ("SYNCING; PENDING …" and
 * "syncing, pending, completed"), so case is ignored.
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
