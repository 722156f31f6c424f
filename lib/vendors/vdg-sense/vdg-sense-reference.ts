import { z } from 'zod';

/**
 * A time as a caller writes it: VDG's `yyyy-mm-dd hh:nn:ss[.zzz]` (UTC), or ISO 8601 with `T`,
 * any fraction, `Z` or an offset. Our own input, so both spellings of one instant are taken.
 */
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Epoch milliseconds of a time in a reference (or in a fingerprint remembered from VDG's own
 * answer, which writes the first form); undefined when it names no instant.
 *
 * @example instantOf('2024-01-19T11:00:00+01:00') // 1705658400000
 */
export function instantOf(text: string | undefined): number | undefined {
  const match = INSTANT.exec((text ?? '').trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const fields = [Number(month), Number(day), Number(hour), Number(minute), Number(second ?? 0)];
  const [monthNumber = 0, dayNumber = 0, hours = 0, minutes = 0, seconds = 0] = fields;
  if (monthNumber < 1 || monthNumber > 12 || dayNumber < 1 || dayNumber > 31) return undefined;
  if (hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const milliseconds = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  const value = Date.UTC(Number(year), monthNumber - 1, dayNumber, hours, minutes, seconds, milliseconds);
  return value - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

const TimeSchema = z
  .string()
  .trim()
  .refine((value) => instantOf(value) !== undefined, { error: 'a UTC time as "yyyy-mm-dd hh:nn:ss.zzz"' })
  // One spelling per instant (`.000` or not, `T`/`Z` or not), so one export is one job.
  .transform((value) => new Date(instantOf(value) ?? Number.NaN).toISOString());

/** Device and server ids are UIDs, compared without regard to case: one spelling each. */
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
