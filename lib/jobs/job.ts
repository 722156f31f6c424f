import { z } from 'zod';
import { JobStatusSchema } from './job-status.js';

export const VENDORS = ['avid-ctms', 'cinegy-pcs', 'okast', 'vdg-sense', 'admiralcloud'] as const;
export const VendorNameSchema = z.enum(VENDORS);
export type VendorName = z.infer<typeof VendorNameSchema>;

const IsoTimestamp = z.iso.datetime({ offset: true });
const Progress = z.number().min(0).max(100);

/** The vendor's own account of why a job failed or was cancelled. */
export const JobErrorInfoSchema = z.object({
  message: z.string(),
  code: z.string().optional(),
  cause: z.string().optional(),
  httpCode: z.number().int().optional(),
});
export type JobErrorInfo = z.infer<typeof JobErrorInfoSchema>;

/**
 * Trouble *watching* the job (vendor unreachable, credentials refused, unreadable payload).
 * Kept apart from the job's own error: the job may be fine while we cannot see it.
 */
/**
 * What keeps jobwatch from reading the vendor. Only its `kind` is news (a new version): the text
 * of one kind of trouble changes from poll to poll (500, 502, ECONNRESET) and is kept as the
 * latest, with how often and until when it was seen, in the same version.
 */
export const WatchIssueSchema = z.object({
  kind: z.enum(['transport', 'auth', 'protocol', 'internal']),
  /** The latest description of this trouble. */
  message: z.string(),
  /** When this kind of trouble was first seen (the start of the back-off). */
  since: IsoTimestamp,
  /** When it was last seen. */
  lastSeenAt: IsoTimestamp.optional(),
  /** Polls that met it since `since`. */
  count: z.number().int().positive().optional(),
  /** When the vendor asked to be called again (its Retry-After), if it did. */
  retryAt: IsoTimestamp.optional(),
});
export type WatchIssue = z.infer<typeof WatchIssueSchema>;

/**
 * What one poll of a vendor says about a job, already normalized by the vendor's adapter.
 * `rawStatus` keeps the vendor's own word so nothing is lost in the mapping.
 */
export const ObservationSchema = z.object({
  status: JobStatusSchema,
  rawStatus: z.string(),
  progress: Progress.optional(),
  partial: z.boolean().optional(),
  message: z.string().optional(),
  error: JobErrorInfoSchema.optional(),
  /** When the vendor says the job last changed, if it says so (ISO, UTC). */
  vendorUpdatedAt: IsoTimestamp.optional(),
  /** Small vendor-specific facts worth keeping (per-device progress, bulk counts...). */
  details: z.record(z.string(), z.unknown()).optional(),
  /** What the vendor or the adapter knows about when to look again. */
  hints: z
    .object({
      retryAfterSeconds: z.number().nonnegative().optional(),
      etaSeconds: z.number().nonnegative().optional(),
    })
    .optional(),
  /** Adapter memory carried to the next poll (a resolved id, a followed link). */
  adapterState: z.record(z.string(), z.unknown()).optional(),
});
export type Observation = z.infer<typeof ObservationSchema>;

/**
 * Whether jobwatch still polls the job: WATCHING, ENDED (the job reached a final state), or
 * STOPPED (no longer watched although not final at the vendor, with the reason).
 */
export const WatchStateSchema = z.object({
  state: z.enum(['WATCHING', 'ENDED', 'STOPPED']),
  reason: z.string().optional(),
  /** Which watch of the job this is: 1 at the start, one more with every rewatch (absent: 1). */
  attempt: z.number().int().positive().optional(),
  /**
   * The first attempt's execution when its name is not the job id: a parent state machine that
   * started the watch directly (`.sync:2` with a reference) named it.
   */
  execution: z.string().optional(),
  /** Why and when the previous attempt stopped, kept after a rewatch. */
  lastStop: z.object({ reason: z.string(), at: IsoTimestamp }).optional(),
});
export type WatchState = z.infer<typeof WatchStateSchema>;

