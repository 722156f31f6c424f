import { z } from 'zod';
import type { VdgSenseReference } from './vdg-sense-reference.js';
import type { VdgSenseExport } from './vdg-sense-schema.js';
import { parseVdgTime } from './vdg-sense-time.js';

/**
 * What identifies one export beyond its id: VDG resets ids when the SensePluginManager restarts,
 * so a later export can answer to our id. Comparing path and devices tells them apart.
 */
export const FingerprintSchema = z.object({
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

/** The fingerprint the caller gave with the reference, if any. */
export function fingerprintFromReference(reference: VdgSenseReference): Fingerprint | undefined {
  if (reference.path === undefined && reference.devices === undefined) return undefined;
  return { path: reference.path, devices: reference.devices };
}

/** The fingerprint of an export as VDG reports it (remembered on the first poll). */
export function fingerprintFromExport(entry: VdgSenseExport): Fingerprint {
  const devices = entry.devices.flatMap((device) =>
    device.serverId && device.deviceId
      ? [
          {
            serverId: device.serverId,
            deviceId: device.deviceId,
            startTime: device.startTime,
            endTime: device.endTime,
          },
        ]
      : [],
  );
  return {
    ...(entry.path ? { path: entry.path } : {}),
    ...(devices.length > 0 ? { devices } : {}),
  };
}

export interface FingerprintOptions {
  pathComparison: 'case-insensitive' | 'exact';
}

/**
 * Why the reported export is not the one fingerprinted, or undefined when nothing contradicts it.
 * Only what both sides state is compared: a field VDG leaves out is no evidence either way.
 *
 * @example
 * fingerprintMismatch({ path: 'D:\\a' }, { path: 'D:\\b', devices: [] }, { pathComparison: 'exact' })
 * // 'the path differs'
 */
export function fingerprintMismatch(
  expected: Fingerprint,
  reported: VdgSenseExport,
  options: FingerprintOptions,
): string | undefined {
  if (expected.path !== undefined && reported.path) {
    if (normalizePath(expected.path, options) !== normalizePath(reported.path, options))
      return 'the path differs';
  }
  const reportedDevices = reported.devices.filter((device) => device.serverId && device.deviceId);
  if (expected.devices !== undefined && reportedDevices.length > 0) {
    if (reportedDevices.length !== expected.devices.length) return 'the number of devices differs';
    const byKey = new Map(
      reportedDevices.map((device) => [deviceKey(device.serverId, device.deviceId), device]),
    );
    for (const device of expected.devices) {
      const match = byKey.get(deviceKey(device.serverId, device.deviceId));
      if (!match) return 'the devices differ';
      if (!sameInstant(device.startTime, match.startTime) || !sameInstant(device.endTime, match.endTime)) {
        return 'the exported time ranges differ';
      }
    }
  }
  return undefined;
}

/** [INF] Windows paths: separators unified, trailing separator and surrounding blanks ignored. */
function normalizePath(path: string, options: FingerprintOptions): string {
  const unified = path
    .trim()
    .replace(/[\\/]+/g, '/')
    .replace(/\/$/, '');
  return options.pathComparison === 'exact' ? unified : unified.toLowerCase();
}

/** UIDs are GUID-like: compared without regard to case. */
function deviceKey(serverId: string | undefined, deviceId: string | undefined): string {
  return `${(serverId ?? '').trim().toLowerCase()}\u0000${(deviceId ?? '').trim().toLowerCase()}`;
}

/** Equal when either side is missing or unparseable, or both name the same instant. */
function sameInstant(expected: string | undefined, reported: string | undefined): boolean {
  const left = parseVdgTime(expected);
  const right = parseVdgTime(reported);
  if (left === undefined || right === undefined) return true;
  return left === right;
}
