import { z } from 'zod';

/** A path relative to the connection's base URL; `{jobId}` / `{activityId}` are filled in. */
const RelativePath = z
  .string()
  .min(1)
  .max(300)
  .refine((path) => !/^[a-z][a-z0-9+.-]*:/i.test(path), 'a path relative to the connection base URL');

/**
 * A connection's `options` for AdmiralCloud. Operator configuration: unknown keys are typos.
 *
 * Paths, relative to the API root (`https://api.admiralcloud.com/`): `GET
 * v5/activity/jobResult/{jobId}` is what AdmiralCloud's own examples poll [CODE]. The activity
 * controller's find and destroy actions [DOC] have no published routes: `GET v5/activity` and
 * `DELETE v5/activity/{activityId}` follow the REST convention of its other routes, and an
 * operator whose server differs configures them.
 */
export const AdmiralCloudOptionsSchema = z
  .object({
    /**
     * 2 (the request path, the newer API servers) or 1 (controller/action). The two are not
     * compatible, and a server checks the one it is set up for [CODE: ac-signature].
     */
    signatureVersion: z.union([z.literal(1), z.literal(2)]).default(2),
    /**
     * Older API servers turned numeric GET parameters into numbers before checking the
     * signature; newer ones keep them as strings [CODE]. Set when a numeric jobId is refused
     * with `hashMismatch`.
     */
    signNumericParamsAsNumbers: z.boolean().default(false),
    jobResultPath: RelativePath.default('v5/activity/jobResult/{jobId}'),
    activitiesPath: RelativePath.default('v5/activity'),
    destroyActivityPath: RelativePath.default('v5/activity/{activityId}'),
    /**
     * Query parameters for the activity listing: the API recommends fetching only what you need
     * [DOC], but does not publish the parameter names. Signed with the request.
     */
    activityQuery: z.record(z.string(), z.string()).default({}),
    /**
     * What a job becomes when its activity disappears from the listing before 100% while
     * jobResult still has nothing. An activity is destroyed when a user cancels, and killed
     * after 90 s without updates [DOC]; the listing does not say which, so the default is LOST.
     * An operator who knows only cancellations remove activities may choose CANCELLED.
     */
    vanishedActivityStatus: z.enum(['LOST', 'CANCELLED']).default('LOST'),
    /** Polls in a row the activity must be missing before it counts as vanished. */
    missingPollsBeforeVanished: z.number().int().min(1).max(20).default(2),
  })
  .strict();
export type AdmiralCloudOptions = z.infer<typeof AdmiralCloudOptionsSchema>;

/**
 * An API user's access key and secret (from AdmiralCloud support), and optionally the clientId
 * of the application and an `identifier` for requests made on behalf of a user; both are sent
 * as headers.
 */
export const AdmiralCloudCredentialsSchema = z
  .object({
    accessKey: z.string({ error: 'accessKey is required' }).min(1, 'accessKey must not be empty'),
    accessSecret: z.string({ error: 'accessSecret is required' }).min(1, 'accessSecret must not be empty'),
    clientId: z.string().min(1).optional(),
    identifier: z.string().min(1).optional(),
  })
  .loose();
export type AdmiralCloudCredentials = z.infer<typeof AdmiralCloudCredentialsSchema>;
