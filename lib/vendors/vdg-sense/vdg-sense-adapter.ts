import { VendorProtocolError } from '../../jobs/errors.js';
import type { Observation } from '../../jobs/job.js';
import { isFinal } from '../../jobs/job-status.js';
import type { AdapterContext, CancelOutcome, VendorAdapter, WatchedJob } from '../vendor-adapter.js';
import { mapVdgSenseStatus } from './map-vdg-sense-status.js';
import { getExportVideoStatus, removeExport } from './vdg-sense-client.js';
import { describeErrorCode, INVALID_EXPORT_ID, VdgSenseErrorCodeError } from './vdg-sense-errors.js';
import {
  type Fingerprint,
  FingerprintSchema,
  fingerprintFromExport,
  fingerprintFromReference,
  fingerprintMismatch,
} from './vdg-sense-fingerprint.js';
import { observeVdgSenseExport } from './vdg-sense-observation.js';
import {
  VdgSenseCredentialsSchema,
  type VdgSenseOptions,
  VdgSenseOptionsSchema,
} from './vdg-sense-options.js';
import { type VdgSenseReference, VdgSenseReferenceSchema } from './vdg-sense-reference.js';
import type { VdgSenseExport, VdgSenseResult } from './vdg-sense-schema.js';

type Context = AdapterContext<VdgSenseOptions>;
type Job = WatchedJob<VdgSenseReference>;

/** What one status request says about our export, before it becomes an observation. */
type Finding =
  | { kind: 'found'; entry: VdgSenseExport; fingerprint: Fingerprint | undefined; remembered: boolean }
  | { kind: 'not-listed'; message: string }
  | { kind: 'lost'; observation: Observation };

async function find(context: Context, job: Job): Promise<{ finding: Finding; result: VdgSenseResult }> {
  const { exportId } = job.reference;
  const { result, response } = await getExportVideoStatus(context, exportId);
  if (result.errorCode === INVALID_EXPORT_ID) {
    return {
      result,
      finding: {
        kind: 'lost',
        observation: {
          status: 'LOST',
          rawStatus: `errorcode ${INVALID_EXPORT_ID}`,
          message: `VDG Sense says export id ${exportId} is unknown (${describeErrorCode(INVALID_EXPORT_ID)}): the export id is unknown; VDG resets export ids when the SensePluginManager restarts`,
        },
      },
    };
  }
  if (result.errorCode < 0) {
    throw new VdgSenseErrorCodeError(
      context.http.clean(
        `VDG Sense answered getExportVideoStatus for export ${exportId} with ${describeErrorCode(result.errorCode)}`,
      ),
      result.errorCode,
      {
        vendor: 'vdg-sense',
        connection: context.connection.name,
        request: 'GET getExportVideoStatus',
        statusCode: response.status,
      },
    );
  }
  const entry = pickExport(result.exports, exportId);
  if (!entry) {
    const listed = result.exports.length;
    return {
      result,
      finding: {
        kind: 'not-listed',
        message: `VDG Sense answered errorcode ${result.errorCode} without export id ${exportId} in its export list (${listed} other export${listed === 1 ? '' : 's'} listed)`,
      },
    };
  }
  const fromReference = fingerprintFromReference(job.reference);
  const remembered = FingerprintSchema.safeParse(job.latest.adapterState?.fingerprint);
  const fingerprint = fromReference ?? (remembered.success ? remembered.data : undefined);
  if (fingerprint) {
    const mismatch = fingerprintMismatch(fingerprint, entry, {
      pathComparison: context.options.pathComparison,
    });
    if (mismatch) {
      return {
        result,
        finding: {
          kind: 'lost',
          // Never the other export's status: it is not our job.
          observation: {
            status: 'LOST',
            rawStatus: 'export id reused',
            message: `VDG Sense export id ${exportId} was reused by another export (${mismatch} from this job's export); the original export is no longer visible`,
          },
        },
      };
    }
  }
  return { result, finding: { kind: 'found', entry, fingerprint, remembered: !fromReference } };
}

/**
 * The export with our id. Ids are compared as text, then as numbers ("07" is 7); a single export
 * without an id element is taken as the answer to our exportid-filtered request.
 */
function pickExport(exports: readonly VdgSenseExport[], exportId: string): VdgSenseExport | undefined {
  const exact = exports.find((entry) => entry.exportId === exportId);
  if (exact) return exact;
  if (/^\d+$/.test(exportId)) {
    const numeric = exports.find(
      (entry) =>
        entry.exportId !== undefined &&
        /^\d+$/.test(entry.exportId) &&
        Number(entry.exportId) === Number(exportId),
    );
    if (numeric) return numeric;
  }
  const [only, ...others] = exports;
  if (only && others.length === 0 && !only.exportId) return only;
  return undefined;
}

