import { ConfigurationError } from '../jobs/errors.js';

/**
 * Reads a required environment variable once, failing loudly with its name.
 *
 * @example const tableName = requireEnv('TABLE_NAME');
 */
export function requireEnv(name: string, environment: NodeJS.ProcessEnv = process.env): string {
  const value = environment[name];
  if (value === undefined || value === '') {
    throw new ConfigurationError(`Environment variable ${name} is required`);
  }
  return value;
}