/** The latest snapshot of a job, as stored and as the API returns it. */
export const JobSchema = z.object({
  jobId: z.string(),
  connection: z.string(),
  vendor: VendorNameSchema,
  reference: z.record(z.string(), z.unknown()),
  status: JobStatusSchema,
  rawStatus: z.string().optional(),
  progress: Progress.optional(),
  partial: z.boolean().optional(),
  message: z.string().optional(),
  error: JobErrorInfoSchema.optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  watchIssue: WatchIssueSchema.optional(),
  stalled: z.boolean().optional(),
  watch: WatchStateSchema.optional(),
  /** Grows by one with every stored change; a writer never replaces a higher version. */
  version: z.number().int().positive(),
  createdAt: IsoTimestamp,
  /** When the snapshot last changed. */
  updatedAt: IsoTimestamp,
  /** When the vendor was last successfully read and the result applied (only stored on change). */
  observedAt: IsoTimestamp.optional(),
  vendorUpdatedAt: IsoTimestamp.optional(),
  finishedAt: IsoTimestamp.optional(),
  deadline: IsoTimestamp.optional(),
  /** First progress seen while running (reset on resume): the anchor of the ETA estimate. */
  progressAnchor: z.object({ at: IsoTimestamp, progress: Progress }).optional(),
  /** The progress point before the current one: the recent rate, which the anchor's average hides after a stall. */
  progressPrevious: z.object({ at: IsoTimestamp, progress: Progress }).optional(),
  /** Poll interval bounds this job narrowed within its connection's. */
  poll: z
    .object({ minIntervalSeconds: z.number().optional(), maxIntervalSeconds: z.number().optional() })
    .optional(),
  adapterState: z.record(z.string(), z.unknown()).optional(),
  /**
   * The watch's execution: its name, and its ARN when deployed (the local stack's executions have
   * a name only).
   */
  execution: z.object({ name: z.string(), arn: z.string().optional() }).optional(),
  /**
   * When the watch last polled, when it plans to poll next, and how many polls it made. A single
   * job (`GET /jobs/{id}`) shows them live from its poll ledger, which every poll writes (one
   * write outside every index). A snapshot in a listing or the history shows the poll that stored
   * it (`execution`, `lastPolledAt`, `nextPollAt` as of that change; no `polls`).
   */
  lastPolledAt: IsoTimestamp.optional(),
  nextPollAt: IsoTimestamp.optional(),
  polls: z.number().int().nonnegative().optional(),
  /** The caller's idempotency key, and a hash of the request it first came with. */
  idempotencyKey: z.string().optional(),
  requestHash: z.string().optional(),
});
export type Job = z.infer<typeof JobSchema>;

/** What a job says until its first poll has read the vendor. */
export const WAITING_FOR_FIRST_POLL = 'Waiting for the first poll';

/**
 * Version 1 of a job: watched, not yet polled. Callers add what their start knows (deadline,
 * idempotency key, the execution that watches it).
 *
 * @example initialJob({ jobId, connection: 'avid', vendor: 'avid-ctms', reference, at: now.toISOString() })
 */
export function initialJob(fields: {
  jobId: string;
  connection: string;
  vendor: VendorName;
  reference: Record<string, unknown>;
  at: string;
}): Job {
  const { at, ...identity } = fields;
  return {
    ...identity,
    status: 'UNKNOWN',
    message: WAITING_FOR_FIRST_POLL,
    watch: { state: 'WATCHING' },
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** A job as the outside world sees it: adapter memory and bookkeeping stay inside. */
export type PublicJob = Omit<Job, 'adapterState' | 'requestHash' | 'progressAnchor' | 'progressPrevious'>;

export function toPublicJob(job: Job): PublicJob {
  const {
    adapterState: _adapterState,
    requestHash: _requestHash,
    progressAnchor: _anchor,
    progressPrevious: _previous,
    ...visible
  } = job;
  return visible;
}
