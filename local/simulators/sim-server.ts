import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '../clock.js';

/**
 * Shared plumbing of the vendor simulators: a loopback HTTP server, body reading, and fault
 * injection, so each simulator only speaks its vendor's wire format.
 */

export type Fault =
  /** Answer with this status (and optional body) instead of the real answer. */
  | {
      kind: 'status';
      status: number;
      body?: string;
      contentType?: string;
      headers?: Record<string, string> | undefined;
    }
  /** Wait this long (real ms) before answering normally. */
  | { kind: 'delay'; ms: number }
  /** Accept the request and never answer (until the server closes). */
  | { kind: 'hang' }
  /** Destroy the socket without an answer. */
  | { kind: 'reset' }
  /** Send the real answer cut off halfway. */
  | { kind: 'truncate' }
  /** Send this body with status 200 instead of the real answer. */
  | { kind: 'garbage'; body: string; contentType?: string }
  /**
   * Throttle: answer `status` (429 or 503) with `Retry-After` asking for `seconds` of the
   * simulator's clock, as delta-seconds or as an HTTP-date (rounded up to the whole second).
   */
  | { kind: 'retry-after'; status: 429 | 503; seconds: number; form?: 'seconds' | 'date' };

export interface FaultRule {
  fault: Fault;
  /** How many requests the fault applies to; Infinity until cleared. */
  remaining: number;
  /** Only requests whose path (without query) contains this text. */
  pathIncludes?: string | undefined;
}

export interface SimRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface SimResponse {
  status: number;
  body: string;
  contentType?: string | undefined;
  headers?: Record<string, string> | undefined;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

/** A request log entry, so tests can assert what jobwatch asked (and how often). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: IncomingMessage['headers'];
  /** When it arrived, epoch ms on the simulator's clock. */
  at: number;
  /** For a throttled request: the simulator's clock time before which it asked not to be called. */
  retryAt?: number;
}

export class SimServer {
  private server: Server | undefined;
  private readonly faults: FaultRule[] = [];
  private readonly hanging = new Set<ServerResponse>();
  readonly requests: RecordedRequest[] = [];
  url = '';

  private readonly clock: Clock;

  constructor(
    private readonly handler: SimHandler,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** Starts on a random loopback port; `basePath` is appended to the URL it reports. */
  async start(basePath = '/'): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}${basePath}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Injects a fault for the next `count` matching requests (default 1). */
  inject(fault: Fault, options: { count?: number; pathIncludes?: string } = {}): void {
    this.faults.push({ fault, remaining: options.count ?? 1, pathIncludes: options.pathIncludes });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  private takeFault(path: string): Fault | undefined {
    const index = this.faults.findIndex(
      (rule) => rule.remaining > 0 && (!rule.pathIncludes || path.includes(rule.pathIncludes)),
    );
    if (index < 0) return undefined;
    const rule = this.faults[index];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.faults.splice(index, 1);
    return rule.fault;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      headers: request.headers,
      at: this.clock.now(),
    };
    this.requests.push(recorded);
    const fault = this.takeFault(url.pathname);
    if (fault && (await this.applyFault(fault, request, response, recorded))) return;
    let answer: SimResponse;
    try {
      answer = await this.handler({ method: request.method ?? 'GET', url, headers: request.headers, body });
    } catch (error) {
      answer = { status: 500, body: `simulator error: ${String(error)}`, contentType: 'text/plain' };
    }
    if (fault?.kind === 'truncate') sendHalf(response, answer);
    else send(response, answer);
  }

  /**
   * Acts out a fault before the real answer; true when the fault took its place. A delay only
   * holds the real answer back, and a truncation needs it first.
   */
  private async applyFault(
    fault: Fault,
    request: IncomingMessage,
    response: ServerResponse,
    recorded: RecordedRequest,
  ): Promise<boolean> {
    switch (fault.kind) {
      case 'retry-after':
        recorded.retryAt = this.sendRetryAfter(fault, response);
        return true;
      case 'reset':
        request.socket.destroy();
        return true;
      case 'hang':
        this.hanging.add(response);
        response.on('close', () => this.hanging.delete(response));
        return true;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return false;
      case 'status':
        send(response, {
          status: fault.status,
          body: fault.body ?? '',
          contentType: fault.contentType ?? 'text/plain',
          headers: fault.headers,
        });
        return true;
      case 'garbage':
        send(response, {
          status: 200,
          body: fault.body,
          contentType: fault.contentType ?? 'application/json',
        });
        return true;
      case 'truncate':
        return false;
    }
  }

  /** Sends the throttling answer; returns the clock time it asked not to be called before. */
  private sendRetryAfter(fault: Extract<Fault, { kind: 'retry-after' }>, response: ServerResponse): number {
    const retryAt = this.clock.now() + fault.seconds * 1000;
    // An HTTP-date has whole seconds: round up, so the date never asks for less than meant.
    const dateAt = Math.ceil(retryAt / 1000) * 1000;
    const header = fault.form === 'date' ? new Date(dateAt).toUTCString() : String(fault.seconds);
    send(response, {
      status: fault.status,
      body: fault.status === 429 ? 'Too Many Requests' : 'Service Unavailable',
      contentType: 'text/plain',
      headers: { 'retry-after': header },
    });
    return fault.form === 'date' ? dateAt : retryAt;
  }
}

/** The first half of the answer under a Content-Length for all of it, then the socket closed. */
function sendHalf(response: ServerResponse, answer: SimResponse): void {
  const half = Buffer.from(answer.body).subarray(0, Math.floor(Buffer.byteLength(answer.body) / 2));
  response.writeHead(answer.status, {
    'content-type': answer.contentType ?? 'application/json',
    'content-length': Buffer.byteLength(answer.body),
  });
  response.write(half);
  response.socket?.destroy();
}

function send(response: ServerResponse, answer: SimResponse): void {
  response.writeHead(answer.status, {
    'content-type': answer.contentType ?? 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(answer.body),
    ...answer.headers,
  });
  response.end(answer.body);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function json(status: number, value: unknown, headers?: Record<string, string>): SimResponse {
  return {
    status,
    body: JSON.stringify(value, null, 2),
    contentType: 'application/json; charset=utf-8',
    headers,
  };
}
