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
    /** ISO timestamp, or a duration from now (`2h`, `PT2H`). */
    deadline: z.string().min(1).max(64).optional(),
    idempotencyKey: z.string().min(1).max(128).optional(),
    callback: z
      .object({ taskToken: z.string().min(1).max(1024) })
      .strict()
      .optional(),
    poll: JobPollOverridesSchema.optional(),
  })
  .strict();
export type WatchRequest = z.infer<typeof WatchRequestSchema>;
