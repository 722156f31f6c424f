import { BulkResultItemSchema } from './avid-ctms-schema.js';

/** What a bulk command did to its items. */
export interface BulkSummary {
  total: number;
  succeeded: number;
  failed: number;
  /** Items whose `success` flag is missing or not a boolean: counted, but neither way. */
  undetermined: number;
  /** The first few failures, enough to diagnose without storing a huge list. */
  failures: { errorCode?: string; errorMessage?: string; httpStatus?: number }[];
}

const MAX_FAILURES_KEPT = 5;

/**
 * Counts a bulk command's `payload.result[]`. CTMS reports a bulk command `finished` even when
 * some or all items failed, so the per-item `success` flags are the real verdict.
 * Returns `undefined` when the command carries no result list (not a bulk command) and no
 * counts in `state.params` either.
 *
 * @example summarizeBulkResult([{ success: true }, { success: false, errorCode: 'X' }])?.failed // 1
 */
export function summarizeBulkResult(
  result: unknown,
  stateParams?: Record<string, unknown> | null,
): BulkSummary | undefined {
  if (Array.isArray(result)) {
    const summary: BulkSummary = {
      total: result.length,
      succeeded: 0,
      failed: 0,
      undetermined: 0,
      failures: [],
    };
    for (const entry of result) {
      const item = BulkResultItemSchema.safeParse(entry);
      const success = item.success ? item.data.success : undefined;
      if (success === true) summary.succeeded += 1;
      else if (success === false && item.success) {
        summary.failed += 1;
        if (summary.failures.length < MAX_FAILURES_KEPT) {
          const httpStatus = Number(item.data.httpStatus);
          summary.failures.push({
            ...(item.data.errorCode ? { errorCode: item.data.errorCode } : {}),
            ...(item.data.errorMessage ? { errorMessage: item.data.errorMessage } : {}),
            ...(Number.isInteger(httpStatus) && item.data.httpStatus != null ? { httpStatus } : {}),
          });
        }
      } else summary.undetermined += 1;
    }
    return summary;
  }
  // Without a result list, the counts some services put in state.params are the next best thing [INF].
  const total = countOf(stateParams?.totalCount);
  const succeeded = countOf(stateParams?.successCount);
  const failed = countOf(stateParams?.failureCount);
  if (total === undefined || succeeded === undefined || failed === undefined) return undefined;
  return { total, succeeded, failed, undetermined: Math.max(0, total - succeeded - failed), failures: [] };
}

function countOf(value: unknown): number | undefined {
  const count = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof count === 'number' && Number.isInteger(count) && count >= 0 ? count : undefined;
}
