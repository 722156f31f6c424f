import { z } from 'zod';

/** A vendor job reference as a caller sends it; the vendor's adapter validates its fields. */
export const JobReferenceInputSchema = z.record(z.string(), z.unknown());

/** Poll bounds a caller may set for one job; they are clamped to the connection's own. */
export const JobPollOverridesSchema = z
  .object({
    minIntervalSeconds: z.number().int().min(1).max(3600).optional(),
    maxIntervalSeconds: z.number().int().min(1).max(86_400).optional(),
  })
  .strict();

/** What a caller sends to start watching a vendor job (API body, event detail, CLI). Strict. */
export const WatchRequestSchema = z
  .object({
    connection: z.string().min(1).max(64),
    job: JobReferenceInputSchema,
    /** ISO timestamp, or a duration from now (`2h`, `PT2H`); after now, at most one year ahead. */
    deadline: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe(
        'ISO 8601 timestamp, or a duration from now (90s, 30m, 2h, 1d12h, PT2H). It must lie in the future ' +
          "and at most one year (365 days) ahead, Step Functions' limit for one execution. Without it the " +
          "connection's default applies. A start for a job watched already must bring the same deadline " +
          '(a duration counts from the first start) or none; another one is refused with 409 deadline-conflict.',
      ),
    idempotencyKey: z.string().min(1).max(128).optional(),
    callback: z
      .object({ taskToken: z.string().min(1).max(1024) })
      .strict()
      .optional(),
    poll: JobPollOverridesSchema.optional(),
  })
  .strict();
export type WatchRequest = z.infer<typeof WatchRequestSchema>;
