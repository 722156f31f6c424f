/**
 * The CLI's errors. Each class is one kind of trouble with its own exit code (see
 * exit-codes.ts), and each message is written to be the one line a user sees on stderr.
 */

export interface CliErrorOptions {
  cause?: unknown;
}

export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, options?: CliErrorOptions) {
    super(message, options);
  }
}

/** The command line asks for something that cannot be done as written. Exit code 2. */
export class UsageError extends CliError {
  override name = 'UsageError';
}

/** An RFC 9457 problem document as the jobwatch API sends it. */
export interface ProblemDetails {
  type?: string | undefined;
  title?: string | undefined;
  status?: number | undefined;
  detail?: string | undefined;
  instance?: string | undefined;
  errors?: readonly string[] | undefined;
}

export interface ApiErrorContext {
  /** `METHOD path`, without the origin (it may be long) or query (it may be long too). */
  request: string;
  status: number;
  problem: ProblemDetails;
  /** The start of a body that was not a problem document, for `--debug`. */
  bodyExcerpt?: string;
}

/**
 * The API answered with an error status. Carries the problem document so callers can switch on
 * its stable `type` rather than on the wording.
 */
export class ApiError extends CliError {
  override name = 'ApiError';
  readonly request: string;
  readonly status: number;
  readonly type: string | undefined;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly errors: readonly string[];
  readonly bodyExcerpt: string | undefined;

  constructor(context: ApiErrorContext, options?: CliErrorOptions) {
    super(problemLine(context.status, context.problem), options);
    this.request = context.request;
    this.status = context.status;
    this.type = context.problem.type;
    this.title = context.problem.title;
    this.detail = context.problem.detail;
    this.errors = context.problem.errors ?? [];
    this.bodyExcerpt = context.bodyExcerpt;
  }

  /** 401 and 403 mean "not you", which deserves its own exit code. */
  get isAuthRefusal(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /** Worth asking again later: the API is overloaded or briefly broken, not refusing us. */
  get isRetryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/**
 * The API could not be reached, or did not answer in time. The message names the API's URL
 * (as {@link safeApiUrl} shows it) so a wrong `--api` is plain to see.
 */
export class TransportError extends CliError {
  override name = 'TransportError';
  readonly request: string;
  readonly apiUrl: string | undefined;
  constructor(request: string, reason: string, options?: CliErrorOptions & { apiUrl?: string }) {
    const where = options?.apiUrl ? ` at ${options.apiUrl}` : '';
    super(`cannot reach the API${where} (${request}): ${reason}`, options);
    this.request = request;
    this.apiUrl = options?.apiUrl;
  }
}

/**
 * The API root as it may be shown: origin and path only, so a `user:password@` or a signed
 * query in `--api` never reaches a terminal or a log.
 *
 * @example safeApiUrl(new URL('https://me:secret@api.example.com/prod?sig=x')) // 'https://api.example.com/prod'
 */
export function safeApiUrl(url: URL): string {
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** The API answered 2xx with a body that is not what its contract promises. */
export class ResponseShapeError extends CliError {
  override name = 'ResponseShapeError';
}

/** The user interrupted a wait (Ctrl-C). Waiting stopped; the watch itself goes on. */
export class InterruptedError extends CliError {
  override name = 'InterruptedError';
}

/** SigV4 was needed but no AWS credentials (or no region) could be found. */
export class SigningError extends CliError {
  override name = 'SigningError';
}

/**
 * Builds the one-line summary of a problem document: the status, the title in lower case, then
 * the field-by-field reasons when there are some (they say exactly what to fix), else the detail.
 *
 * @example problemLine(400, { title: 'Invalid request', errors: ['job.commandId: expected string'] })
 * // '400 invalid request: job.commandId: expected string'
 */
export function problemLine(status: number, problem: ProblemDetails): string {
  const title = (problem.title ?? 'error').toLowerCase();
  const reasons = problem.errors?.length ? problem.errors.join('; ') : problem.detail;
  if (!reasons || reasons.toLowerCase() === title) return `${status} ${title}`;
  return `${status} ${title}: ${reasons}`;
}
