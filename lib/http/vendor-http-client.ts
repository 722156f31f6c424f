import { TextDecoder } from 'node:util';
import {
  VendorAuthError,
  type VendorCallContext,
  VendorProtocolError,
  VendorTransportError,
} from '../jobs/errors.js';
import { definedFields } from '../util/defined-fields.js';
import { describeUrl } from './redact.js';
import { ConnectionThrottle, retryAfterAt } from './retry-after.js';
import { SecretRegistry } from './secret-registry.js';
import { normalizeBase, resolveUnderBase } from './url-guard.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface VendorRequest {
  method?: HttpMethod;
  /** A path relative to the connection's base URL, or an absolute URL under it. */
  url: string | URL;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  maxBytes?: number;
}

export interface VendorResponse {
  status: number;
  headers: Headers;
  text: string;
  url: URL;
}

export interface VendorHttpClientOptions {
  vendor: string;
  connection: string;
  baseUrl: string;
  /**
   * Values that must never appear in a message (passwords, tokens, keys): a list, or the
   * connection's registry, to which adapters add the secrets they obtain (`http.secrets.add`).
   */
  secrets?: readonly string[] | SecretRegistry;
  timeoutMs?: number;
  maxBytes?: number;
  fetch?: typeof fetch;
  /**
   * A time budget for everything this client sends, starting when it is built (one client per
   * adapter call: a poll, a cancel). Each request waits at most what is left of it; a request
   * with less than {@link MIN_REQUEST_MS} left is not sent.
   */
  budget?: VendorTimeBudget;
  /** The clock a vendor's Retry-After is read on, epoch ms (default `Date.now`; locally the stack's). */
  now?: () => number;
  /**
   * The longest a Retry-After is honoured, seconds (the connection's maximum poll interval): a
   * vendor asking for a day must not silence a watch for a day. Default: no cap.
   */
  maxRetryAfterSeconds?: number;
  /**
   * The connection's Retry-After pause, shared by every client of the connection (its session's);
   * default: one for this client alone.
   */
  throttle?: ConnectionThrottle;
}

export interface VendorTimeBudget {
  /** What the budget is for, as messages name it: "poll", "cancel". */
  name: string;
  ms: number;
}

/** Less than this left of a budget is no time to send a request in (the smallest `timeoutMs`). */
export const MIN_REQUEST_MS = 100;

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Status payloads are small; a vendor answering megabytes is broken, not busy. */
export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
const EXCERPT_LENGTH = 300;

/**
 * The one way jobwatch talks to a vendor. It owns what every adapter would otherwise get wrong:
 * a timeout on every call, a cap on the response size, no redirects off the connection, no
 * secrets in error messages, and the classification of failures:
 *
 * - network error, timeout, 5xx, 429 → {@link VendorTransportError} (retryable, never a job failure)
 * - 401, 403 → {@link VendorAuthError}
 * - anything else is returned: 404 means different things to different vendors.
 *
 * @example
 * const client = new VendorHttpClient({ vendor: 'avid-ctms', connection: 'avid', baseUrl });
 * const { status, text } = await client.request({ url: 'commands/42' });
 */
export class VendorHttpClient {
  readonly baseUrl: URL;
  /** What must never leave: add every token, session id or signature the moment it exists. */
  readonly secrets: SecretRegistry;
  private readonly options: VendorHttpClientOptions;
  private readonly fetchImpl: typeof fetch;
  private readonly budget: { name: string; ms: number; deadline: number; signal: AbortSignal } | undefined;
  private readonly throttle: ConnectionThrottle;
  private sent = 0;

  constructor(options: VendorHttpClientOptions) {
    this.options = options;
    this.baseUrl = normalizeBase(options.baseUrl);
    if (options.secrets instanceof SecretRegistry) {
      this.secrets = options.secrets;
    } else {
      this.secrets = new SecretRegistry();
      this.secrets.setConfigured(options.secrets ?? []);
    }
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.throttle = options.throttle ?? new ConnectionThrottle();
    if (options.budget) {
      const { name, ms } = options.budget;
      // Monotonic: a wall-clock step must not lengthen or cut a budget.
      this.budget = { name, ms, deadline: performance.now() + ms, signal: AbortSignal.timeout(ms) };
    }
  }

  /** Requests sent so far (a request not sent for want of budget does not count). */
  get requestsSent(): number {
    return this.sent;
  }

  /** Resolves a path or URL, refusing anything outside the connection's base URL. */
  resolve(target: string | URL): URL {
    return resolveUnderBase(this.baseUrl, target);
  }

