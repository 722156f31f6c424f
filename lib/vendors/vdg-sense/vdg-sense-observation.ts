import type { Observation } from '../../jobs/job.js';
import { isDeviceCompleted, mapVdgSenseStatus } from './map-vdg-sense-status.js';
import { deviceProgress, exportProgress, readProgress } from './vdg-sense-progress.js';
import type { VdgSenseDevice, VdgSenseExport } from './vdg-sense-schema.js';

/** Per-device facts kept in details; a long device list is cut here to keep snapshots small. */
const MAX_DEVICES_IN_DETAILS = 20;

/**
 * Turns one export of a getExportVideoStatus answer into an observation: the export's status
 * mapped case-insensitively, progress as the duration-weighted mean of its devices, `partial`
 * when VDG calls the export completed although a device is not, and the bandwidth and
 * per-device status in details.
 *
 * @example
 * observeVdgSenseExport({ exportId: '7', status: 'syncing', devices: [], path: undefined, bandwidth: '800' })
 * // { status: 'RUNNING', rawStatus: 'syncing', details: { exportId: '7', bandwidthKbps: 800, deviceCount: 0 } }
 */
export function observeVdgSenseExport(entry: VdgSenseExport): Observation {
  const rawStatus = entry.status ?? '';
  const status = mapVdgSenseStatus(entry.status);
  const devices = entry.devices;
  const unfinished = devices.filter(isDeviceUnfinished);
  const partial = status === 'SUCCEEDED' && unfinished.length > 0;
  // Devices are the documented measure; an export-level <progress> is used only without them.
  const derived = exportProgress(devices) ?? readProgress(entry.progress);
  const progress = status === 'SUCCEEDED' && !partial ? 100 : derived;

  const details: Record<string, unknown> = { ...(entry.exportId ? { exportId: entry.exportId } : {}) };
  if (entry.path) details.path = entry.path;
  const bandwidth = entry.bandwidth === undefined ? undefined : Number(entry.bandwidth);
  if (bandwidth !== undefined && entry.bandwidth !== '') {
    details.bandwidthKbps = Number.isFinite(bandwidth) ? bandwidth : entry.bandwidth;
  }
  details.deviceCount = devices.length;
  if (devices.length > 0) {
    details.devices = devices.slice(0, MAX_DEVICES_IN_DETAILS).map((device) => ({
      serverId: device.serverId,
      deviceId: device.deviceId,
      status: device.status,
      progress: deviceProgress(device),
    }));
  }

  const observation: Observation = { status, rawStatus, details };
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

/**
 * A device that says it did not finish: its status is not COMPLETED, or, without a status, its
 * progress is below 100. A device that reports neither is no evidence that the export is partial.
 */
function isDeviceUnfinished(device: VdgSenseDevice): boolean {
  if ((device.status ?? '').trim() !== '') return !isDeviceCompleted(device.status);
  const progress = deviceProgress(device);
  return progress !== undefined && progress < 100;
}
