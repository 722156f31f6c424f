import { z } from 'zod';
import { formatIssues, readJsonFile } from '../lib/config/connection-registry.js';
import { ConnectionSchema } from '../lib/config/connections.js';
import { ConfigurationError } from '../lib/jobs/errors.js';

/**
 * The local config file (`--config FILE` or JOBWATCH_CONFIG). Documented in the README; strict,
 * so a misspelt key is an error rather than a silently ignored setting.
 */
export const LocalConfigSchema = z
  .object({
    connections: z.array(ConnectionSchema),
    api: z
      .object({
        /** Port of the local API on 127.0.0.1 (0: any free port). */
        port: z.number().int().min(0).max(65_535).optional(),
        /** Require `Authorization: Bearer <token>` on every API request. */
        token: z.string().min(16).optional(),
      })
      .strict()
      .optional(),
    /** Keep DynamoDB (dynalite) data in this directory instead of memory. */
    dataDir: z.string().min(1).optional(),
  })
  .strict();
export type LocalConfig = z.infer<typeof LocalConfigSchema>;

export function parseLocalConfig(value: unknown, source: string): LocalConfig {
  const parsed = LocalConfigSchema.safeParse(value);
  if (!parsed.success) throw new ConfigurationError(`${source}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

export function loadLocalConfig(path: string): LocalConfig {
  return parseLocalConfig(readJsonFile(path), path);
}