  async request(request: VendorRequest): Promise<VendorResponse> {
    const url = this.resolve(request.url);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const method = request.method ?? 'GET';
    registerSentCredentials(this.secrets, request.headers);
    const context: VendorCallContext = {
      vendor: this.options.vendor,
      connection: this.options.connection,
      request: `${method} ${describeUrl(url)}`,
    };
    const ownTimeoutMs = request.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = request.maxBytes ?? this.options.maxBytes ?? DEFAULT_MAX_BYTES;
    const { signal, timedOut } = this.requestDeadline(context, ownTimeoutMs);
    this.refuseWhilePaused(context);
    this.sent += 1;

    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        ...definedFields({ headers: request.headers, body: request.body }),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      const reason = isTimeout(error) ? timedOut('no answer') : describeCause(error);
      throw new VendorTransportError(this.clean(`${context.request} failed: ${reason}`), context, {
        cause: error,
      });
    }

    const text = await this.readBody(response, maxBytes, context, timedOut);
    this.refuseUnusableStatus(response, text, context);
    return { status: response.status, headers: response.headers, text, url };
  }

  /**
   * The signal a request waits on — min(its own timeout, what is left of the budget) — and how a
   * message says which of the two ran out. Throws when the budget has no room left for a request.
   */
  private requestDeadline(
    context: VendorCallContext,
    ownTimeoutMs: number,
  ): { signal: AbortSignal; timedOut: (what: string) => string } {
    const ownTimeout = (what: string) => `${what} within ${ownTimeoutMs} ms`;
    const budget = this.budget;
    if (!budget) return { signal: AbortSignal.timeout(ownTimeoutMs), timedOut: ownTimeout };
    const budgetLeft = budget.deadline - performance.now();
    if (budget.signal.aborted || budgetLeft < MIN_REQUEST_MS) {
      // Fail fast: the caller's Lambda would otherwise run out mid-request. A transport error,
      // so the poll is recorded as watch trouble and tried again, never a job failure.
      throw new VendorTransportError(
        this.clean(`${context.request} not sent: ${this.budgetSpent(budget)}`),
        context,
      );
    }
    return {
      signal: AbortSignal.any([AbortSignal.timeout(ownTimeoutMs), budget.signal]),
      timedOut: (what) =>
        budget.signal.aborted
          ? `${what} within the ${Math.floor(budgetLeft)} ms left; ${this.budgetSpent(budget)}`
          : ownTimeout(what),
    };
  }

  /** The vendor asked this connection to stay away (429/503 with Retry-After), for any job. */
  private refuseWhilePaused(context: VendorCallContext): void {
    const now = this.options.now ?? Date.now;
    const pausedUntil = this.throttle.pausedUntil(now());
    if (pausedUntil === undefined) return;
    const seconds = Math.ceil((pausedUntil - now()) / 1000);
    throw new VendorTransportError(
      this.clean(
        `${context.request} not sent: ${this.options.vendor} asked to be called again at ${new Date(pausedUntil).toISOString()} (in ${seconds} s)`,
      ),
      { ...context, retryAfterSeconds: seconds },
    );
  }

  /** Throws for the statuses every vendor means the same by (see the class comment); others pass. */
  private refuseUnusableStatus(response: Response, text: string, context: VendorCallContext): void {
    const { status } = response;
    const answered: VendorCallContext = {
      ...context,
      statusCode: status,
      bodyExcerpt: this.clean(text.slice(0, EXCERPT_LENGTH)),
    };
    if (status >= 500 || status === 429 || status === 408) throw this.unavailableError(response, answered);
    if (status === 401 || status === 403) {
      throw new VendorAuthError(
        this.clean(`${context.request} answered ${status}: credentials refused`),
        answered,
      );
    }
    if (status >= 300 && status < 400) {
      throw new VendorProtocolError(
        this.clean(`${context.request} answered a redirect (${status}); redirects are not followed`),
        answered,
      );
    }
  }

  /** A 5xx, 429 or 408; one with a Retry-After to honour pauses the whole connection until then. */
  private unavailableError(response: Response, answered: VendorCallContext): VendorTransportError {
    const retryAt = this.honouredRetryAfter(response);
    if (retryAt === undefined) {
      return new VendorTransportError(
        this.clean(`${answered.request} answered ${response.status}`),
        answered,
      );
    }
    this.throttle.pause(retryAt);
    const seconds = Math.ceil((retryAt - (this.options.now ?? Date.now)()) / 1000);
    return new VendorTransportError(
      this.clean(
        `${answered.request} answered ${response.status}; ${this.options.vendor} asked to be called again at ${new Date(retryAt).toISOString()} (Retry-After: ${seconds} s)`,
      ),
      { ...answered, retryAfterSeconds: seconds },
    );
  }

  /** GET (or other) and parse JSON; a body that is not JSON is a protocol error. */
  async requestJson(
    request: VendorRequest,
  ): Promise<{ status: number; body: unknown; response: VendorResponse }> {
    const response = await this.request({
      ...request,
      headers: { accept: 'application/json', ...request.headers },
    });
    return { status: response.status, body: this.parseJson(response), response };
  }

  parseJson(response: VendorResponse): unknown {
    if (response.text.trim() === '') {
      throw this.protocolError(response, 'answered an empty body where JSON was expected');
    }
    try {
      return JSON.parse(response.text);
    } catch (error) {
      const contentType = response.headers.get('content-type') ?? 'no content type';
      throw this.protocolError(response, `answered a body that is not JSON (${contentType})`, error);
    }
  }

  /** A protocol error naming the request and an excerpt of what came back. */
  protocolError(response: VendorResponse, what: string, cause?: unknown): VendorProtocolError {
    const request = `${describeUrl(response.url)}`;
    return new VendorProtocolError(
      this.clean(`${request} ${what}`),
      {
        vendor: this.options.vendor,
        connection: this.options.connection,
        request,
        statusCode: response.status,
        bodyExcerpt: this.clean(response.text.slice(0, EXCERPT_LENGTH)),
      },
      cause === undefined ? undefined : { cause },
    );
  }

  /**
   * When a 429 or 503 asks to be called again (RFC 9110: Retry-After is what those two mean it
   * for), capped at {@link VendorHttpClientOptions.maxRetryAfterSeconds}; epoch ms on the client's
   * clock, or undefined when there is none to honour.
   */
  private honouredRetryAfter(response: Response): number | undefined {
    if (response.status !== 429 && response.status !== 503) return undefined;
    const now = (this.options.now ?? Date.now)();
    const at = retryAfterAt(response.headers.get('retry-after'), now);
    if (at === undefined || at <= now) return undefined;
    const cap = this.options.maxRetryAfterSeconds;
    return cap === undefined ? at : Math.min(at, now + cap * 1000);
  }

  private budgetSpent(budget: { name: string; ms: number }): string {
    const count = this.sent === 1 ? '1 request' : `${this.sent} requests`;
    return `${budget.name} time budget of ${budget.ms / 1000} s spent after ${count}`;
  }

  /** Redacts this connection's secrets from a text. */
  clean(text: string): string {
    return this.secrets.redact(text);
  }

  private async readBody(
    response: Response,
    maxBytes: number,
    context: VendorCallContext,
    timedOut: (what: string) => string,
  ): Promise<string> {
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new VendorProtocolError(
        `${context.request} answered ${declared} bytes, more than the ${maxBytes} allowed`,
        { ...context, statusCode: response.status },
      );
    }
    if (!response.body) return '';
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let received = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        if (received > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new VendorProtocolError(
            `${context.request} answered more than the ${maxBytes} bytes allowed`,
            { ...context, statusCode: response.status },
          );
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof VendorProtocolError) throw error;
      const reason = isTimeout(error) ? timedOut('body not received') : describeCause(error);
      throw new VendorTransportError(this.clean(`${context.request} broke off: ${reason}`), context, {
        cause: error,
      });
    }
    return decodeBody(Buffer.concat(chunks), response.headers.get('content-type'));
  }
}

