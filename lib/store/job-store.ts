import type { Job, VendorName } from '../jobs/job.js';
import type { JobStatus } from '../jobs/job-status.js';
import type { TransitionResult } from '../jobs/transitions.js';

export interface ListJobsQuery {
  /** Any of these statuses (none: all). */
  statuses?: readonly JobStatus[];
  vendor?: VendorName;
  connection?: string;
  /** ISO timestamps bounding `updatedAt`, inclusive. */
  updatedSince?: string;
  updatedUntil?: string;
  /** 1–100, default 25. */
  limit?: number;
  /** Opaque cursor from a previous page of the *same* query. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Present when there is more; pass it back as `cursor`. */
  next?: string;
}

export interface UpdateResult {
  /** The job after the update (the stored one when nothing changed). */
  job: Job;
  /** The job as it was read before this update's transition. */
  previous: Job;
  changed: boolean;
}

/**
 * Where job snapshots live. Every stored change is a new version and a history entry; a writer
 * never replaces a newer version, and a job in a final state never changes again.
 */
export interface JobStore {
  /** Stores a new job (version 1, first history entry). Returns the existing job if the id is taken. */
  createJob(job: Job): Promise<{ job: Job; created: boolean }>;
  getJob(jobId: string): Promise<Job | undefined>;
  /** Newest `updatedAt` first. */
  listJobs(query: ListJobsQuery): Promise<Page<Job>>;
  /** Snapshots of one job, oldest first. */
  history(jobId: string, options?: { limit?: number; cursor?: string }): Promise<Page<Job>>;
  /**
   * Reads the latest snapshot, applies `transition`, and stores the result only if it changed —
   * re-reading and re-applying when another writer got there first.
   *
   * @throws JobNotFoundError when the job does not exist.
   */
  update(jobId: string, transition: (current: Job) => TransitionResult): Promise<UpdateResult>;
  /**
   * Remembers a caller's task token until the job's watch answers it. Kept apart from the
   * snapshots: adding one makes no version. Adding a token already there changes nothing.
   *
   * @throws TooManyWaitersError when the job already has {@link MAX_WAITERS_PER_JOB} waiters.
   */
  addWaiter(jobId: string, taskToken: string): Promise<void>;
  /** The task tokens waiting on a job (strongly consistent; empty when none). */
  waiters(jobId: string): Promise<string[]>;
  /** Forgets these tokens (answered, or no longer answerable); unknown ones are ignored. */
  removeWaiters(jobId: string, taskTokens: readonly string[]): Promise<void>;
  /** Counts one poll of the job and records what it planned next (the poll ledger: one write, no version). */
  recordPoll(jobId: string, poll: PollRecord): Promise<void>;
  /** The job's poll ledger, or undefined before its first poll. */
  pollLedger(jobId: string): Promise<PollLedger | undefined>;
}

/** What one poll records of itself. */
export interface PollRecord {
  /** The execution that polled: its name, and its ARN when deployed. */
  execution: { name: string; arn?: string };
  /** When it polled (ISO). */
  at: string;
  /** When the next poll is planned (ISO); absent when none is (the job ended). */
  nextPollAt?: string | undefined;
}

/** A job's polls so far, as the ledger holds them. */
export interface PollLedger {
  polls: number;
  lastPolledAt: string;
  nextPollAt?: string;
  execution: { name: string; arn?: string };
}

/** Task tokens one job keeps at most: each is up to 1 KiB, and one item holds 400 KB. */
export const MAX_WAITERS_PER_JOB = 100;
