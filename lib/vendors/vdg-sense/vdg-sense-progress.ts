import type { VdgSenseDevice } from './vdg-sense-schema.js';
import { parseVdgTime } from './vdg-sense-time.js';

/**
 * A progress value 0..100 from VDG's text: a bare number, tolerated with a trailing `%` (the docs
 * write "[0..100%]") and with a decimal comma (a Windows server in a German locale writes "12,5").
 *
 * @example readProgress('42') // 42
 * @example readProgress(' 12,5 % ') // 12.5
 */
export function readProgress(raw: string | undefined): number | undefined {
  const text = withoutPercentSign((raw ?? '').trim()).replace(/^(-?\d+),(\d+)$/, '$1.$2');
  if (text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  return Math.min(100, Math.max(0, value));
}

/**
 * A device's progress 0..100.
 *
 * @example deviceProgress({ progress: '42' }) // 42
 */
export function deviceProgress(device: Pick<VdgSenseDevice, 'progress'>): number | undefined {
  return readProgress(device.progress);
}

/**
 * The export's progress: the mean of its devices' progress, weighted by the length of footage
 * each device exports (endtime − starttime) when every device's times parse to a positive span,
 * else equally weighted. Devices without a progress value are left out.
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
    const progress = deviceProgress(device);
    if (progress === undefined) return [];
    const start = parseVdgTime(device.startTime);
    const end = parseVdgTime(device.endTime);
    const span = start !== undefined && end !== undefined && end > start ? end - start : undefined;
    return [{ progress, span }];
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

/** A trailing `%` and the blanks before it dropped; `trimEnd` where `/\s*%$/` would backtrack. */
function withoutPercentSign(text: string): string {
  return text.endsWith('%') ? text.slice(0, -1).trimEnd() : text;
}
