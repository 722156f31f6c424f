import type { JobStatus } from '../../jobs/job-status.js';

/**
 * Maps an Okast ingest status onto the normalized lifecycle.
 *
 * Okast documents only `DONE` and `ERRORED`. Every listed entry is a request Okast has accepted,
 * so any other value is read as work in progress (RUNNING) rather than UNKNOWN [INF, vendors.md];
 * the raw value is kept beside it. Only an entry without any status is UNKNOWN. Compared
 * case-insensitively.
 *
 * @example mapOkastStatus('done') // 'SUCCEEDED'
 */
export function mapOkastStatus(raw: string | null | undefined): JobStatus {
  const status = (raw ?? '').trim().toUpperCase();
  switch (status) {
    case 'DONE':
      return 'SUCCEEDED';
    case 'ERRORED':
      return 'FAILED';
    case '':
      return 'UNKNOWN';
    default:
      // Deliberately not UNKNOWN: see above.
      return 'RUNNING';
  }
}
