import type { JobStatus } from '../../jobs/job-status.js';

/**
 * Maps a CTMS command lifecycle (and, for `error`, its cause) onto jobwatch's statuses.
 * `error` is FAILED unless its cause is `canceled` — cancelled by a caller, or by the service
 * after a restart: either way nobody's work failed, it was stopped.
 *
 * @example mapAvidLifecycle('error', 'canceled') // 'CANCELLED'
 * @example mapAvidLifecycle('paused') // 'UNKNOWN'
 */
export function mapAvidLifecycle(lifecycle: string, errorCause?: string | null): JobStatus {
  switch (lifecycle.trim().toLowerCase()) {
    case 'pending':
      return 'QUEUED';
    case 'running':
      return 'RUNNING';
    case 'suspended':
      return 'SUSPENDED';
    case 'finished':
      return 'SUCCEEDED';
    case 'error':
      return isCanceledCause(errorCause) ? 'CANCELLED' : 'FAILED';
    default:
      return 'UNKNOWN';
  }
}

/** `canceled` as documented, in any case, and the British `cancelled` a hand-written server may use. */
function isCanceledCause(cause: string | null | undefined): boolean {
  const word = cause?.trim().toLowerCase();
  return word === 'canceled' || word === 'cancelled';
}
