import { z } from 'zod';
import type { VendorProtocolError } from '../../jobs/errors.js';
import type { Observation } from '../../jobs/job.js';
import { isFinal } from '../../jobs/job-status.js';
import type { AdapterObservation, CancelOutcome, WatchedJob } from '../vendor-adapter.js';
import { isDeviceCompleted, mapVdgSenseStatus } from './map-vdg-sense-status.js';
import type { RemovalAnswer } from './vdg-sense-client.js';
import { readProgress, samePath, sameUid } from './vdg-sense-quirks.js';
import { instantOf, type VdgSenseReference } from './vdg-sense-reference.js';
import {
  describeErrorCode,
  INVALID_EXPORT_ID,
  parseVdgTime,
  type VdgSenseDevice,
  type VdgSenseExport,
  type VdgSenseResult,
} from './vdg-sense-schema.js';

/**
 * What identifies one export beyond its id. [DOC] "After a restart of the SensePluginManager,
 * the exportid will be reset", so a later export can answer to our id: vendors.md has path and
 * devices checked against what was submitted.
 */
const FingerprintSchema = z.object({
  path: z.string().optional(),
  devices: z
    .array(
      z.object({
        serverId: z.string(),
        deviceId: z.string(),
        startTime: z.string().optional(),
        endTime: z.string().optional(),
      }),
    )
    .optional(),
});
export type Fingerprint = z.infer<typeof FingerprintSchema>;

/** What the adapter remembers of one export between polls. */
export const VdgSenseStateSchema = z.object({
  /** The first export seen under the id, when the reference carried no fingerprint. */
  fingerprint: FingerprintSchema.optional(),
  /** errorcode-0 answers in a row that left our export out. */
  notListedPolls: z.number().int().min(1).optional(),
});
export type VdgSenseState = z.infer<typeof VdgSenseStateSchema>;

/** An errorcode-0 answer without our export is LOST at the second such answer in a row. */
const NOT_LISTED_POLLS_BEFORE_LOST = 2;

/** Per-device facts kept in details; a long device list is cut here to keep snapshots small. */
const MAX_DEVICES_IN_DETAILS = 20;

// --- which export is ours ------------------------------------------------------------------------

/** What one status answer says about our export. */
export type Finding =
  /** `fingerprint`: what to remember of it, when the reference carried none. */
  | { kind: 'found'; entry: VdgSenseExport; fingerprint: Fingerprint | undefined }
  | { kind: 'forgotten'; message: string }
  | { kind: 'reused'; message: string }
  | { kind: 'not-listed'; message: string };

/**
 * Finds our export in a getExportVideoStatus answer: by its id, as text ([DOC] a manager may list
 * every export), and checked against the fingerprint — the reference's, else the one remembered.
 *
 * @example findExport(result, { exportId: '12' }, undefined).kind // 'found'
 */
export function findExport(
  result: VdgSenseResult,
  reference: VdgSenseReference,
  state: VdgSenseState | undefined,
): Finding {
  const { exportId } = reference;
  if (result.errorCode === INVALID_EXPORT_ID) {
    return {
      kind: 'forgotten',
      message: `VDG Sense says export id ${exportId} is unknown (${describeErrorCode(INVALID_EXPORT_ID)}): the export id is unknown; VDG resets export ids when the SensePluginManager restarts`,
    };
  }
  const entry = result.exports.find((listed) => listed.exportId === exportId);
  if (!entry) {
    const listed = result.exports.length;
    return {
      kind: 'not-listed',
      message: `VDG Sense answered errorcode ${result.errorCode} without export id ${exportId} in its export list (${listed} other export${listed === 1 ? '' : 's'} listed)`,
    };
  }
  const given = fingerprintOfReference(reference);
  const mismatch = fingerprintMismatch(given ?? state?.fingerprint, entry);
  if (mismatch) {
    return {
      kind: 'reused',
      message: `VDG Sense export id ${exportId} was reused by another export (${mismatch} from this job's export); the original export is no longer visible`,
    };
  }
  // No fingerprint came with the reference: the first export seen under this id is ours.
  return {
    kind: 'found',
    entry,
    fingerprint: given ? undefined : (state?.fingerprint ?? fingerprintOf(entry)),
  };
}

