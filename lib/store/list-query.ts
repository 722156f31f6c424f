import { z } from 'zod';
import { VendorNameSchema } from '../jobs/job.js';
import { JobStatusSchema } from '../jobs/job-status.js';
import type { ListJobsQuery } from './job-store.js';
import { parseOwnInput } from './own-input.js';

/** Items on a page when the caller names no limit. */
export const DEFAULT_PAGE_SIZE = 25;
/** The largest page a caller may ask for. */
export const MAX_PAGE_SIZE = 100;

const IsoTimestamp = z.iso.datetime({ offset: true });
const PageSizeSchema = z.number().int().min(1).max(MAX_PAGE_SIZE);

export const ListJobsQuerySchema = z.object({
  statuses: z.array(JobStatusSchema).optional(),
  vendor: VendorNameSchema.optional(),
  connection: z.string().min(1).optional(),
  updatedSince: IsoTimestamp.optional(),
  updatedUntil: IsoTimestamp.optional(),
  limit: PageSizeSchema.optional(),
  cursor: z.string().optional(),
});
export type CheckedListJobsQuery = z.output<typeof ListJobsQuerySchema>;

export const HistoryOptionsSchema = z.object({
  limit: PageSizeSchema.optional(),
  cursor: z.string().optional(),
});
export type CheckedHistoryOptions = z.output<typeof HistoryOptionsSchema>;

/**
 * A listing query as the caller sent it, checked: known statuses and vendor, ISO timestamps with
 * an offset, a page size of 1–100.
 *
 * @throws InvalidInputError naming each bad field.
 * @example const query = checkListJobsQuery({ statuses: ['FAILED'], limit: 10 });
 */
export function checkListJobsQuery(query: ListJobsQuery): CheckedListJobsQuery {
  return parseOwnInput(ListJobsQuerySchema, query, 'Invalid job listing query');
}

/**
 * History paging options, checked: a page size of 1–100 and a cursor string.
 *
 * @throws InvalidInputError naming each bad field.
 * @example const options = checkHistoryOptions({ limit: 50 });
 */
export function checkHistoryOptions(options: { limit?: number; cursor?: string }): CheckedHistoryOptions {
  return parseOwnInput(HistoryOptionsSchema, options, 'Invalid history query');
}
