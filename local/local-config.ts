import { z } from 'zod';
import { readJsonFile } from '../lib/config/connection-registry.js';
import { type Connection, ConnectionSchema } from '../lib/config/connections.js';
import { connectionProblems } from '../lib/config/validate-connections.js';
import { ConfigurationError } from '../lib/jobs/errors.js';
import { adapterFor } from '../lib/vendors/registry.js';

const LocalSettingsSchema = z.object({
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
});

/**
 * The local config file (`--config FILE` or JOBWATCH_CONFIG). Documented in the README; strict,
 * so a misspelt key is an error rather than a silently ignored setting.
 */
export const LocalConfigSchema = LocalSettingsSchema.extend({
  connections: z.array(ConnectionSchema),
}).strict();
export type LocalConfig = z.infer<typeof LocalConfigSchema>;

/**
 * Checks the whole file before anything runs: the settings, and each connection against its
 * vendor's options and credentials schemas, its URLs and its polling bounds. Every problem is
 * one line naming the file, the connection by name and the field.
 *
 * @throws ConfigurationError with one line per problem.
 * @example parseLocalConfig({ connections: [] }, 'jobwatch.json') // { connections: [] }
 */
export function parseLocalConfig(value: unknown, source: string): LocalConfig {
  const settings = LocalSettingsSchema.extend({ connections: z.array(z.unknown()) })
    .strict()
    .safeParse(value);
  const problems: string[] = [];
  let connections: Connection[] = [];
  if (!settings.success) {
    for (const issue of settings.error.issues) {
      if (issue.path[0] === 'connections' && issue.path.length > 1) continue;
      problems.push(
        `${source}: ${issue.path.length ? issue.path.join('.') : '(the file)'}: ${issue.message}`,
      );
    }
  }
  if (
    value !== null &&
    typeof value === 'object' &&
    Array.isArray((value as { connections?: unknown }).connections)
  ) {
    const checked = connectionProblems((value as { connections: unknown[] }).connections, {
      source,
      schemasFor: adapterFor,
      credentials: 'inline',
    });
    problems.push(...checked.problems);
    connections = checked.connections;
  }
  if (problems.length > 0 || !settings.success) throw new ConfigurationError(problems.join('\n'));
  return { ...settings.data, connections };
}

export function loadLocalConfig(path: string): LocalConfig {
  return parseLocalConfig(readJsonFile(path), path);
}