function fingerprintOfReference(reference: VdgSenseReference): Fingerprint | undefined {
  if (reference.path === undefined && reference.devices === undefined) return undefined;
  return {
    ...(reference.path === undefined ? {} : { path: reference.path }),
    ...(reference.devices === undefined ? {} : { devices: reference.devices }),
  };
}

/** The fingerprint of an export as VDG reports it. */
function fingerprintOf(entry: VdgSenseExport): Fingerprint {
  const devices = entry.devices.flatMap((device) =>
    device.serverId && device.deviceId
      ? [
          {
            serverId: device.serverId,
            deviceId: device.deviceId,
            ...(device.startTime === undefined ? {} : { startTime: device.startTime }),
            ...(device.endTime === undefined ? {} : { endTime: device.endTime }),
          },
        ]
      : [],
  );
  return {
    ...(entry.path ? { path: entry.path } : {}),
    ...(devices.length > 0 ? { devices } : {}),
  };
}

/**
 * Why the reported export is not the one fingerprinted, or undefined when nothing contradicts it.
 * Only what both sides state is compared: a field VDG leaves out is no evidence either way.
 *
 * @example fingerprintMismatch({ path: 'D:\\a' }, { path: 'D:\\b', devices: [] }) // 'the path differs'
 */
export function fingerprintMismatch(
  expected: Fingerprint | undefined,
  reported: Pick<VdgSenseExport, 'path' | 'devices'>,
): string | undefined {
  if (expected?.path !== undefined && reported.path && !samePath(expected.path, reported.path)) {
    return 'the path differs';
  }
  const reportedDevices = reported.devices.filter((device) => device.serverId && device.deviceId);
  if (expected?.devices === undefined || reportedDevices.length === 0) return undefined;
  if (reportedDevices.length !== expected.devices.length) return 'the number of devices differs';
  for (const device of expected.devices) {
    const match = reportedDevices.find(
      (candidate) =>
        sameUid(device.serverId, candidate.serverId) && sameUid(device.deviceId, candidate.deviceId),
    );
    if (!match) return 'the devices differ';
    if (!sameInstant(device.startTime, match.startTime) || !sameInstant(device.endTime, match.endTime)) {
      return 'the exported time ranges differ';
    }
  }
  return undefined;
}

/** Equal when either side names no instant (the sample's `[timestamp]`), or both the same one. */
function sameInstant(expected: string | undefined, reported: string | undefined): boolean {
  const left = instantOf(expected);
  const right = parseVdgTime(reported);
  return left === undefined || right === undefined || left === right;
}

// --- the observation -------------------------------------------------------------------------------

/**
 * A status answer as the observation of our export, with the state to remember: the export's
 * own reading when it is ours; LOST when VDG forgot the id or gave it to another export; and,
 * when an errorcode-0 answer leaves it out, its previous status until the next answer agrees.
 */
export function observeStatus(
  result: VdgSenseResult,
  job: WatchedJob<VdgSenseReference>,
  state: VdgSenseState | undefined,
): AdapterObservation<VdgSenseState> {
  const finding = findExport(result, job.reference, state);
  switch (finding.kind) {
    case 'forgotten':
      return { status: 'LOST', rawStatus: `errorcode ${INVALID_EXPORT_ID}`, message: finding.message };
    case 'reused':
      // Never the other export's status: it is not our job.
      return { status: 'LOST', rawStatus: 'export id reused', message: finding.message };
    case 'not-listed':
      return notListed(finding.message, job, state);
    case 'found': {
      const observation: AdapterObservation<VdgSenseState> = observeExport(finding.entry);
      if (result.repairs.length > 0)
        observation.details = { ...observation.details, xmlRepaired: result.repairs };
      observation.adapterState = finding.fingerprint ? { fingerprint: finding.fingerprint } : {};
      return observation;
    }
  }
}

