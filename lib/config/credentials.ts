import type { Connection } from './connections.js';

/** Credentials as the operator stored them: a flat map of strings. */
export type Credentials = Readonly<Record<string, string>>;

/** Fetches a connection's credentials: inline locally, Secrets Manager when deployed. */
export interface CredentialsProvider {
  get(connection: Connection): Promise<Credentials>;
}
