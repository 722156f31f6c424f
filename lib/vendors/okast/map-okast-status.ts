import type { JobStatus } from '../../jobs/job-status.js';

/**
 * Maps an Okast ingest status onto the normalized lifecycle. [DOC] Okast documents only `DONE`
 * and `ERRORED`; how a listed entry with another status is read is `statusOfListedEntry` in
 * okast-quirks.ts.
 *
 * @example mapOkastStatus('DONE') // 'SUCCEEDED'
 */
export function mapOkastStatus(raw: string | null | undefined): JobStatus {
  switch (raw) {
    case 'DONE':
      return 'SUCCEEDED';
    case 'ERRORED':
      return 'FAILED';
    default:
      return 'UNKNOWN';
  }
}
