import type { Observation } from '../../jobs/job.js';
import type { AdapterContext, CancelOutcome, VendorAdapter, WatchedJob } from '../vendor-adapter.js';
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
    return {
      result,
      finding: {
        kind: 'lost',
        observation: {
          status: 'LOST',
          rawStatus: 'not listed',
          message: `VDG Sense answered without export id ${exportId} in its export list`,
        },
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
  const observation = observeVdgSenseExport(finding.entry);
  if (result.repairs.length > 0) {
    observation.details = { ...observation.details, xmlRepaired: result.repairs };
  }
  if (finding.remembered) {
    // No fingerprint came with the reference: the first export seen under this id is ours.
    const fingerprint = finding.fingerprint ?? fingerprintFromExport(finding.entry);
    observation.adapterState = { ...job.latest.adapterState, fingerprint };
  }
  return observation;
}

async function cancel(context: Context, job: Job): Promise<CancelOutcome> {
  const { finding } = await find(context, job);
  if (finding.kind === 'lost') {
    return {
      cancelled: false,
      message: `Not removed: ${finding.observation.message ?? 'the export is not visible'}`,
    };
  }
  const status = (finding.entry.status ?? '').trim().toUpperCase();
  if (status === 'COMPLETED') return { cancelled: false, message: 'The export has already completed' };
  if (status === 'REMOVED') return { cancelled: true, message: 'The export was already removed' };
  const { result } = await removeExport(context, job.reference.exportId);
  if (result.errorCode < 0) {
    return {
      cancelled: false,
      message: `VDG Sense refused to remove export ${job.reference.exportId}: ${describeErrorCode(result.errorCode)}`,
    };
  }
  return { cancelled: true, message: `VDG Sense removed export ${job.reference.exportId}` };
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
