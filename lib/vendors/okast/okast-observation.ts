import type { Observation } from '../../jobs/job.js';
import { mapOkastStatus } from './map-okast-status.js';
import { parseOkastDate } from './okast-dates.js';
import type { IndexedIngest } from './okast-ingest-index.js';

/** Adapter memory: the matched entry, by the raw request time Okast wrote for it. */
export interface OkastAdapterState {
  requestTime: string;
  /** The same time as an instant, for readers of the snapshot. */
  requestedAt?: string;
}

/**
 * Turns the matched entry into an observation. Okast reports no progress, so none is given; the
 * entry's own error text is the job's error.
 *
 * @example observeOkastIngest(ingest, { timeZone: 'UTC', sameFileEntries: 3 }).status // 'FAILED'
 */
export function observeOkastIngest(
  ingest: IndexedIngest,
  context: { timeZone: string; sameFileEntries: number },
): Observation {
  const { entry } = ingest;
  const rawStatus = entry.status ?? '';
  const status = mapOkastStatus(rawStatus);
  const { request } = entry;
  const details: Record<string, unknown> = withoutEmpty({
    requestTime: entry.requestTime,
    lastStatusUpdate: entry.lastStatusUpdate,
    destinationFolder: request.destinationFolder,
    destinationFolderKind: request.destinationFolderKind,
    destinationFolderIndex: request.destinationFolderIndex,
    reschedule: request.reschedule,
  });
  // Worth knowing when reading a failure: the same file may have been ingested before (and be DONE).
  if (context.sameFileEntries > 1) details.sameFileIngests = context.sameFileEntries;

  const observation: Observation = {
    status,
    rawStatus: rawStatus === '' ? '(no status)' : rawStatus,
    details,
  };
  const updatedAt = parseOkastDate(entry.lastStatusUpdate, context.timeZone);
  if (updatedAt) observation.vendorUpdatedAt = updatedAt.toISOString();
  if (status === 'FAILED') {
    const message = entry.statusError || entry.error || `Okast reported ${rawStatus} without a statusError`;
    observation.error = { message };
    observation.message = message;
  }
  if (status === 'UNKNOWN') observation.message = 'Okast lists this ingest without a status';
  if (entry.requestTime) {
    const state: OkastAdapterState = { requestTime: entry.requestTime };
    if (ingest.requestAt) state.requestedAt = ingest.requestAt.toISOString();
    observation.adapterState = { ...state };
  }
  return observation;
}

function withoutEmpty(values: Record<string, string | null | undefined>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined && value !== null && value !== ''),
  );
}
