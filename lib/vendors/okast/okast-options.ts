import { z } from 'zod';
import { isValidTimeZone } from './okast-dates.js';

/** [DOC] The status page of an Okast channels instance, relative to the instance's base URL. */
export const DEFAULT_STATUS_PATH = 'synthesia/okast-channels/playlist/manager/php/_getIngestStatus.php';

/** The list holds every ingest the instance ever took and only grows: allow far more than a status payload. */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * A connection's `options` for Okast. Operator configuration: unknown keys are typos and refused.
 *
 * @example OkastOptionsSchema.parse({ timeZone: 'Europe/Paris' }).statusPath // DEFAULT_STATUS_PATH
 */
export const OkastOptionsSchema = z
  .object({
    /**
     * Where the status list is, relative to the base URL. The base path differs between Okast
     * pages, so it is not hard-wired; a leading "/" is dropped so the path stays under the base URL,
     * and where the base URL already ends with the start of the path it is not repeated (see
     * statusPageTarget). A full http(s) URL is taken as it is, if it lies under the base URL.
     */
    statusPath: z
      .string()
      .trim()
      .min(1)
      .default(DEFAULT_STATUS_PATH)
      .transform((path) => (/^https?:\/\//i.test(path) ? path : path.replace(/^\/+/, '')))
      .refine((path) => path.length > 0 && !/^(?!https?:\/\/)[a-z][a-z0-9+.-]*:/i.test(path), {
        message: 'statusPath must be a path relative to the base URL, or an http(s) URL under it',
      }),
    /**
     * The instance's IANA time zone: Okast writes local wall time without a zone. A fixed offset
     * (`+02:00`) is taken too, for an instance whose clock ignores daylight saving time.
     */
    timeZone: z.string().trim().default('UTC').refine(isValidTimeZone, {
      message:
        'timeZone must be an IANA time zone name such as Europe/Paris, or a fixed offset such as +02:00',
    }),
    /**
     * How long before the submission a request time may lie and still be this job's: the instance's
     * clock may be behind ours, and a watch usually starts just after `_addVideoLink.php` returned.
     */
    requestTimeToleranceSeconds: z.number().min(0).max(3600).default(60),
    /** How long after submission an ingest may be missing from the list before it is LOST. */
    notListedGraceSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(600),
    /** How long one fetched list serves every job of the instance ("one call per owned instance"). */
    listCacheSeconds: z.number().min(0).max(300).default(5),
    /** The largest status list read, in bytes. */
    maxBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .max(256 * 1024 * 1024)
      .default(DEFAULT_MAX_BYTES),
  })
  .strict();
export type OkastOptions = z.infer<typeof OkastOptionsSchema>;
