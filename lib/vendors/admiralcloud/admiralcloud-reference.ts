import { z } from 'zod';

/** Characters a job or activity id may hold: they go into a URL path and into a signature. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/**
 * The caller's reference to an AdmiralCloud job: the `jobId` the starting call returned (e.g.
 * `POST /v5/s3/createUpload` or a mediacontainer batch update). A batch job's follow-up jobs
 * reuse it as `jobId:1`, `jobId:2`…: watching `jobId` covers them all. `activityId`, when known,
 * lets a cancel destroy the activity without looking it up.
 */
export const AdmiralCloudReferenceSchema = z
  .object({
    // A createUpload answer's `jobId` may well be a JSON number: a caller passes on what it got.
    jobId: z
      .union([z.string(), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)], {
        error:
          'jobId is required: the jobId AdmiralCloud returned when the job was started (a string or a number)',
      })
      .transform((value) => String(value).trim())
      .pipe(
        z
          .string()
          .min(1, 'jobId must not be empty')
          .max(200, 'jobId is at most 200 characters')
          .regex(ID_PATTERN, 'jobId holds letters, digits, "_", ".", ":" or "-"'),
      ),
    activityId: z
      .union([z.string(), z.number().int().nonnegative()], {
        error: 'activityId, when given, is the id of the job activity (a string or a number)',
      })
      .transform((value) => String(value).trim())
      .pipe(
        z
          .string()
          .min(1, 'activityId must not be empty')
          .max(200, 'activityId is at most 200 characters')
          .regex(ID_PATTERN, 'activityId holds letters, digits, "_", ".", ":" or "-"'),
      )
      .optional(),
  })
  .strict();
export type AdmiralCloudReference = z.infer<typeof AdmiralCloudReferenceSchema>;
