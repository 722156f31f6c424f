import { z } from 'zod';
import { VendorNameSchema } from '../jobs/job.js';
import { POLL_VENDOR_BUDGET_MS } from './time-budgets.js';

/** The longest wait between two polls the state machine has a retrier for (its longest tier). */
export const MAX_POLL_INTERVAL_SECONDS = 1800;
/** A watch's deadline is at most a year away: the longest a Step Functions execution may run. */
export const MAX_DEADLINE_SECONDS = 365 * 24 * 3600;

/**
 * Polling bounds an operator sets per connection (and a caller may narrow per job, within them).
 * Seconds throughout.
 */
export const PollingSettingsSchema = z
  .object({
    /** The shortest wait between polls: 5 s is the state machine's shortest retrier interval. */
    minIntervalSeconds: z.number().int().min(5).max(MAX_POLL_INTERVAL_SECONDS).optional(),
    maxIntervalSeconds: z.number().int().min(5).max(MAX_POLL_INTERVAL_SECONDS).optional(),
    /** No change in status or progress for this long marks the job stalled. */
    stallAfterSeconds: z.number().int().min(60).max(MAX_DEADLINE_SECONDS).optional(),
    /** When a job stalls, end it as FAILED instead of only flagging it. */
    failOnStall: z.boolean().optional(),
    /** Deadline for jobs that do not bring their own; at most a year, a Step Functions execution's limit. */
    defaultDeadlineSeconds: z.number().int().min(60).max(MAX_DEADLINE_SECONDS).optional(),
    /**
     * Learn how long this connection's jobs take from the ones that ended, and poll jobs without
     * progress where their end is likely (docs/polling.md). On unless set to false.
     */
    learnDurations: z.boolean().optional(),
  })
  .strict()
  .superRefine((polling, context) => {
    const { minIntervalSeconds: min, maxIntervalSeconds: max } = polling;
    if (min !== undefined && max !== undefined && min > max) {
      context.addIssue({
        code: 'custom',
        path: ['minIntervalSeconds'],
        message: `${min} is more than maxIntervalSeconds ${max}`,
      });
    }
  });
export type PollingSettings = z.infer<typeof PollingSettingsSchema>;

const ConnectionNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, ".", "_" or "-", at most 64 characters');

/**
 * One vendor system the operator lets jobwatch talk to. Callers name it; they never supply URLs.
 *
 * Credentials are either inline (local mode, from the config file) or a Secrets Manager secret
 * (deployed) whose SecretString is a JSON object of the same shape.
 */
export const ConnectionSchema = z
  .object({
    name: ConnectionNameSchema,
    vendor: VendorNameSchema,
    baseUrl: z.url({ protocol: /^https?$/ }),
    credentials: z.record(z.string(), z.string()).optional(),
    credentialsSecret: z.string().min(1).optional(),
    /** Vendor-specific settings, validated by the vendor's adapter. */
    options: z.record(z.string(), z.unknown()).default({}),
    polling: PollingSettingsSchema.optional(),
    /**
     * Per-request timeout for this vendor, milliseconds. At most one poll's whole vendor budget
     * (POLL_VENDOR_BUDGET_MS): a poll's requests share that budget, so a longer one could never
     * be waited for. Refused rather than clamped, so the operator learns what they will get.
     */
    timeoutMs: z.number().int().min(100).optional(),
  })
  .strict()
  .superRefine((connection, context) => {
    if (connection.timeoutMs !== undefined && connection.timeoutMs > POLL_VENDOR_BUDGET_MS) {
      context.addIssue({
        code: 'custom',
        path: ['timeoutMs'],
        message: `connection "${connection.name}": timeoutMs ${connection.timeoutMs} is more than the ${POLL_VENDOR_BUDGET_MS} ms all requests of one poll may take together; set at most ${POLL_VENDOR_BUDGET_MS}`,
      });
    }
  });
export type Connection = z.infer<typeof ConnectionSchema>;
export type ConnectionInput = z.input<typeof ConnectionSchema>;

/** A connection as callers may see it: no credentials, no secret names. */
export interface PublicConnection {
  name: string;
  vendor: string;
}

export function toPublicConnection(connection: Connection): PublicConnection {
  return { name: connection.name, vendor: connection.vendor };
}
