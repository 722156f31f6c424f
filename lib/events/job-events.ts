import type { Job } from '../jobs/job.js';
import type { JobStatus } from '../jobs/job-status.js';

/** The EventBridge `source` of every event jobwatch emits. */
export const EVENT_SOURCE = 'jobwatch';
/** The `source` callers use for events that ask jobwatch to watch a job. */
export const REQUEST_EVENT_SOURCE = 'jobwatch.requests';

export const DETAIL_TYPES = {
  statusChanged: 'Job Status Changed',
  stalled: 'Job Stalled',
  watchRequested: 'Watch Job Requested',
} as const;

/** Bumped when a field is removed or changes meaning; new optional fields keep the version. */
export const DETAIL_SCHEMA_VERSION = '1';

/**
 * The `detail` of "Job Status Changed" and "Job Stalled" (schema version 1).
 * Documented in docs/events.md; consumers may rely on every field marked required there.
 */
export interface JobEventDetail {
  schemaVersion: typeof DETAIL_SCHEMA_VERSION;
  jobId: string;
  connection: string;
  vendor: string;
  previousStatus: JobStatus | null;
  status: JobStatus;
  final: boolean;
  progress: number | null;
  partial: boolean | null;
  rawStatus: string | null;
  message: string | null;
  error: Job['error'] | null;
  stalled: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface JobEvent {
  detailType: (typeof DETAIL_TYPES)['statusChanged' | 'stalled'];
  detail: JobEventDetail;
}

/** Sends jobwatch's events out (EventBridge when deployed, the in-process bus locally). */
export interface EventPublisher {
  publish(events: readonly JobEvent[]): Promise<void>;
}

/**
 * Builds an event's detail from the job after the change and its status before.
 *
 * @example jobEvent(DETAIL_TYPES.statusChanged, job, 'RUNNING')
 */
export function jobEvent(
  detailType: JobEvent['detailType'],
  job: Job,
  previousStatus: JobStatus | null,
): JobEvent {
  return {
    detailType,
    detail: {
      schemaVersion: DETAIL_SCHEMA_VERSION,
      jobId: job.jobId,
      connection: job.connection,
      vendor: job.vendor,
      previousStatus,
      status: job.status,
      final: job.finishedAt !== undefined,
      progress: job.progress ?? null,
      partial: job.partial ?? null,
      rawStatus: job.rawStatus ?? null,
      message: job.message ?? null,
      error: job.error ?? null,
      stalled: job.stalled ?? false,
      version: job.version,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      finishedAt: job.finishedAt ?? null,
    },
  };
}
