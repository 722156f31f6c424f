import { z } from 'zod';
import { formatIssues } from '../lib/config/connection-registry.js';
import { ConfigurationError } from '../lib/jobs/errors.js';

/**
 * The API stage's throttle when the context sets none: per stage, far below API Gateway's
 * account-wide 10,000 requests a second, so one jobwatch cannot starve the account's other APIs.
 */
export const DEFAULT_API_RATE_LIMIT = 50;
export const DEFAULT_API_BURST_LIMIT = 100;

/** `-c key=value` arrives as text, cdk.json as JSON: both are accepted for numbers. */
const contextNumber = z.union([z.number(), z.string().trim().min(1).pipe(z.coerce.number())]);

const DeploySettingsSchema = z.object({
  /** Names every resource (`jobwatch-<stage>-…`) and the secret prefix `jobwatch/<stage>/`. */
  stage: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'letters, digits and "-", at most 32 characters')
    .default('dev'),
  /** Steady requests a second the API stage lets through; more get 429 from API Gateway. */
  apiRateLimit: contextNumber.pipe(z.number().positive().max(1_000_000)).default(DEFAULT_API_RATE_LIMIT),
  /** Requests the stage lets through at once above the steady rate. */
  apiBurstLimit: contextNumber.pipe(z.number().int().min(1).max(1_000_000)).default(DEFAULT_API_BURST_LIMIT),
  /**
   * Concurrent executions reserved for the poll function: a ceiling on its share of the
   * account's Lambda concurrency (so polls cannot starve the API) and a floor no other function
   * can take. Unset by default: a reservation must leave the account 100 unreserved, which a
   * new account with a low quota cannot, and the deploy would fail there.
   */
  pollReservedConcurrency: contextNumber.pipe(z.number().int().min(1).max(100_000)).optional(),
  /** An existing SNS topic the alarms notify (infra/constructs/operations-dashboard.ts). */
  alarmTopicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN')
    .optional(),
  /** Or: a new topic for the alarms, with this address subscribed (it must confirm the subscription). */
  alarmEmail: z.email().optional(),
});
export type DeploySettings = z.infer<typeof DeploySettingsSchema>;

/** The context keys read here. */
const SETTING_KEYS = Object.keys(DeploySettingsSchema.shape) as Array<keyof DeploySettings>;

/**
 * Reads the deploy settings from the CDK context (`-c apiRateLimit=200` or cdk.json), with the
 * defaults above, refusing a value that is not what the setting needs.
 *
 * @example deploySettings((key) => app.node.tryGetContext(key)).apiRateLimit // 50
 */
export function deploySettings(context: (key: string) => unknown): DeploySettings {
  const given = Object.fromEntries(
    SETTING_KEYS.map((key) => [key, context(key)]).filter(([, value]) => value !== undefined),
  );
  const parsed = DeploySettingsSchema.safeParse(given);
  if (!parsed.success) throw new ConfigurationError(`CDK context: ${formatIssues(parsed.error)}`);
  return parsed.data;
}
