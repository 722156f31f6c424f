import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy in front of a vendor simulator that plays a vendor which echoes what it was
 * sent. It learns every secret that crosses it — configured values, and derived ones it sees on
 * the wire (Authorization and cookie values, signature headers, query keys and session ids,
 * digests, tokens and sessions the vendor issues) — and then, depending on its mode:
 *
 * - `pass`: forwards as is;
 * - `success`: forwards, and writes the secrets into the answer through the vendor's `rewrite`
 *   (a field the adapter keeps: a status description, a path, a message, a result value);
 * - `failure`: answers in turn 500 (text), 401 (JSON), 400 (JSON) and 200 with a body that is
 *   not the vendor's format, each quoting every secret.
 */
export class EchoProxy {
  mode: 'pass' | 'success' | 'failure' = 'pass';
  /** Answers rewritten to echo secrets, and failures served. */
  echoed = 0;
  failures = 0;
  private readonly learned = new Set<string>();
  /** A request signature is echoed only while it is the current one: each request has its own. */
  private signature: string | undefined;
  private server: Server | undefined;
  private url = '';

  constructor(
    private readonly target: string,
    private readonly rewrite: (path: string, body: string, echo: string) => string,
    configured: readonly string[],
  ) {
    for (const value of configured) this.learn(value);
  }

  /** Every secret known so far, as sent. */
  get secrets(): string[] {
    return [...this.learned, ...(this.signature ? [this.signature] : [])];
  }

  /** What the vendor echoes: each secret as sent, URL-encoded and base64-encoded. */
  echo(): string {
    return this.secrets
      .flatMap((secret) => [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')])
      .join(' ');
  }

  /** Starts on a random loopback port; the URL keeps the target's path. */
  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request, response).catch((error: unknown) => {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`echo proxy: ${String(error)}`);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return `${this.url}${new URL(this.target).pathname}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private learn(value: string | null | undefined): void {
    if (value && value.length >= 4) this.learned.add(value);
  }

  private learnFromRequest(request: IncomingMessage, url: URL, body: string): void {
    for (const [name, raw] of Object.entries(request.headers)) {
      this.learnFromHeader(name, Array.isArray(raw) ? raw.join('; ') : (raw ?? ''));
    }
    for (const [name, value] of url.searchParams) {
      if (/key|session|token|sid/i.test(name)) this.learn(value);
    }
    this.learn(/<digest>([^<]*)<\/digest>/.exec(body)?.[1]);
  }

  private learnFromHeader(name: string, value: string): void {
    if (name === 'authorization' || name === 'proxy-authorization') {
      this.learn(value);
      this.learn(value.slice(value.indexOf(' ') + 1));
    } else if (name === 'cookie') {
      for (const pair of value.split(';')) this.learn(pair.slice(pair.indexOf('=') + 1).trim());
    } else if (name === 'x-admiralcloud-hash') {
      this.signature = value;
    } else if (name === 'x-admiralcloud-accesskey' || name === 'x-admiralcloud-clientid') {
      this.learn(value);
    }
  }

  private learnFromAnswer(headers: Headers, body: string): void {
    for (const cookie of headers.getSetCookie()) {
      const pair = cookie.split(';')[0] ?? '';
      this.learn(pair.slice(pair.indexOf('=') + 1));
    }
    this.learn(/<sessionid>([^<]*)<\/sessionid>/i.exec(body)?.[1]);
    try {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      for (const field of ['access_token', 'refresh_token', 'id_token', 'accessToken']) {
        const value = parsed?.[field];
        if (typeof value === 'string') this.learn(value);
      }
    } catch {
      // Not JSON: nothing issued here.
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    this.learnFromRequest(request, url, body);
    if (this.mode === 'failure') this.answerFailure(response);
    else await this.forward(request, url, body, response);
  }

  /** The next of the four failures in turn, each quoting every secret. */
  private answerFailure(response: ServerResponse): void {
    const echo = this.echo();
    const answers = [
      { status: 500, type: 'text/plain', body: `Internal error while serving ${echo}` },
      { status: 401, type: 'application/json', body: JSON.stringify({ message: echo, error: echo }) },
      {
        status: 400,
        type: 'application/json',
        body: JSON.stringify({ message: echo, error: 'invalid_grant' }),
      },
      { status: 200, type: 'text/html', body: `<html><body>Welcome ${echo}</body></html>` },
    ];
    const answer = answers[this.failures % answers.length] ?? answers[0];
    this.failures += 1;
    response.writeHead(answer?.status ?? 500, { 'content-type': answer?.type ?? 'text/plain' });
    response.end(answer?.body ?? '');
  }

  /** Passes the request on to the simulator and its answer back, echoing secrets in `success` mode. */
  private async forward(
    request: IncomingMessage,
    url: URL,
    body: string,
    response: ServerResponse,
  ): Promise<void> {
    const origin = new URL(this.target).origin;
    const upstream = await fetch(`${origin}${url.pathname}${url.search}`, {
      method: request.method ?? 'GET',
      headers: forwardedHeaders(request),
      ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body }),
      redirect: 'manual',
    });
    // Links the vendor sends point at itself, that is at this proxy.
    let text = (await upstream.text()).replaceAll(origin, this.url);
    this.learnFromAnswer(upstream.headers, text);
    if (this.mode === 'success' && upstream.status < 300) {
      const rewritten = this.rewrite(url.pathname, text, this.echo());
      if (rewritten !== text) this.echoed += 1;
      text = rewritten;
    }
    const headers: Record<string, string | string[]> = {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
    };
    const cookies = upstream.headers.getSetCookie();
    if (cookies.length > 0) headers['set-cookie'] = cookies;
    response.writeHead(upstream.status, headers);
    response.end(text);
  }
}

/** The request's headers minus those that belong to this hop (fetch sets them for the next). */
function forwardedHeaders(request: IncomingMessage): Headers {
  const forwarded = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (name === 'host' || name === 'content-length' || name === 'connection' || value === undefined)
      continue;
    forwarded.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return forwarded;
}

/** Appends the echo to every string under one of `keys` in a JSON body (other bodies unchanged). */
export function appendToJsonFields(keys: readonly string[]) {
  return (_path: string, body: string, echo: string): string => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return body;
    }
    const visit = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(visit);
      if (value === null || typeof value !== 'object') return value;
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        copy[key] = keys.includes(key) && typeof item === 'string' ? `${item} ${echo}` : visit(item);
      }
      return copy;
    };
    return JSON.stringify(visit(parsed));
  };
}
