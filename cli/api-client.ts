import { z } from 'zod';
import { JobSchema } from '../lib/jobs/job.js';
import type { JobStatus } from '../lib/jobs/job-status.js';
import type { WatchRequest } from '../lib/jobs/watch-request.js';
import {
  ApiError,
  type ProblemDetails,
  ResponseShapeError,
  safeApiUrl,
  TransportError,
  UsageError,
} from './errors.js';
import type { RequestSigner } from './sigv4.js';

/**
 * A job as the API returns it. Loose on purpose: fields a newer API adds pass through to `--json`
 * untouched, and a vendor this CLI does not know yet is still shown rather than refused.
 */
export const ApiJobSchema = JobSchema.omit({ adapterState: true, requestHash: true, progressAnchor: true })
  .extend({ vendor: z.string() })
  .loose();
export type ApiJob = z.infer<typeof ApiJobSchema>;

export const JobPageSchema = z.object({ items: z.array(ApiJobSchema), next: z.string().optional() }).loose();
export type JobPage = z.infer<typeof JobPageSchema>;

export const CancelResultSchema = z
  .object({ job: ApiJobSchema, vendorCancelled: z.boolean(), message: z.string().optional() })
  .loose();
export type CancelResult = z.infer<typeof CancelResultSchema>;

export const ConnectionSchema = z.object({ name: z.string(), vendor: z.string() }).loose();
export type ApiConnection = z.infer<typeof ConnectionSchema>;
const ConnectionListSchema = z.object({ items: z.array(ConnectionSchema) }).loose();

const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    instance: z.string(),
    errors: z.array(z.string()),
  })
  .partial()
  .loose();

