import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { formatIssues } from '../config/connection-registry.js';
import type { Connection } from '../config/connections.js';
import { toPublicConnection } from '../config/connections.js';
import { InvalidInputError, JobNotFoundError } from '../jobs/errors.js';
import { type Job, toPublicJob, VENDORS } from '../jobs/job.js';
import { isFinal, JOB_STATUSES, type JobStatusSchema } from '../jobs/job-status.js';
import { nextPollForJob } from '../polling/job-schedule.js';
import type { PollLedger } from '../store/job-store.js';
import { definedFields } from '../util/defined-fields.js';
import { cancelWatch } from '../watch/cancel-watch.js';
import { rewatch } from '../watch/rewatch.js';
import { startWatch } from '../watch/start-watch.js';
import type { WatchServices } from '../watch/watch-services.js';
import { HttpProblemError, PROBLEM_TYPES } from './problem.js';

/** Request bodies are small JSON documents; anything larger is refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

type Route = (services: WatchServices, event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

const Iso = z.iso.datetime({ offset: true });

export const ListQuerySchema = z
  .object({
    status: z
      .string()
      .transform((value) => value.split(',').map((status) => status.trim().toUpperCase()))
      .pipe(z.array(z.enum(JOB_STATUSES)).min(1))
      .optional(),
    vendor: z.enum(VENDORS).optional(),
    connection: z.string().min(1).max(64).optional(),
    updatedSince: Iso.optional(),
    updatedUntil: Iso.optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .strict();

export const PageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).optional(),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .strict();

export const CancelBodySchema = z.object({ reason: z.string().min(1).max(500).optional() }).strict();
export const RewatchBodySchema = z.object({ reason: z.string().min(1).max(500).optional() }).strict();

export const startJob: Route = async (services, event) => {
  const body = readJsonBody(event);
  const headerKey = header(event, 'idempotency-key');
  const request =
    headerKey && body && typeof body === 'object' && !Array.isArray(body)
      ? { idempotencyKey: headerKey, ...(body as Record<string, unknown>) }
      : body;
  const { job, created } = await startWatch(services, request);
  return json(created ? 202 : 200, toPublicJob(job), { location: `/jobs/${job.jobId}` });
};

/**
 * The latest snapshot. `ETag` names its version, so `If-None-Match` answers 304 while nothing
 * changed; `Retry-After` says when the next poll is due (estimated with the same schedule the
 * poll function uses, without its jitter) so a client polling us need not ask sooner.
 */
export const getJob: Route = async (services, event) => {
  const [stored, ledger] = await Promise.all([
    services.store.getJob(jobIdOf(event)),
    services.store.pollLedger(jobIdOf(event)),
  ]);
  if (!stored) throw new JobNotFoundError(jobIdOf(event));
  const job = withPollLedger(stored, ledger);
  // The ledger moves with every poll, the version only with a change: both name what is shown.
  const etag = `"${job.jobId}.v${job.version}${ledger ? `.p${ledger.polls}` : ''}"`;
  const headers: Record<string, string> = { etag, 'cache-control': 'no-cache', ...serverTime(services) };
  if (!isFinal(job.status)) {
    const retryAfter = nextPollEstimate(services, job);
    if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  }
  if (ifNoneMatch(header(event, 'if-none-match'), etag)) {
    return { statusCode: 304, headers, body: '' };
  }
  return json(200, toPublicJob(job), headers);
};