/**
 * Our export is missing from an errorcode-0 answer. [DOC] VDG's word for "no such export" is -57;
 * a list without ours says nearly as much, but one odd answer (a manager starting up) must not
 * end a watch for good, so it is LOST at the second such answer in a row.
 */
function notListed(
  message: string,
  job: WatchedJob<VdgSenseReference>,
  state: VdgSenseState | undefined,
): AdapterObservation<VdgSenseState> {
  const notListedPolls = (state?.notListedPolls ?? 0) + 1;
  const adapterState = { ...state, notListedPolls };
  if (notListedPolls >= NOT_LISTED_POLLS_BEFORE_LOST) {
    return {
      status: 'LOST',
      rawStatus: 'not listed',
      message: `${message}, ${notListedPolls} times in a row`,
      adapterState,
    };
  }
  const left = NOT_LISTED_POLLS_BEFORE_LOST - notListedPolls;
  const { latest } = job;
  return {
    // Nothing new is known about the export: it stays where it was.
    status: isFinal(latest.status) ? 'UNKNOWN' : latest.status,
    rawStatus: 'not listed',
    ...(latest.progress === undefined ? {} : { progress: latest.progress }),
    message: `${message}; LOST if it is still missing after ${left} more poll${left === 1 ? '' : 's'}`,
    adapterState,
  };
}

/**
 * One export of a getExportVideoStatus answer as an observation: its status mapped, progress
 * from its devices, `partial` when VDG calls the export completed although a device is not, and
 * the bandwidth and per-device status in details.
 *
 * @example
 * observeExport({ exportId: '7', status: 'syncing', devices: [], path: undefined, bandwidth: '800' })
 * // { status: 'RUNNING', rawStatus: 'syncing', details: { exportId: '7', bandwidthKbps: 800, deviceCount: 0 } }
 */
export function observeExport(entry: VdgSenseExport): Observation {
  const rawStatus = entry.status ?? '';
  const status = mapVdgSenseStatus(entry.status);
  const { devices } = entry;
  // A device that reports no status is no evidence that the export is partial.
  const unfinished = devices.filter(
    (device) => (device.status ?? '') !== '' && !isDeviceCompleted(device.status),
  );
  const partial = status === 'SUCCEEDED' && unfinished.length > 0;
  const progress = status === 'SUCCEEDED' && !partial ? 100 : exportProgress(devices);
  const observation: Observation = { status, rawStatus, details: detailsOf(entry) };
  if (progress !== undefined) observation.progress = progress;
  if (partial) {
    observation.partial = true;
    const named = unfinished
      .slice(0, 5)
      .map((device) => `${device.deviceId ?? '?'}: ${device.status ?? 'no status'}`)
      .join(', ');
    observation.message = `VDG Sense completed the export, but ${unfinished.length} of ${devices.length} device${devices.length === 1 ? '' : 's'} did not complete (${named})`;
  } else if (status === 'UNKNOWN') {
    observation.message = rawStatus
      ? `VDG Sense reported an export status no mapping knows: "${rawStatus}"`
      : 'VDG Sense reported the export without a status';
  }
  return observation;
}

function detailsOf(entry: VdgSenseExport): Record<string, unknown> {
  const details: Record<string, unknown> = { ...(entry.exportId ? { exportId: entry.exportId } : {}) };
  if (entry.path) details.path = entry.path;
  if (entry.bandwidth !== undefined && entry.bandwidth !== '') {
    const bandwidth = Number(entry.bandwidth);
    // kbit/s [DOC]; the sample's `[bandwidth]` placeholder is kept as written.
    details.bandwidthKbps = Number.isFinite(bandwidth) ? bandwidth : entry.bandwidth;
  }
  details.deviceCount = entry.devices.length;
  if (entry.devices.length > 0) {
    details.devices = entry.devices.slice(0, MAX_DEVICES_IN_DETAILS).map((device) => ({
      serverId: device.serverId,
      deviceId: device.deviceId,
      status: device.status,
      progress: readProgress(device.progress),
    }));
  }
  return details;
}

