import type { Connection } from '../../lib/config/connections.js';
import type { VendorName } from '../../lib/jobs/job.js';
import type { AdapterContext, AdapterState, VendorAdapter } from '../../lib/vendors/vendor-adapter.js';
import { adapterContext } from '../../lib/watch/adapter-context.js';
import { ConnectionSessions } from '../../lib/watch/connection-sessions.js';

/**
 * The sessions adapter tests share, like one warm Lambda container: a context built for the same
 * connection name, address, options and credentials gets the same adapter memory (a cached token,
 * a session, a listing). Tests that must not share pass a fresh `ConnectionSessions`, or a
 * connection name of their own.
 */
export const testSessions = new ConnectionSessions();

export interface TestContextSettings {
  baseUrl: string;
  credentials?: Record<string, string>;
  options?: Record<string, unknown>;
  /** The clock the adapter and its client read (default: the system's). */
  now?: () => Date;
  /** Per request (default 2 s: tests fail fast). */
  timeoutMs?: number;
  /** The whole call's budget, ms (default: a poll's). */
  budgetMs?: number;
  /** Default: a fresh name per context, so tests do not share a session by accident. */
  connection?: string;
  sessions?: ConnectionSessions;
}

let contexts = 0;

/**
 * An adapter context built the way the poller builds one — options and credentials checked by the
 * adapter's schemas, secrets registered, the HTTP client bound to the connection's session.
 *
 * @example const context = testContextFor(okastAdapter, { baseUrl: sim.url, credentials: sim.credentials });
 */
export function testContextFor<Options, State extends AdapterState, Memory>(
  // biome-ignore lint/suspicious/noExplicitAny: any reference type; the context does not depend on it.
  adapter: VendorAdapter<any, Options, State, Memory>,
  settings: TestContextSettings,
): AdapterContext<Options, State, Memory> {
  contexts += 1;
  const connection: Connection = {
    name: settings.connection ?? `${adapter.vendor}-test-${contexts}`,
    vendor: adapter.vendor as VendorName,
    baseUrl: settings.baseUrl,
    credentials: settings.credentials ?? {},
    options: settings.options ?? {},
    timeoutMs: settings.timeoutMs ?? 2000,
  };
  const credentials = connection.credentials ?? {};
  const session = (settings.sessions ?? testSessions).forAdapter(connection, adapter, credentials);
  return adapterContext(adapter, {
    connection,
    credentials,
    session,
    state: undefined,
    now: settings.now ?? (() => new Date()),
    ...(settings.budgetMs !== undefined ? { budgetMs: settings.budgetMs } : {}),
  }) as AdapterContext<Options, State, Memory>;
}
