import { BulkResultItemSchema } from './avid-ctms-schema.js';

/** What a bulk command did to its items. */
export interface BulkSummary {
  total: number;
  succeeded: number;
  failed: number;
  /** Items that say neither way (no `success`, no `httpStatus`, no error): counted, but neither way. */
  undetermined: number;
  /** The first few failures, enough to diagnose without storing a huge list. */
  failures: { errorCode?: string; errorMessage?: string; httpStatus?: number }[];
}

const MAX_FAILURES_KEPT = 5;

/** Where a wrapped result list may sit [INF: the documented form is a bare array]. */
const WRAPPED_LIST_KEYS = ['items', 'results', 'result', 'entries'] as const;

/**
 * Counts a bulk command's `payload.result[]`. CTMS reports a bulk command `finished` even when
 * some or all items failed, so the per-item outcome is the real verdict: `success` when the item
 * has it, else its `httpStatus` (2xx/3xx succeeded, 4xx/5xx failed), else an `errorCode` or
 * `errorMessage` means it failed.
 * Returns `undefined` when the command carries no result list (not a bulk command) and no
 * counts in `state.params` either; the counts are also used when no item says how it went.
 *
 * @example summarizeBulkResult([{ success: true }, { success: false, errorCode: 'X' }])?.failed // 1
 * @example summarizeBulkResult([{ httpStatus: 200 }, { httpStatus: 404 }])?.failed // 1
 */
export function summarizeBulkResult(
  result: unknown,
  stateParams?: Record<string, unknown> | null,
): BulkSummary | undefined {
  const items = resultList(result);
  const fromParams = countsOf(stateParams);
  if (!items) return fromParams;
  const summary: BulkSummary = {
    total: items.length,
    succeeded: 0,
    failed: 0,
    undetermined: 0,
    failures: [],
  };
  for (const entry of items) {
    const parsed = BulkResultItemSchema.safeParse(entry);
    const item = parsed.success ? parsed.data : undefined;
    const verdict = item ? verdictOf(item) : undefined;
    if (verdict === true) summary.succeeded += 1;
    else if (verdict === false && item) {
      summary.failed += 1;
      if (summary.failures.length < MAX_FAILURES_KEPT) summary.failures.push(failureOf(item));
    } else summary.undetermined += 1;
  }
  // A list whose items say nothing is no verdict; the service's own counts are a better one.
  if (summary.undetermined === summary.total && summary.total > 0 && fromParams) return fromParams;
  return summary;
}

type BulkItem = ReturnType<typeof BulkResultItemSchema.parse>;

function verdictOf(item: BulkItem): boolean | undefined {
  if (typeof item.success === 'boolean') return item.success;
  if (typeof item.success === 'string') {
    const word = item.success.trim().toLowerCase();
    if (word === 'true') return true;
    if (word === 'false') return false;
  }
  const status = statusOf(item.httpStatus);
  if (status !== undefined) return status < 400;
  if (item.errorCode || item.errorMessage) return false;
  return undefined;
}

function failureOf(item: BulkItem): BulkSummary['failures'][number] {
  const httpStatus = statusOf(item.httpStatus);
  return {
    ...(item.errorCode ? { errorCode: item.errorCode } : {}),
    ...(item.errorMessage ? { errorMessage: item.errorMessage } : {}),
    ...(httpStatus !== undefined ? { httpStatus } : {}),
  };
}

function statusOf(value: number | string | null | undefined): number | undefined {
  const status = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599
    ? status
    : undefined;
}

/** The item list: the documented bare array, or one wrapped in an object. */
function resultList(result: unknown): unknown[] | undefined {
  if (Array.isArray(result)) return result;
  if (!result || typeof result !== 'object') return undefined;
  const record = result as Record<string, unknown>;
  for (const key of WRAPPED_LIST_KEYS) {
    const list = record[key];
    if (Array.isArray(list)) return list;
  }
  return undefined;
}

/** The counts some services put in state.params [INF]. */
function countsOf(stateParams: Record<string, unknown> | null | undefined): BulkSummary | undefined {
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