/**
 * The export's progress: the mean of its devices' progress, weighted by the length of footage
 * each exports (endtime − starttime) when every device's times give a positive span, else
 * equally weighted — vendors.md's "mean (or duration-weighted mean) of device progress".
 * Devices without a progress value are left out.
 *
 * @example
 * exportProgress([
 *   { progress: '100', startTime: '2024-01-19 10:00:00', endTime: '2024-01-19 10:03:00' },
 *   { progress: '0', startTime: '2024-01-19 10:00:00', endTime: '2024-01-19 10:01:00' },
 * ]) // 75
 */
export function exportProgress(
  devices: readonly Pick<VdgSenseDevice, 'progress' | 'startTime' | 'endTime'>[],
): number | undefined {
  const measured = devices.flatMap((device) => {
    const progress = readProgress(device.progress);
    if (progress === undefined) return [];
    const start = parseVdgTime(device.startTime);
    const end = parseVdgTime(device.endTime);
    return [
      { progress, span: start !== undefined && end !== undefined && end > start ? end - start : undefined },
    ];
  });
  if (measured.length === 0) return undefined;
  const weighted = measured.every((entry) => entry.span !== undefined);
  let total = 0;
  let weights = 0;
  for (const entry of measured) {
    const weight = weighted ? (entry.span ?? 0) : 1;
    total += entry.progress * weight;
    weights += weight;
  }
  return Math.round((total / weights) * 10) / 10;
}

// --- cancel ----------------------------------------------------------------------------------------

/**
 * Whether a removal should be asked for at all: never for an export that is not ours or not
 * visible, nor for one that completed; one already removed is cancelled. Undefined: ask.
 */
export function removalNotNeeded(finding: Finding): CancelOutcome | undefined {
  if (finding.kind !== 'found') return { cancelled: false, message: `Not removed: ${finding.message}` };
  const status = mapVdgSenseStatus(finding.entry.status);
  if (status === 'SUCCEEDED') return { cancelled: false, message: 'The export has already completed' };
  if (status === 'CANCELLED') return { cancelled: true, message: 'The export was already removed' };
  return undefined;
}

/** A removal the manager answered with a readable `<result>`. */
export function removalOutcome(
  exportId: string,
  answer: Exclude<RemovalAnswer, { kind: 'unreadable' }>,
): CancelOutcome {
  if (answer.kind === 'removed') return { cancelled: true, message: `VDG Sense removed export ${exportId}` };
  return {
    cancelled: false,
    message: `VDG Sense refused to remove export ${exportId}: ${describeErrorCode(answer.errorCode)}`,
  };
}

/**
 * After a removal answer that could not be read, the export's status says whether it worked:
 * REMOVED, or gone from the list. A reused id is another export and says nothing about ours.
 */
export function confirmedRemoval(
  exportId: string,
  after: Finding,
  error: VendorProtocolError,
): CancelOutcome {
  if (after.kind === 'found' && mapVdgSenseStatus(after.entry.status) === 'CANCELLED') {
    return { cancelled: true, message: `VDG Sense removed export ${exportId} (its status is now REMOVED)` };
  }
  if (after.kind === 'not-listed' || after.kind === 'forgotten') {
    return { cancelled: true, message: `VDG Sense removed export ${exportId} (it is no longer listed)` };
  }
  const now = after.kind === 'found' ? `its status is still ${after.entry.status ?? 'empty'}` : after.message;
  return {
    cancelled: false,
    message: `VDG Sense did not confirm removing export ${exportId}: ${error.message}; ${now}`,
  };
}
