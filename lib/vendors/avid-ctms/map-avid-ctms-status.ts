import type { JobStatus } from '../../jobs/job-status.js';

/**
 * Maps a CTMS command lifecycle (and, for `error`, its cause) onto jobwatch's statuses [DOC].
 * `error` is FAILED unless its cause is `canceled` — cancelled by a caller, or by the service
 * after a restart: either way nobody's work failed, it was stopped.
 *
 * @example mapAvidLifecycle('error', 'canceled') // 'CANCELLED'
 * @example mapAvidLifecycle('paused') // 'UNKNOWN'
 */
export function mapAvidLifecycle(
  lifecycle: string | null | undefined,
  errorCause?: string | null,
): JobStatus {
  switch (lifecycle) {
    case 'pending':
      return 'QUEUED';
    case 'running':
      return 'RUNNING';
    case 'suspended':
      return 'SUSPENDED';
    case 'finished':
      return 'SUCCEEDED';
    case 'error':
      return errorCause === 'canceled' ? 'CANCELLED' : 'FAILED';
    default:
      return 'UNKNOWN';
  }
}