async function poll(context: Context, job: Job): Promise<Observation> {
  const { finding, result } = await find(context, job);
  if (finding.kind === 'lost') return finding.observation;
  if (finding.kind === 'not-listed') return notListed(context, job, finding.message);
  const observation = observeVdgSenseExport(finding.entry);
  if (result.repairs.length > 0) {
    observation.details = { ...observation.details, xmlRepaired: result.repairs };
  }
  const state = job.latest.adapterState;
  if (finding.remembered || typeof state?.notListedPolls === 'number') {
    const { notListedPolls: _seenAgain, ...kept } = state ?? {};
    // No fingerprint came with the reference: the first export seen under this id is ours.
    const fingerprint = finding.remembered
      ? (finding.fingerprint ?? fingerprintFromExport(finding.entry))
      : undefined;
    observation.adapterState = { ...kept, ...(fingerprint ? { fingerprint } : {}) };
  }
  return observation;
}

/**
 * Our export is missing from an errorcode-0 answer. [INF] VDG's word for "no such export" is
 * -57; an empty list says nearly as much, but one odd answer (a manager starting up) must not end
 * a watch for good, so it is LOST only after `notListedPollsBeforeLost` such answers in a row.
 */
function notListed(context: Context, job: Job, message: string): Observation {
  const state = job.latest.adapterState ?? {};
  const previous = typeof state.notListedPolls === 'number' ? state.notListedPolls : 0;
  const notListedPolls = previous + 1;
  const needed = context.options.notListedPollsBeforeLost;
  if (notListedPolls >= needed) {
    return {
      status: 'LOST',
      rawStatus: 'not listed',
      message: needed > 1 ? `${message}, ${notListedPolls} times in a row` : message,
      adapterState: { ...state, notListedPolls },
    };
  }
  const { latest } = job;
  return {
    // Nothing new is known about the export: it stays where it was.
    status: isFinal(latest.status) ? 'UNKNOWN' : latest.status,
    rawStatus: 'not listed',
    ...(latest.progress === undefined ? {} : { progress: latest.progress }),
    message: `${message}; LOST if it is still missing after ${needed - notListedPolls} more poll${needed - notListedPolls === 1 ? '' : 's'}`,
    adapterState: { ...state, notListedPolls },
  };
}

async function cancel(context: Context, job: Job): Promise<CancelOutcome> {
  const { exportId } = job.reference;
  const { finding } = await find(context, job);
  if (finding.kind !== 'found') {
    const why = finding.kind === 'lost' ? finding.observation.message : finding.message;
    return { cancelled: false, message: `Not removed: ${why ?? 'the export is not visible'}` };
  }
  const status = (finding.entry.status ?? '').trim().toUpperCase();
  if (status === 'COMPLETED') return { cancelled: false, message: 'The export has already completed' };
  if (status === 'REMOVED') return { cancelled: true, message: 'The export was already removed' };
  let refused: string | undefined;
  try {
    const { result } = await removeExport(context, exportId);
    if (result.errorCode >= 0) return { cancelled: true, message: `VDG Sense removed export ${exportId}` };
    refused = describeErrorCode(result.errorCode);
  } catch (error) {
    // [INF] The removal's answer is not documented: an empty or non-XML 2xx may still have worked.
    if (!(error instanceof VendorProtocolError) || error instanceof VdgSenseErrorCodeError) throw error;
    return confirmRemoval(context, job, error);
  }
  return { cancelled: false, message: `VDG Sense refused to remove export ${exportId}: ${refused}` };
}

/** After a removal answer we could not read, the export's own status says whether it worked. */
async function confirmRemoval(
  context: Context,
  job: Job,
  error: VendorProtocolError,
): Promise<CancelOutcome> {
  const { exportId } = job.reference;
  const { finding } = await find(context, job);
  if (finding.kind === 'found' && mapVdgSenseStatus(finding.entry.status) === 'CANCELLED') {
    return { cancelled: true, message: `VDG Sense removed export ${exportId} (its status is now REMOVED)` };
  }
  // Gone right after the removal: removed from the list rather than marked REMOVED. A reused id
  // is another export, and says nothing about ours.
  const gone =
    finding.kind === 'not-listed' ||
    (finding.kind === 'lost' && finding.observation.rawStatus === `errorcode ${INVALID_EXPORT_ID}`);
  if (gone)
    return { cancelled: true, message: `VDG Sense removed export ${exportId} (it is no longer listed)` };
  const now =
    finding.kind === 'found'
      ? `its status is still ${finding.entry.status ?? 'empty'}`
      : (finding.observation.message ?? 'it is not visible');
  return {
    cancelled: false,
    message: `VDG Sense did not confirm removing export ${exportId}: ${error.message}; ${now}`,
  };
}

/**
 * The VDG Sense video-export adapter: polls getExportVideoStatus for one export id, guards
 * against VDG's id resets and reuse with the export's fingerprint, and removes pending exports.
 *
 * @example
 * const observation = await vdgSenseAdapter.poll(context, { jobId, reference: { exportId: '12' }, submittedAt, latest });
 */
export const vdgSenseAdapter: VendorAdapter<VdgSenseReference, VdgSenseOptions> = {
  vendor: 'vdg-sense',
  referenceSchema: VdgSenseReferenceSchema,
  optionsSchema: VdgSenseOptionsSchema,
  credentialsSchema: VdgSenseCredentialsSchema,
  poll,
  cancel,
};
