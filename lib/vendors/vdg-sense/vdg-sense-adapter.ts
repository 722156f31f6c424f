import type { AdapterContext, CancelOutcome, VendorAdapter, WatchedJob } from '../vendor-adapter.js';
import {
  createVdgSenseMemory,
  readExportStatus,
  removeExport,
  type VdgSenseMemory,
} from './vdg-sense-client.js';
import {
  confirmedRemoval,
  findExport,
  observeStatus,
  removalNotNeeded,
  removalOutcome,
  type VdgSenseState,
  VdgSenseStateSchema,
} from './vdg-sense-observation.js';
import {
  VdgSenseCredentialsSchema,
  type VdgSenseOptions,
  VdgSenseOptionsSchema,
} from './vdg-sense-options.js';
import { type VdgSenseReference, VdgSenseReferenceSchema } from './vdg-sense-reference.js';

type Context = AdapterContext<VdgSenseOptions, VdgSenseState, VdgSenseMemory>;
type Job = WatchedJob<VdgSenseReference>;

/**
 * Reads the export's status first: nothing is removed that is not ours (a reused id), not
 * visible, or already over. An unreadable removal answer is checked against the status again.
 */
async function cancel(context: Context, job: Job): Promise<CancelOutcome> {
  const { exportId } = job.reference;
  const before = findExport(await readExportStatus(context, exportId), job.reference, context.state);
  const notNeeded = removalNotNeeded(before);
  if (notNeeded) return notNeeded;
  const answer = await removeExport(context, exportId);
  if (answer.kind !== 'unreadable') return removalOutcome(exportId, answer);
  const after = findExport(await readExportStatus(context, exportId), job.reference, context.state);
  return confirmedRemoval(exportId, after, answer.error);
}

/**
 * The VDG Sense video-export adapter: polls getExportVideoStatus for one export id, guards
 * against VDG's id resets and reuse with the export's fingerprint, and removes pending exports.
 *
 * @example
 * const observation = await vdgSenseAdapter.poll(context, { jobId, reference: { exportId: '12' }, submittedAt, latest });
 */
export const vdgSenseAdapter: VendorAdapter<
  VdgSenseReference,
  VdgSenseOptions,
  VdgSenseState,
  VdgSenseMemory
> = {
  vendor: 'vdg-sense',
  referenceSchema: VdgSenseReferenceSchema,
  optionsSchema: VdgSenseOptionsSchema,
  credentialsSchema: VdgSenseCredentialsSchema,
  stateSchema: VdgSenseStateSchema,
  createMemory: createVdgSenseMemory,
  async poll(context, job) {
    return observeStatus(await readExportStatus(context, job.reference.exportId), job, context.state);
  },
  cancel,
};
