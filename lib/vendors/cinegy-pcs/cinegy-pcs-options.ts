import { z } from 'zod';
import { ConfigurableAuthCredentialsSchema } from '../shared/configurable-auth.js';
import { fixedOffsetMinutes, isIanaTimeZone } from '../shared/zoned-time.js';

/** The REST root below a host root: `http://<host>:8666/pcs/v1/` [DOC]. */
export const DEFAULT_API_PATH = 'pcs/v1/';

const RelativeApiPath = z
  .string()
  .max(200)
  .refine((path) => !/^[a-z][a-z0-9+.-]*:/i.test(path) && !path.startsWith('/'), {
    message: 'must be a path relative to the base URL (e.g. "pcs/v1/"), not an absolute URL or path',
  })
  .refine((path) => !path.split('/').includes('..'), { message: 'must not contain ".."' })
  .transform((path) => (path === '' || path.endsWith('/') ? path : `${path}/`));

function isTimeZone(zone: string): boolean {
  return fixedOffsetMinutes(zone) !== undefined || isIanaTimeZone(zone);
}

/**
 * A connection's `options` for Cinegy PCS REST. Operator configuration: unknown keys are typos.
 *
 * @example CinegyPcsOptionsSchema.parse({}).pageSize // 100
 */
export const CinegyPcsOptionsSchema = z
  .object({
    /**
     * Where the REST root is, relative to the base URL. Unset: `pcs/v1/` when the base URL is a
     * host root (`http://host:8666/`), nothing when the base URL already is the REST root
     * (`http://host:8666/pcs/v1/`). The one way the root is chosen: nothing is probed.
     */
    apiPath: RelativeApiPath.optional(),
    /** `count` asked of `tasks/list` when looking a task up by name or metadata. */
    pageSize: z.number().int().min(1).max(1000).default(100),
    /** At most this many `tasks/list` pages per lookup: a lookup never walks a huge history. */
    maxPages: z.number().int().min(1).max(200).default(20),
    /**
     * How long (seconds after the watch started) a task searched by name or metadata may be
     * missing before it is reported LOST: tasks are created elsewhere (Convert Monitor, watch
     * folders), so one may be registered after the watch starts.
     */
    notFoundGraceSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(600),
    /**
     * Zone of the dates PCS writes without an offset (`creationTime`, `modificationTime` [DOC]):
     * `UTC`, a fixed offset such as `+03:00`, or an IANA zone such as `Europe/Berlin`. The API
     * does not say which zone the server writes, so the operator does.
     */
    timeZone: z
      .string()
      .refine(isTimeZone, { message: 'must be "UTC", an offset like "+03:00", or an IANA zone name' })
      .default('UTC'),
    /**
     * `tasks/{id}` reads per lookup for list items whose metadata is empty (see
     * `listedWithoutMetadata` in the quirks); 0 matches on the list's metadata only.
     */
    metadataFetchLimit: z.number().int().min(0).max(200).default(25),
  })
  .strict();
export type CinegyPcsOptions = z.infer<typeof CinegyPcsOptionsSchema>;

/**
 * PCS REST documents no authentication [DOC]: it relies on the network. A proxy in front of it
 * may want basic auth, an API-key header or a key in the query; `{}` is none.
 */
export const CinegyPcsCredentialsSchema = ConfigurableAuthCredentialsSchema;

/**
 * The REST root's path relative to the base URL, per the rule documented on `apiPath`.
 *
 * @example apiPathFor(CinegyPcsOptionsSchema.parse({}), new URL('http://pcs:8666/')) // 'pcs/v1/'
 */
export function apiPathFor(options: Pick<CinegyPcsOptions, 'apiPath'>, baseUrl: URL): string {
  if (options.apiPath !== undefined) return options.apiPath;
  return baseUrl.pathname === '/' ? DEFAULT_API_PATH : '';
}