function ifNoneMatch(headerValue: string | undefined, etag: string): boolean {
  if (!headerValue) return false;
  return headerValue
    .split(',')
    .map((candidate) => candidate.trim().replace(/^W\//, ''))
    .some((candidate) => candidate === '*' || candidate === etag);
}

function nextPollEstimate(services: WatchServices, job: Job): number | undefined {
  let connection: Connection;
  try {
    connection = services.connections.get(job.connection);
  } catch {
    return undefined;
  }
  // Without jitter: the estimate should not change between two identical requests.
  const decision = nextPollForJob(job, connection, services.now(), { random: () => 0.5 });
  return Math.max(1, Math.round(decision.delaySeconds));
}

export const listJobs: Route = async (services, event) => {
  const query = parseQuery(ListQuerySchema, event);
  const page = await services.store.listJobs(
    definedFields({
      statuses: query.status as z.infer<typeof JobStatusSchema>[] | undefined,
      vendor: query.vendor,
      connection: query.connection,
      updatedSince: query.updatedSince,
      updatedUntil: query.updatedUntil,
      limit: query.limit,
      cursor: query.cursor,
    }),
  );
  return json(
    200,
    { items: page.items.map(toPublicJob), ...(page.next ? { next: page.next } : {}) },
    serverTime(services),
  );
};

/**
 * `X-Server-Time`: the clock the timestamps were written by. The dashboard measures "3m ago"
 * and ETAs against it rather than against the viewer's own clock, which may be off (and locally
 * the stack's clock may run compressed).
 */
function serverTime(services: WatchServices): Record<string, string> {
  return { 'x-server-time': services.now().toISOString() };
}

export const jobHistory: Route = async (services, event) => {
  const jobId = jobIdOf(event);
  const query = parseQuery(PageQuerySchema, event);
  if (!(await services.store.getJob(jobId))) throw new JobNotFoundError(jobId);
  const page = await services.store.history(
    jobId,
    definedFields({ limit: query.limit, cursor: query.cursor }),
  );
  return json(
    200,
    { items: page.items.map(toPublicJob), ...(page.next ? { next: page.next } : {}) },
    serverTime(services),
  );
};

export const cancelJob: Route = async (services, event) => {
  const body = event.body ? readJsonBody(event) : {};
  const parsed = CancelBodySchema.safeParse(body ?? {});
  if (!parsed.success) throw new InvalidInputError(`Invalid cancel request: ${formatIssues(parsed.error)}`);
  const result = await cancelWatch(
    services,
    jobIdOf(event),
    parsed.data.reason ?? 'cancelled through the API',
  );
  return json(200, {
    job: toPublicJob(result.job),
    vendorCancelled: result.vendorCancelled,
    message: result.message,
  });
};

/**
 * Watches a job again whose watch stopped (or whose execution is gone) while the job is not
 * final: 202 with the job on its new attempt, 200 when it is being watched already, 409 for a
 * final job.
 */
export const rewatchJob: Route = async (services, event) => {
  const body = event.body ? readJsonBody(event) : {};
  const parsed = RewatchBodySchema.safeParse(body ?? {});
  if (!parsed.success) throw new InvalidInputError(`Invalid rewatch request: ${formatIssues(parsed.error)}`);
  const { job, restarted } = await rewatch(services, jobIdOf(event), {
    reason: parsed.data.reason ?? 'Rewatch requested through the API',
  });
  return json(restarted ? 202 : 200, toPublicJob(job), { location: `/jobs/${job.jobId}` });
};

export const listConnections: Route = async (services) =>
  json(200, { items: services.connections.list().map(toPublicConnection) });

export const health: Route = async () => json(200, { status: 'ok' });

function jobIdOf(event: APIGatewayProxyEvent): string {
  const jobId = event.pathParameters?.id;
  if (!jobId || !/^[A-Za-z0-9_-]{1,80}$/.test(jobId)) {
    throw new InvalidInputError('The job id in the path is not a job id');
  }
  return jobId;
}

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found?.[1] ?? undefined;
}

function parseQuery<T extends z.ZodType>(schema: T, event: APIGatewayProxyEvent): z.infer<T> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) {
    throw new InvalidInputError(
      `Invalid query: ${formatIssues(parsed.error)}`,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`),
    );
  }
  return parsed.data;
}

function readJsonBody(event: APIGatewayProxyEvent): unknown {
  const raw =
    event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (raw && Buffer.byteLength(raw) > MAX_BODY_BYTES) {
    throw new HttpProblemError({
      type: PROBLEM_TYPES.payloadTooLarge,
      title: 'Payload too large',
      status: 413,
      detail: `Request bodies are limited to ${MAX_BODY_BYTES} bytes`,
    });
  }
  const contentType = header(event, 'content-type');
  if (contentType && !/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new HttpProblemError({
      type: PROBLEM_TYPES.unsupportedMediaType,
      title: 'Unsupported media type',
      status: 415,
      detail: 'Send application/json',
    });
  }
  if (!raw) throw new InvalidInputError('A JSON body is required');
  try {
    return JSON.parse(raw);
  } catch {
    throw new InvalidInputError('The body is not valid JSON');
  }
}

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * The job with its poll ledger's live counts (`polls`, `lastPolledAt`, `nextPollAt`, `execution`)
 * over what the latest stored change recorded; a final job has no next poll, whatever was planned.
 */
function withPollLedger(job: Job, ledger: PollLedger | undefined): Job {
  if (!ledger) return job;
  const { nextPollAt, ...counted } = ledger;
  const { nextPollAt: _planned, ...rest } = job;
  return { ...rest, ...counted, ...(nextPollAt && !isFinal(job.status) ? { nextPollAt } : {}) };
}
