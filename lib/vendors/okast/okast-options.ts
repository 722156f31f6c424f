import { z } from 'zod';
import { ConfigurableAuthCredentialsSchema } from '../shared/configurable-auth.js';
import { fixedOffsetMinutes, isIanaTimeZone } from '../shared/zoned-time.js';

/** [DOC] The status page of an Okast channels instance, relative to the instance's base URL. */
export const DEFAULT_STATUS_PATH = 'synthesia/okast-channels/playlist/manager/php/_getIngestStatus.php';

/** [DOC] The list holds every ingest the instance ever took and only grows: far more than a status payload. */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * A connection's `options` for Okast. Operator configuration: unknown keys are typos and refused.
 *
 * @example OkastOptionsSchema.parse({ timeZone: 'Europe/Paris' }).statusPath // DEFAULT_STATUS_PATH
 */
export const OkastOptionsSchema = z
  .object({
    /**
     * Where the status list is, relative to the base URL: [OBS] the base path differs between
     * Okast pages. A leading "/" is dropped, so the path stays under the base URL; it may carry a
     * query string.
     */
    statusPath: z
      .string()
      .trim()
      .min(1)
      .default(DEFAULT_STATUS_PATH)
      .transform((path) => path.replace(/^\/+/, ''))
      .refine((path) => path.length > 0 && !/^[a-z][a-z0-9+.-]*:/i.test(path), {
        message: 'statusPath must be a path relative to the base URL',
      }),
    /**
     * [FIX] The instance's IANA time zone: Okast writes local wall time without a zone. A fixed
     * offset (`+02:00`) is taken too, whether or not the runtime's Intl knows offset zones, for
     * an instance whose clock ignores daylight saving time.
     */
    timeZone: z
      .string()
      .trim()
      .default('UTC')
      .refine((zone) => fixedOffsetMinutes(zone) !== undefined || isIanaTimeZone(zone), {
        message:
          'timeZone must be an IANA time zone name such as Europe/Paris, or a fixed offset such as +02:00',
      }),
    /**
     * How long before the submission a request time may lie and still be this job's. [OBS] The
     * entry matched is the one requested closest to, at or after, the submission — and without a
     * `submittedAt` the submission is known only as the watch's start, just after
     * `_addVideoLink.php` returned (the instance's clock may be behind ours, too).
     */
    requestTimeToleranceSeconds: z.number().min(0).max(3600).default(60),
    /**
     * How long after submission an ingest may be missing from the list before it is LOST: [DOC]
     * with no id, a request is known only once the list shows it (QUEUED until then).
     */
    notListedGraceSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(600),
    /** [DOC] "one call per owned instance": how long one fetched list serves every job of the connection. */
    listCacheSeconds: z.number().min(0).max(300).default(5),
    /** The largest status list read, in bytes ([DOC] every ingest the instance ever took). */
    maxBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .max(256 * 1024 * 1024)
      .default(DEFAULT_MAX_BYTES),
  })
  .strict();
export type OkastOptions = z.infer<typeof OkastOptionsSchema>;

/**
 * [DOC] "Credentials" are required, but Okast does not publish the mechanism: the operator picks
 * the scheme the instance (or the proxy in front of it) wants — none, basic, a header or a query
 * parameter.
 *
 * @example OkastCredentialsSchema.parse({ scheme: 'header', headerName: 'X-Okast-Key', headerValue: 'k3y' })
 */
export const OkastCredentialsSchema = ConfigurableAuthCredentialsSchema;
