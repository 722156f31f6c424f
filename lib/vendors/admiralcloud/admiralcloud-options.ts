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
 * Paths: `GET v5/activity/jobResult/{jobId}` is what AdmiralCloud's own examples poll [CODE].
 * The activity controller's find and destroy routes are not published: `GET v5/activity` and
 * `DELETE v5/activity/{activityId}` follow the REST convention of its other routes [INF].
 */
export const AdmiralCloudOptionsSchema = z
  .object({
    /** 2 (path-based, the newer API servers) or 1 (controller/action). */
    signatureVersion: z.union([z.literal(1), z.literal(2)]).default(2),
    jobResultPath: RelativePath.default('v5/activity/jobResult/{jobId}'),
    activitiesPath: RelativePath.default('v5/activity'),
    destroyActivityPath: RelativePath.default('v5/activity/{activityId}'),
    /**
     * Query parameters for the activity listing (the API recommends fetching only what you need;
     * the parameter names are not published [INF]). Signed with the request.
     */
    activityQuery: z.record(z.string(), z.string()).default({}),
    /**
     * Older API servers turned numeric GET parameters into numbers before checking the
     * signature; newer ones keep them as strings [CODE]. Set when a numeric jobId is refused
     * with `hashMismatch`.
     */
    signNumericParamsAsNumbers: z.boolean().default(false),
    /**
     * When the server refuses a signature as a mismatch, try the other readings of the scheme
     * (the other version, numeric parameters as numbers, route parameters unsigned) and keep the
     * one it accepts. The scheme is published only as client code, and servers differ in these
     * details; a wrong secret still fails, after one round of tries.
     */
    signatureFallback: z.boolean().default(true),
    /**
     * A batch job's progress from its parts (`jobId`, `jobId:1`…): `min` — the update becomes
     * visible only when every part is done — or `mean`.
     */
    batchProgress: z.enum(['min', 'mean']).default('min'),
    /**
     * What a job becomes when its activity disappears from the listing before 100% while
     * jobResult still has nothing. AdmiralCloud does not say whether the activity was destroyed
     * (a user cancelled) or killed (no update for 90 s), so the default is LOST; an operator who
     * knows only cancellations remove activities may choose CANCELLED.
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
