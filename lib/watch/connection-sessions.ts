import { createHash } from 'node:crypto';
import type { Connection } from '../config/connections.js';
import type { Credentials } from '../config/credentials.js';
import { ConnectionThrottle } from '../http/retry-after.js';
import { SecretRegistry } from '../http/secret-registry.js';
import type { AnyVendorAdapter } from '../vendors/vendor-adapter.js';

/**
 * What one process keeps of one connection between adapter calls. A warm Lambda container polls
 * many jobs of the same connection: it should log in once, list once per poll round, honour a
 * Retry-After for every job, and keep knowing which tokens are secrets.
 */
export interface ConnectionSession {
  /**
   * The configured secrets and every secret derived from them (tokens, sessions, signatures).
   * Kept across a change of credentials: a vendor may still echo the old ones.
   */
  readonly secrets: SecretRegistry;
  /** The pause the vendor asked for with Retry-After, for every request of the connection. */
  readonly throttle: ConnectionThrottle;
  /**
   * The adapter's own memory of the connection (see `VendorAdapter.createMemory`). Started afresh
   * when the connection's address, options or credentials change, so a rotated secret never
   * meets a token issued for the old one.
   */
  readonly memory: unknown;
}

interface Held {
  /** A digest of what the memory and throttle were built for; never the credentials themselves. */
  identity: string | undefined;
  session: ConnectionSession;
}

/**
 * The sessions of every connection, owned by one set of watch services (one Lambda container,
 * one local stack): a new set of services starts with none, which is how tests stay apart.
 *
 * @example const session = sessions.forAdapter(connection, adapter, credentials);
 */
export class ConnectionSessions {
  private readonly held = new Map<string, Held>();

  /**
   * The session of a connection as an adapter call needs it: its memory and throttle belong to
   * this address, these options and these credentials (started afresh when they changed).
   */
  forAdapter(connection: Connection, adapter: AnyVendorAdapter, credentials: Credentials): ConnectionSession {
    const identity = identityOf(connection, credentials);
    const held = this.held.get(connection.name);
    if (held && held.identity === identity) return held.session;
    const session: ConnectionSession = {
      secrets: held?.session.secrets ?? new SecretRegistry(),
      throttle: new ConnectionThrottle(),
      memory: adapter.createMemory?.(),
    };
    this.held.set(connection.name, { identity, session });
    return session;
  }

  /**
   * The session of a connection for reading its secrets and its throttle — at a boundary where
   * an observation, an error or a message is redacted. Holds nothing derived yet when no adapter
   * call was made for the connection in this process.
   */
  of(connection: Connection): ConnectionSession {
    const held = this.held.get(connection.name);
    if (held) return held.session;
    const session: ConnectionSession = {
      secrets: new SecretRegistry(),
      throttle: new ConnectionThrottle(),
      memory: undefined,
    };
    this.held.set(connection.name, { identity: undefined, session });
    return session;
  }
}

function identityOf(connection: Connection, credentials: Credentials): string {
  const sortedCredentials = Object.entries(credentials).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([connection.vendor, connection.baseUrl, connection.options, sortedCredentials]))
    .digest('base64url');
}