/**
 * The body as text in the charset the vendor declared (Content-Type, else an XML declaration),
 * UTF-8 otherwise. A byte order mark is dropped: JSON.parse and XML parsers refuse one, and
 * Windows-hosted vendor servers send it.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null): string {
  const declared =
    /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1] ??
    /^\s*<\?xml[^>]*\sencoding\s*=\s*["']([\w.:-]+)["']/i.exec(
      Buffer.from(bytes.subarray(0, 200)).toString('latin1'),
    )?.[1];
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(declared ?? 'utf-8');
  } catch {
    // An unknown label: UTF-8 is what nearly every vendor means.
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
}

/**
 * Whatever authenticates a request is a secret, whichever adapter built it: the Authorization
 * value (whole, and the credentials after the scheme word) and each cookie's value. A safety net
 * under the adapters' own registrations.
 */
function registerSentCredentials(secrets: SecretRegistry, headers: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') registerAuthorization(secrets, value);
    else if (lower === 'cookie') registerCookieValues(secrets, value);
  }
}

/** `Bearer abc`: the whole value, and `abc` alone in case a vendor echoes just the token. */
function registerAuthorization(secrets: SecretRegistry, value: string): void {
  secrets.add(value);
  const space = value.indexOf(' ');
  if (space > 0) secrets.add(value.slice(space + 1).trim());
}

/** `a=1; session=xyz`: each value; the cookie names are no secret. */
function registerCookieValues(secrets: SecretRegistry, value: string): void {
  for (const pair of value.split(';')) {
    const equals = pair.indexOf('=');
    if (equals > 0) secrets.add(pair.slice(equals + 1).trim());
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code} (${cause.message})` : cause.message;
  }
  return error.message;
}
