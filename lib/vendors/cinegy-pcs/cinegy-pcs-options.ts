import { z } from 'zod';
import { isValidTimeZone } from './cinegy-pcs-dates.js';

/** The REST root below a host root, as PCS REST serves it by default. */
export const DEFAULT_API_PATH = 'pcs/v1/';

const RelativeApiPath = z
  .string()
  .max(200)
  .refine((path) => !/^[a-z][a-z0-9+.-]*:/i.test(path) && !path.startsWith('/'), {
    message: 'must be a path relative to the base URL (e.g. "pcs/v1/"), not an absolute URL or path',
  })
  .refine((path) => !path.split('/').includes('..'), { message: 'must not contain ".."' })
  .transform((path) => (path === '' || path.endsWith('/') ? path : `${path}/`));

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
     * (`http://host:8666/pcs/v1/`).
     */
    apiPath: RelativeApiPath.optional(),
    /** `count` asked of `tasks/list` when looking a task up by name or metadata. */
    pageSize: z.number().int().min(1).max(1000).default(100),
    /** At most this many `tasks/list` pages per lookup: a lookup never walks a huge history. */
    maxPages: z.number().int().min(1).max(200).default(20),
    /**
     * How long (seconds after the watch started) a task searched by name or metadata may be
     * missing before it is reported LOST: the task may be registered after the watch starts.
     */
    notFoundGraceSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(600),
    /**
     * Zone of the dates PCS writes without an offset (`creationTime`, `modificationTime`): `UTC`,
     * a fixed offset such as `+03:00`, or an IANA zone such as `Europe/Berlin`. [INF] The seed's
     * examples suggest the PCS server's local time; UTC is the default because the server's zone
     * cannot be read from the API.
     */
    timeZone: z
      .string()
      .refine(isValidTimeZone, { message: 'must be "UTC", an offset like "+03:00", or an IANA zone name' })
      .default('UTC'),
    /**
     * When a list item has empty metadata (the seed's list shows `metadata: {}` where the same
     * task's own resource has it [INF]), read the task itself to match metadata. At most this many
     * such reads per lookup; 0 matches on the list's metadata only.
     */
    metadataFetchLimit: z.number().int().min(0).max(200).default(25),
    /** `order` / `orderDirection` to send to `tasks/list`; their values are not published [INF]. */
    listOrder: z.string().min(1).max(100).optional(),
    listOrderDirection: z.string().min(1).max(20).optional(),
  })
  .strict();
export type CinegyPcsOptions = z.infer<typeof CinegyPcsOptionsSchema>;

/**
 * The REST root's path relative to the base URL, per the rule documented on `apiPath`.
 *
 * @example apiPathFor(CinegyPcsOptionsSchema.parse({}), new URL('http://pcs:8666/')) // 'pcs/v1/'
 */
export function apiPathFor(options: Pick<CinegyPcsOptions, 'apiPath'>, baseUrl: URL): string {
  if (options.apiPath !== undefined) return options.apiPath;
  return baseUrl.pathname === '/' ? DEFAULT_API_PATH : '';
}
