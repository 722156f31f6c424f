import { JobwatchError } from '../jobs/errors.js';

/**
 * A stored item that is not a valid job (written by hand, by an older schema, or damaged).
 * Names the item and the failing fields, never their values.
 */
export class CorruptJobItemError extends JobwatchError {
  override name = 'CorruptJobItemError';
  readonly itemKey: string;
  readonly issues: readonly string[];

  constructor(itemKey: string, issues: readonly string[]) {
    super(`Stored item ${itemKey} is not a valid job (${issues.slice(0, 5).join('; ')})`);
    this.itemKey = itemKey;
    this.issues = issues;
  }
}

/**
 * The table holds something the store's write protocol cannot produce (for example a latest
 * snapshot changed by a writer that bypassed the store). Not retryable: retrying would meet the
 * same state.
 */
export class StoreInvariantError extends JobwatchError {
  override name = 'StoreInvariantError';
}

/** A job has as many waiting task tokens as it may keep; a caller must wait another way. */
export class TooManyWaitersError extends JobwatchError {
  override readonly name = 'TooManyWaitersError';
  constructor(jobId: string, limit: number) {
    super(`Job ${jobId} already has ${limit} waiting callers (task tokens), the most it keeps`);
  }
}
