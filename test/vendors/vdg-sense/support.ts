import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { vdgSenseAdapter } from '../../../lib/vendors/vdg-sense/vdg-sense-adapter.js';
import type { VdgSenseMemory } from '../../../lib/vendors/vdg-sense/vdg-sense-client.js';
import type { VdgSenseState } from '../../../lib/vendors/vdg-sense/vdg-sense-observation.js';
import type { VdgSenseOptions } from '../../../lib/vendors/vdg-sense/vdg-sense-options.js';
import type { VdgSenseReference } from '../../../lib/vendors/vdg-sense/vdg-sense-reference.js';
import type { AdapterContext } from '../../../lib/vendors/vendor-adapter.js';
import type { ConnectionSessions } from '../../../lib/watch/connection-sessions.js';
import { type Clock, type ManualClock, manualClock as sharedManualClock } from '../../../local/clock.js';
import {
  VdgSenseSimulator,
  type VdgSenseSimulatorOptions,
} from '../../../local/simulators/vdg-sense/index.js';
import { testContextFor } from '../../support/adapter-context.js';
import { errorOf, WatchedJobHarness } from '../../support/watched-job.js';

export { errorOf };

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** The shared manual clock, starting at this vendor's fixture time. */
export const manualClock = (start = Date.UTC(2024, 0, 19, 12, 0, 0)): ManualClock => sharedManualClock(start);

/** The nonce of VDG's documented login example, which the simulator issues by default. */
export const DOCUMENTED_NONCE = 'AR5chsWVZagPfMpB';

export type VdgContext = AdapterContext<VdgSenseOptions, VdgSenseState, VdgSenseMemory>;

export interface VdgContextSettings {
  /** Default: a fresh connection name per context, so tests do not share a session by accident. */
  connection?: string;
  sessions?: ConnectionSessions;
}

/** A context built the production way, on the test's clock. */
export function contextFor(
  baseUrl: string,
  credentials: Record<string, string>,
  options: Record<string, unknown>,
  clock: Clock,
  settings: VdgContextSettings = {},
): VdgContext {
  return testContextFor(vdgSenseAdapter, {
    baseUrl,
    credentials,
    options,
    now: () => new Date(clock.now()),
    ...settings,
  });
}

/** A watched export whose state travels from poll to poll as the poller stores it. */
export class WatchedExport extends WatchedJobHarness<
  VdgSenseReference,
  VdgSenseOptions,
  VdgSenseState,
  VdgSenseMemory
> {
  constructor(reference: unknown) {
    super(vdgSenseAdapter, reference);
  }
}

/** A started simulator on a manual clock, and a context for the connection it wants. */
export async function startSimulator(options: VdgSenseSimulatorOptions = {}) {
  const clock = manualClock();
  const simulator = new VdgSenseSimulator({ clock, ...options });
  const baseUrl = await simulator.start();
  const context = contextFor(baseUrl, simulator.credentials, simulator.connectionOptions(), clock);
  return { clock, simulator, baseUrl, context };
}

export interface FakeAnswer {
  status?: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string | string[]>;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type FakeHandler = (request: FakeRequest) => FakeAnswer;

/**
 * A VDG Sense written by someone else from the same documents, as a handler that answers each
 * request verbatim over a loopback server: what it sends is exactly what the adapter reads.
 */
export class FakeVdg {
  readonly requests: FakeRequest[] = [];
  private server: Server | undefined;

  constructor(private readonly handler: FakeHandler) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        const seen: FakeRequest = {
          method: request.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(seen);
        const answer = this.handler(seen);
        response.writeHead(answer.status ?? 200, {
          'content-type': answer.contentType ?? 'text/xml',
          ...answer.headers,
        });
        response.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Fakes a test file started, to close after each test. */
export class Fakes {
  private readonly started: FakeVdg[] = [];

  constructor(private readonly clock: Clock) {}

  /** A fake answering with `handler`, and a context for it without credentials. */
  async serve(handler: FakeHandler) {
    const fake = new FakeVdg(handler);
    this.started.push(fake);
    const baseUrl = await fake.start();
    return { fake, baseUrl, context: contextFor(baseUrl, {}, {}, this.clock) };
  }

  /** A fake that answers every request with this body. */
  answering(body: string, contentType = 'text/xml', status = 200) {
    return this.serve(() => ({ status, body, contentType }));
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((fake) => fake.close()));
  }
}