/** Filters of `GET /jobs`, named as the CLI names them. */
export interface ListFilters {
  statuses?: readonly JobStatus[];
  vendor?: string;
  connection?: string;
  updatedSince?: string;
  updatedUntil?: string;
  limit?: number;
  cursor?: string;
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

/** The answer to a conditional `GET /jobs/{id}`. */
export interface JobLookup {
  /** Absent when the API answered 304: the caller's copy is still current. */
  job?: ApiJob;
  etag?: string;
  /** The API's estimate of when the job is next polled, in seconds. */
  retryAfterSeconds?: number;
}

export interface ApiClientOptions {
  /** The API root, including any stage path (`https://…/prod`). */
  baseUrl: string;
  /** Bearer token of a local stack started with `api.token`. */
  token?: string;
  /** SigV4 (or any other) signing, applied last so it covers every header sent. */
  signer?: RequestSigner;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  userAgent?: string;
}

interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Longest body excerpt kept on an error: enough to diagnose, not enough to flood a terminal. */
const BODY_EXCERPT_CHARS = 300;

/**
 * A typed client of the jobwatch HTTP API. Every error status becomes an {@link ApiError} built
 * from the problem document; every 2xx body is checked against the API's contract.
 *
 * @example
 * const client = new ApiClient({ baseUrl: 'http://127.0.0.1:8787' });
 * const { job } = await client.startWatch({ connection: 'avid', job: { commandId: 'c296…' } });
 */
export class ApiClient {
  private readonly baseUrl: URL;
  private readonly fetchImplementation: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: ApiClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.baseUrl);
    } catch {
      throw new UsageError(`--api ${options.baseUrl} is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new UsageError(`--api ${options.baseUrl} must be an http or https URL`);
    }
    this.baseUrl = parsed;
    this.fetchImplementation = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** `POST /jobs`. `created` is false when the same watch already existed (200 instead of 202). */
  async startWatch(request: WatchRequest, signal?: AbortSignal): Promise<{ job: ApiJob; created: boolean }> {
    const response = await this.request('POST', '/jobs', { body: request, ...(signal ? { signal } : {}) });
    return { job: this.parse(ApiJobSchema, response, 'POST /jobs'), created: response.status === 202 };
  }

  /** `GET /jobs/{id}`, conditional on `ifNoneMatch` when given. */
  async getJob(
    jobId: string,
    options: { ifNoneMatch?: string; signal?: AbortSignal } = {},
  ): Promise<JobLookup> {
    const response = await this.request('GET', `/jobs/${encodeURIComponent(jobId)}`, {
      ...(options.ifNoneMatch ? { headers: { 'if-none-match': options.ifNoneMatch } } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const etag = response.headers.get('etag') ?? undefined;
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
    const lookup: JobLookup = {
      ...(etag ? { etag } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    };
    if (response.status === 304) return lookup;
    return { ...lookup, job: this.parse(ApiJobSchema, response, 'GET /jobs/{id}') };
  }

  /** `GET /jobs`: one page, newest change first. */
  async listJobs(filters: ListFilters = {}): Promise<JobPage> {
    const response = await this.request('GET', '/jobs', {
      query: {
        status: filters.statuses?.length ? filters.statuses.join(',') : undefined,
        vendor: filters.vendor,
        connection: filters.connection,
        updatedSince: filters.updatedSince,
        updatedUntil: filters.updatedUntil,
        limit: filters.limit === undefined ? undefined : String(filters.limit),
        cursor: filters.cursor,
      },
    });
    return this.parse(JobPageSchema, response, 'GET /jobs');
  }

  /** `GET /jobs/{id}/history`: one page of snapshots, oldest first. */
  async history(jobId: string, page: PageRequest = {}): Promise<JobPage> {
    const response = await this.request('GET', `/jobs/${encodeURIComponent(jobId)}/history`, {
      query: {
        limit: page.limit === undefined ? undefined : String(page.limit),
        cursor: page.cursor,
      },
    });
    return this.parse(JobPageSchema, response, 'GET /jobs/{id}/history');
  }

  /** `POST /jobs/{id}/cancel`. Idempotent at the API. */
  async cancel(jobId: string, reason?: string): Promise<CancelResult> {
    const response = await this.request('POST', `/jobs/${encodeURIComponent(jobId)}/cancel`, {
      body: reason ? { reason } : {},
    });
    return this.parse(CancelResultSchema, response, 'POST /jobs/{id}/cancel');
  }

  /**
   * `POST /jobs/{id}/rewatch`: a job whose watch stopped is watched again. `restarted` is false
   * when it was being watched already (200 instead of 202); a final job is a 409 ApiError.
   */
  async rewatch(jobId: string, reason?: string): Promise<{ job: ApiJob; restarted: boolean }> {
    const response = await this.request('POST', `/jobs/${encodeURIComponent(jobId)}/rewatch`, {
      body: reason ? { reason } : {},
    });
    return {
      job: this.parse(ApiJobSchema, response, 'POST /jobs/{id}/rewatch'),
      restarted: response.status === 202,
    };
  }

  /** `GET /connections`: names and vendors only. */
  async connections(): Promise<ApiConnection[]> {
    const response = await this.request('GET', '/connections');
    return this.parse(ConnectionListSchema, response, 'GET /connections').items;
  }

  /** The API root as errors and notes show it: no credentials, no query. */
  get apiUrl(): string {
    return safeApiUrl(this.baseUrl);
  }

  private url(path: string, query: Record<string, string | undefined> = {}): URL {
    // Keep a stage path (`/prod`) of the base URL: resolve relative to it, not to the origin.
    // Credentials or a query in `--api` are not sent: the API takes neither, and fetch would
    // repeat credentials in its error message.
    const url = new URL(`${this.apiUrl}${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    return url;
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    options: RequestOptions = {},
  ): Promise<RawResponse> {
    const url = this.url(path, options.query);
    const label = `${method} ${url.pathname}`;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      ...(this.options.userAgent ? { 'user-agent': this.options.userAgent } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      ...options.headers,
    };
    if (this.options.signer) {
      headers = await this.options.signer({ method, url, headers, ...(body !== undefined ? { body } : {}) });
    }
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImplementation(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      // The caller's own abort (Ctrl-C) is not a transport failure: let it through as it is.
      if (options.signal?.aborted) throw error;
      if (timeout.aborted) {
        throw new TransportError(label, `no answer within ${this.timeoutMs / 1000} s`, {
          cause: error,
          apiUrl: this.apiUrl,
        });
      }
      throw new TransportError(label, describeFetchFailure(error), { cause: error, apiUrl: this.apiUrl });
    }
    if (response.status >= 400) throw apiError(label, response.status, text);
    return { status: response.status, headers: response.headers, text };
  }

  private parse<T extends z.ZodType>(schema: T, response: RawResponse, route: string): z.infer<T> {
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch (error) {
      throw new ResponseShapeError(
        `the API answered ${route} with ${response.status} and a body that is not JSON: ${excerpt(response.text)}`,
        { cause: error },
      );
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
        .join('; ');
      throw new ResponseShapeError(`the API's answer to ${route} is not what this CLI expects: ${issues}`, {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }
}

/** Builds the error for a status >= 400, from the problem document when the body is one. */
function apiError(request: string, status: number, text: string): ApiError {
  let problem: ProblemDetails = {};
  let bodyExcerpt: string | undefined;
  try {
    const parsed = ProblemSchema.safeParse(JSON.parse(text));
    if (parsed.success) problem = parsed.data;
    else bodyExcerpt = excerpt(text);
  } catch {
    // Not JSON: a proxy or API Gateway itself answered (e.g. `{"message":"Forbidden"}` is JSON,
    // an HTML 502 page is not). Keep the start of it for --debug.
    bodyExcerpt = excerpt(text);
  }
  if (!problem.title) {
    // API Gateway's own refusals look like `{"message": "..."}`; use that as the detail.
    const gatewayMessage = gatewayMessageOf(text);
    problem = {
      ...problem,
      title: defaultTitle(status),
      ...(problem.detail ? {} : gatewayMessage ? { detail: gatewayMessage } : {}),
    };
  }
  return new ApiError({ request, status, problem, ...(bodyExcerpt ? { bodyExcerpt } : {}) });
}

function gatewayMessageOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { message?: unknown; Message?: unknown };
    const message = body.message ?? body.Message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

function defaultTitle(status: number): string {
  if (status === 401) return 'Unauthorized';
  if (status === 403) return 'Forbidden';
  if (status === 404) return 'Not found';
  if (status === 429) return 'Too many requests';
  if (status >= 500) return 'Server error';
  return 'Request refused';
}

/**
 * Seconds from a `Retry-After` header: delay-seconds or an HTTP date. Undefined when absent or
 * unreadable, so the caller falls back to its own interval.
 *
 * @example parseRetryAfter('5') // 5
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}

function describeFetchFailure(error: unknown): string {
  // undici hides the real reason (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_EXCERPT_CHARS ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…` : flat || '(empty)';
}
