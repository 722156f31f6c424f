/*
 * The versioned-write protocol, without transactions (local DynamoDB has none).
 *
 * Write protocol for version n → n+1:
 * 1. put history item `V#n+1` if it does not exist — whoever succeeds *owns* version n+1;
 * 2. put the latest item if its version is still n.
 *
 * A writer that loses step 1 finds the owner's history item and completes step 2 for it ("roll
 * forward") before re-reading and re-applying its own transition, so a writer that crashed
 * between the steps never blocks the job and its change is never lost. Consequences: the latest
 * item at version n always equals history `V#n`; history has no gaps; at most one history item
 * (the next version) is ahead of the latest one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrentUpdateError, InvalidInputError, JobNotFoundError } from '../jobs/errors.js';
import type { Job } from '../jobs/job.js';
import { isFinal } from '../jobs/job-status.js';
import type { TransitionResult } from '../jobs/transitions.js';
import { expiresAt } from './job-item.js';
import type { UpdateResult } from './job-store.js';
import { readLatest } from './job-table.js';
import { parseOwnJob } from './own-input.js';
import { StoreInvariantError } from './store-errors.js';
import { checkedRefresh, checkedSuccessor } from './transition-checks.js';
import { stampHistoryExpiry } from './ttl-stamping.js';
import {
  claimVersion,
  putLatest,
  refreshWatchIssue,
  rollForward,
  type VersionedTable,
} from './version-steps.js';

/**
 * Optimistic-concurrency budget of an update: attempts, and the full-jitter back-off between
 * them (`random * min(maxDelayMs, baseDelayMs * 2^(attempt-1))`).
 */
export interface RetryBudget {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** What one attempt of an update came to: a result, or the snapshot to try again on. */
type Attempt = { done: UpdateResult } | { retryOn: Job | undefined };

/**
 * Stores a new job as history `V#1`, then as latest. Idempotent: if the id is taken, returns
 * the stored job (finishing its creation if its creator stopped half-way).
 *
 * @throws InvalidInputError for an invalid job or one not at version 1.
 * @example const { job, created } = await createVersionOne(table, initialJob);
 */
export async function createVersionOne(
  table: VersionedTable,
  input: Job,
): Promise<{ job: Job; created: boolean }> {
  const job = parseOwnJob(input, 'job');
  if (job.version !== 1) throw new InvalidInputError('A new job starts at version 1', ['version']);
  if (!(await claimVersion(table, job))) return { job: await existingJob(table, job.jobId), created: false };
  // Losing here means another createJob found our V#1 and already rolled it forward: same job.
  await putLatest(table, job);
  return { job, created: true };
}

async function existingJob(table: VersionedTable, jobId: string): Promise<Job> {
  let existing = await readLatest(table, jobId);
  if (!existing) {
    // Its creator is mid-way or crashed after writing V#1.
    await rollForward(table, jobId, 1);
    existing = await readLatest(table, jobId);
  }
  if (!existing) throw new StoreInvariantError(`Job ${jobId}: history exists but no latest snapshot`);
  return existing;
}

/**
 * Applies `transition` to the latest snapshot and stores the result if it changed. Under
 * contention it re-reads and re-applies (with jittered back-off) until it wins a version or runs
 * out of attempts. A final job is returned unchanged whatever the transition says.
 *
 * @throws JobNotFoundError when the job does not exist.
 * @throws ConcurrentUpdateError after too many lost races (retryable).
 * @example const { job, changed } = await updateVersioned(table, budget, jobId, transition);
 */
export async function updateVersioned(
  table: VersionedTable,
  budget: RetryBudget,
  jobId: string,
  transition: (current: Job) => TransitionResult,
): Promise<UpdateResult> {
  let current = await readLatest(table, jobId);
  for (let attempt = 1; ; attempt++) {
    if (!current) throw new JobNotFoundError(jobId);
    const outcome = await attemptUpdate(table, budget, jobId, current, transition, attempt);
    if ('done' in outcome) return outcome.done;
    current = outcome.retryOn;
  }
}

async function attemptUpdate(
  table: VersionedTable,
  budget: RetryBudget,
  jobId: string,
  current: Job,
  transition: (current: Job) => TransitionResult,
  attempt: number,
): Promise<Attempt> {
  // Checked here and not only in the transitions: no version may ever be claimed after a final
  // one, or it could never be rolled forward (the latest item's condition refuses it).
  if (isFinal(current.status)) return { done: { job: current, previous: current, changed: false } };
  const result = transition(current);
  if (!result.changed && result.refresh) {
    return attemptRefresh(table, budget, jobId, current, result.job, attempt);
  }
  if (!result.changed) return { done: { job: current, previous: current, changed: false } };
  return attemptNextVersion(table, budget, jobId, current, result.job, attempt);
}

async function attemptRefresh(
  table: VersionedTable,
  budget: RetryBudget,
  jobId: string,
  current: Job,
  candidate: Job,
  attempt: number,
): Promise<Attempt> {
  const refreshed = checkedRefresh(current, candidate);
  if (await refreshWatchIssue(table, refreshed)) {
    return { done: { job: refreshed, previous: current, changed: false } };
  }
  // Another writer moved the job on: apply the transition to what it wrote.
  if (attempt >= budget.maxAttempts) {
    throw new ConcurrentUpdateError(`Job ${jobId}: lost ${attempt} races to refresh its watch issue`);
  }
  return { retryOn: await readLatest(table, jobId) };
}

async function attemptNextVersion(
  table: VersionedTable,
  budget: RetryBudget,
  jobId: string,
  current: Job,
  candidate: Job,
  attempt: number,
): Promise<Attempt> {
  const next = checkedSuccessor(current, candidate);
  if (await claimVersion(table, next)) {
    await completeClaimedVersion(table, jobId, current, next);
    return { done: { job: next, previous: current, changed: true } };
  }
  // Version n+1 belongs to another writer. Give it a moment to finish; if the latest item is
  // still behind, the owner is slow or crashed: finish its write for it, then retry ours.
  if (attempt >= budget.maxAttempts) {
    await rollForward(table, jobId, next.version);
    throw new ConcurrentUpdateError(`Job ${jobId}: lost ${attempt} races for a new version`);
  }
  await sleep(Math.random() * Math.min(budget.maxDelayMs, budget.baseDelayMs * 2 ** (attempt - 1)));
  const latest = await readLatest(table, jobId);
  if (!latest || latest.version >= next.version) return { retryOn: latest };
  await rollForward(table, jobId, next.version);
  return { retryOn: await readLatest(table, jobId) };
}

/** Step 2 for the version this writer owns, with the history's expiry first if it is final. */
async function completeClaimedVersion(
  table: VersionedTable,
  jobId: string,
  current: Job,
  next: Job,
): Promise<void> {
  if (isFinal(next.status)) {
    await stampHistoryExpiry(table, jobId, current.version, expiresAt(next, table.retentionSeconds));
  }
  if (await putLatest(table, next)) return;
  // We own version n+1, so the latest item can only have left version n through a roll
  // forward of our own history item: the change is stored. Re-applying would apply it twice.
  const latest = await readLatest(table, jobId);
  if (!latest || latest.version < next.version) {
    throw new StoreInvariantError(
      `Job ${jobId}: version ${next.version} is claimed but cannot become latest`,
    );
  }
}
