import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import { ConfigurationError } from '../jobs/errors.js';
import type { Connection } from './connections.js';
import type { CredentialsProvider } from './credentials.js';

const CredentialMapSchema = z.record(z.string(), z.string());

/** Local mode: credentials written inline in the config file. */
export class InlineCredentialsProvider implements CredentialsProvider {
  async get(connection: Connection): Promise<Record<string, string>> {
    return connection.credentials ?? {};
  }
}

/** Seconds a secret is cached in a warm Lambda: rotation is picked up within this time. */
const SECRET_CACHE_SECONDS = 300;

/**
 * Deployed: each connection's credentials are a Secrets Manager secret whose SecretString is a
 * JSON object of strings. Cached per container (Powertools Parameters) to keep polls cheap.
 */
export class SecretsManagerCredentialsProvider implements CredentialsProvider {
  constructor(private readonly secrets: SecretsProvider = new SecretsProvider()) {}

  async get(connection: Connection): Promise<Record<string, string>> {
    if (!connection.credentialsSecret) return {};
    let value: unknown;
    try {
      value = await this.secrets.get(connection.credentialsSecret, {
        maxAge: SECRET_CACHE_SECONDS,
        transform: 'json',
      });
    } catch (error) {
      throw new ConfigurationError(`Cannot read the credentials secret of connection "${connection.name}"`, {
        cause: error,
      });
    }
    const parsed = CredentialMapSchema.safeParse(value ?? {});
    if (!parsed.success) {
      throw new ConfigurationError(
        `The credentials secret of connection "${connection.name}" must be a JSON object of strings`,
      );
    }
    return parsed.data;
  }
}
