import {
  ConfigurationError,
  IdempotencyConflictError,
  InvalidInputError,
  JobNotFoundError,
  UnknownConnectionError,
} from '../jobs/errors.js';
import { TooManyWaitersError } from '../store/store-errors.js';
import { DeadlineConflictError } from '../watch/duration.js';
import { JobAlreadyFinalError } from '../watch/rewatch.js';

/** An RFC 9457 problem document. `type` is stable per kind of error; clients may switch on it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Field-by-field reasons for a 400. */
  errors?: readonly string[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const problemType = (slug: string): string => `urn:jobwatch:problem:${slug}`;

export const PROBLEM_TYPES = {
  invalidRequest: problemType('invalid-request'),
  unknownConnection: problemType('unknown-connection'),
  jobNotFound: problemType('job-not-found'),
  routeNotFound: problemType('route-not-found'),
  methodNotAllowed: problemType('method-not-allowed'),
  idempotencyConflict: problemType('idempotency-conflict'),
  deadlineConflict: problemType('deadline-conflict'),
  jobFinal: problemType('job-final'),
  tooManyWaiters: problemType('too-many-waiters'),
  payloadTooLarge: problemType('payload-too-large'),
  unsupportedMediaType: problemType('unsupported-media-type'),
  /** Below the API: the request is not HTTP the server can read (local server only). */
  malformedRequest: problemType('malformed-request'),
  headersTooLarge: problemType('headers-too-large'),
  requestTimeout: problemType('request-timeout'),
  expectationFailed: problemType('expectation-failed'),
  unauthorized: problemType('unauthorized'),
  internal: problemType('internal-error'),
} as const;

/** An HTTP-level refusal raised by the API layer itself (route, size, media type). */
export class HttpProblemError extends Error {
  override name = 'HttpProblemError';
  constructor(
    readonly problem: Problem,
    /** The `Allow` header of a 405: the methods the path answers. */
    readonly allow?: string,
  ) {
    super(problem.detail ?? problem.title);
    this.name = 'HttpProblemError';
  }
}

/**
 * Decides what a client sees for an error. Domain code throws; only this edge decides: 4xx are
 * explained, anything else becomes a generic 500 (the details go to the log, not the client).
 */
export function problemFor(error: unknown): Problem {
  if (error instanceof HttpProblemError) return error.problem;
  if (error instanceof UnknownConnectionError) {
    return {
      type: PROBLEM_TYPES.unknownConnection,
      title: 'Unknown connection',
      status: 400,
      detail: error.message,
    };
  }
  if (error instanceof InvalidInputError) {
    return {
      type: PROBLEM_TYPES.invalidRequest,
      title: 'Invalid request',
      status: 400,
      detail: error.message,
      ...(error.issues.length ? { errors: error.issues } : {}),
    };
  }
  if (error instanceof JobNotFoundError) {
    return { type: PROBLEM_TYPES.jobNotFound, title: 'Job not found', status: 404, detail: error.message };
  }
  if (error instanceof DeadlineConflictError) {
    return {
      type: PROBLEM_TYPES.deadlineConflict,
      title: 'Watch running with another deadline',
      status: 409,
      detail: error.message,
    };
  }
  if (error instanceof IdempotencyConflictError) {
    return {
      type: PROBLEM_TYPES.idempotencyConflict,
      title: 'Idempotency key reused',
      status: 409,
      detail: error.message,
    };
  }
  if (error instanceof JobAlreadyFinalError) {
    return { type: PROBLEM_TYPES.jobFinal, title: 'Job already ended', status: 409, detail: error.message };
  }
  if (error instanceof TooManyWaitersError) {
    return {
      type: PROBLEM_TYPES.tooManyWaiters,
      title: 'Too many waiters',
      status: 409,
      detail: error.message,
    };
  }
  // middy's router signals unknown routes with an http-errors style 404.
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (statusCode === 404) {
    return { type: PROBLEM_TYPES.routeNotFound, title: 'Not found', status: 404, detail: 'No such route' };
  }
  if (error instanceof ConfigurationError) {
    return { type: PROBLEM_TYPES.internal, title: 'Service misconfigured', status: 500 };
  }
  return { type: PROBLEM_TYPES.internal, title: 'Internal error', status: 500 };
}
