import { z } from 'zod';
import { parseVdgTime } from './vdg-sense-time.js';

/**
 * `yyyy-mm-dd hh:nn:ss[.zzz]` (VDG's UTC form), or what else names one instant the same way VDG
 * may report it (ISO 8601 with `T`, `Z` or an offset): the fingerprint compares instants.
 */
const TimeSchema = z
  .string()
  .trim()
  .refine((value) => !/^\d+$/.test(value) && parseVdgTime(value) !== undefined, {
    error: 'a UTC time as "yyyy-mm-dd hh:nn:ss.zzz"',
  })
  // One spelling per instant (`.000` or not, `T`/`Z` or not), so one export is one job.
  .transform((value) => new Date(parseVdgTime(value) ?? Number.NaN).toISOString());

/** Device and server ids compare case-insensitively (docs/vendors/vdg-sense.md): one spelling each. */
const DeviceIdSchema = (field: string) =>
  z
    .string()
    .trim()
    .min(1, `${field} must not be empty`)
    .max(200)
    .transform((id) => id.toLowerCase());

const ReferenceDeviceSchema = z
  .object({
    serverId: DeviceIdSchema('serverId'),
    deviceId: DeviceIdSchema('deviceId'),
    startTime: TimeSchema.optional(),
    endTime: TimeSchema.optional(),
  })
  .strict();

/**
 * The caller's reference to a VDG Sense export: the id `exportVideo` returned and, when known,
 * the export's fingerprint (path, devices). VDG reuses export ids after a restart; the
 * fingerprint is how jobwatch tells our export from another one that got the same id.
 */
export const VdgSenseReferenceSchema = z
  .object({
    exportId: z
      .union([z.string(), z.number().int().nonnegative()], {
        error: 'exportId is required: the id VDG Sense returned from exportVideo',
      })
      .transform((value) => String(value).trim())
      .pipe(z.string().min(1, 'exportId must not be empty').max(100, 'exportId is at most 100 characters')),
    path: z.string().trim().min(1, 'path must not be empty').max(1024).optional(),
    devices: z
      .array(ReferenceDeviceSchema)
      .min(1, 'devices, when given, lists at least one')
      .max(200)
      .optional(),
  })
  .strict();
export type VdgSenseReference = z.infer<typeof VdgSenseReferenceSchema>;
export type VdgSenseReferenceDevice = z.infer<typeof ReferenceDeviceSchema>;
