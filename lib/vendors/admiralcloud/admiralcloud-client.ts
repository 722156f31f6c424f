import type { VendorResponse } from '../../http/vendor-http-client.js';
import { VendorAuthError, type VendorProtocolError } from '../../jobs/errors.js';
import type { AdapterContext } from '../vendor-adapter.js';
import type { AdmiralCloudCredentials, AdmiralCloudOptions } from './admiralcloud-options.js';
import { type ActivityEntry, AdmiralCloudErrorBodySchema, parseActivities } from './admiralcloud-schema.js';
import { requestTimestamp, signAdmiralCloudRequest } from './admiralcloud-signature.js';
import {
  candidateForms,
  SchemeMemory,
  type SchemeRequest,
  type SignedForm,
  type SigningScheme,
} from './admiralcloud-signing-scheme.js';

type Context = AdapterContext<AdmiralCloudOptions>;

interface SignedCall {
  method: 'GET' | 'DELETE';
  /** A path template relative to the base URL. */
  template: string;
  /** Route parameters: filled into the template. */
  route: Record<string, string>;
  /** The route parameters under the names the API's router gives them, when they differ. */
  routerRoute?: Record<string, string>;
  query?: Record<string, string>;
  action: string;
}

/** An answer with a status under 300, or a JSON error body. */
export type SignedAnswer =
  | { ok: true; status: number; body: unknown; response: VendorResponse }
  | { ok: false; status: number; message: string | undefined; response: VendorResponse };

/** The schemes servers accepted, for the life of this process (a Lambda container's too). */
const schemeMemory = new SchemeMemory();

/**
 * Ids are limited to letters, digits, `_ . : -` (see the reference schema). All of them may
 * stand in a path segment as they are, `:` included, so they are sent unencoded: the path a
 * server hashes for v2 is then the same whether it reads the raw or the decoded path.
 */
function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':');
}

function fillTemplate(template: string, route: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = route[name];
    return value === undefined ? whole : encodeSegment(value);
  });
}

/**
 * The path relative to the base URL. AdmiralCloud's examples poll
 * `https://api.admiralcloud.com/v5/activity/jobResult/{jobId}` [CODE]: some operators take
 * `https://api.admiralcloud.com/` as the base URL, others `…/v5/`. When the base already ends in
 * the API version our path starts with, the version is not repeated.
 *
 * @example relativePath(new URL('http://h/v5/'), 'v5/activity') // 'activity'
 */
export function relativePath(base: URL, path: string): string {
  const version = /^(v\d+)\//i.exec(path)?.[1];
  if (version && base.pathname.toLowerCase().endsWith(`/${version.toLowerCase()}/`)) {
    return path.slice(version.length + 1);
  }
  return path;
}

/** The credentials, already validated by the adapter's schema when the connection was loaded. */
function credentialsOf(context: Context): AdmiralCloudCredentials {
  const { accessKey, accessSecret, clientId, identifier } = context.credentials;
  return { accessKey: accessKey ?? '', accessSecret: accessSecret ?? '', clientId, identifier };
}

/** The vendor's message from an error body: `message` [CODE], else `error` or `detail`. */
function messageOf(body: unknown): string | undefined {
  const parsed = AdmiralCloudErrorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { message, error, detail } = parsed.data;
  for (const candidate of [message, error, detail]) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.slice(0, 300);
  }
  return undefined;
}

/** The vendor's `message` from a body excerpt, if the excerpt is the JSON error body. */
function vendorMessage(excerpt: string | undefined): string | undefined {
  if (!excerpt) return undefined;
  try {
    return messageOf(JSON.parse(excerpt));
  } catch {
    return undefined;
  }
}

function authAdvice(message: string | undefined): string {
  if (/rtsDeviation/i.test(message ?? '')) {
    return ": the request time was more than 10 s off AdmiralCloud's clock — check this machine's clock (NTP)";
  }
  if (/hashMismatch/i.test(message ?? '')) {
    return ": check accessSecret and the connection's signatureVersion / signNumericParamsAsNumbers";
  }
  return '';
}

/**
 * Whether another reading of the scheme could help: not when the request was unsigned, late,
 * or the key unknown — only when the hash itself was refused (or the server would not say).
 */
function mayBeOtherScheme(error: VendorAuthError): boolean {
  if (error.context.statusCode !== 401) return false;
  const message = vendorMessage(error.context.bodyExcerpt) ?? '';
  return !/rtsDeviation|hashMissing|accessKey/i.test(message);
}

function headersFor(credentials: AdmiralCloudCredentials, form: SignedForm): Record<string, string> {
  // Wall-clock seconds, never context.now(): the server checks rts against its real clock.
  const signature = signAdmiralCloudRequest({
    accessSecret: credentials.accessSecret,
    target: form.target,
    payload: form.payload,
    timestamp: requestTimestamp(),
  });
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-admiralcloud-accesskey': credentials.accessKey,
    'x-admiralcloud-rts': String(signature.timestamp),
    'x-admiralcloud-hash': signature.hash,
    // Tells a server that knows both schemes which one to check [INF: newer servers read it].
    'x-admiralcloud-version': String(form.scheme.version),
  };
  if (credentials.clientId) headers['x-admiralcloud-clientid'] = credentials.clientId;
  if (credentials.identifier) headers['x-admiralcloud-identifier'] = credentials.identifier;
  return headers;
}

/** The signed headers, the signature registered as a secret: it stands for the access secret while valid. */
function signedHeaders(
  context: Context,
  credentials: AdmiralCloudCredentials,
  form: SignedForm,
): Record<string, string> {
  const headers = headersFor(credentials, form);
  context.http.secrets.add(headers['x-admiralcloud-hash']);
  return headers;
}

/**
 * Sends one request, signed the way this server accepts. The route and query parameters are
 * the signed payload, as AdmiralCloud's own examples sign `{ jobId }` for
 * `GET /v5/activity/jobResult/{jobId}` [CODE]. When the server refuses the hash, the other
 * readings of the scheme are tried once (see admiralcloud-signing-scheme.ts) and the accepted
 * one is kept. A refusal comes back as a {@link VendorAuthError} that names AdmiralCloud's reason.
 */
async function sendSigned(
  context: Context,
  call: SignedCall,
  path: string,
  url: URL,
): Promise<VendorResponse> {
  const credentials = credentialsOf(context);
  const { options } = context;
  const configured: SigningScheme = {
    version: options.signatureVersion,
    numbersAsNumbers: options.signNumericParamsAsNumbers,
    route: 'router',
  };
  const memoryKey = [
    context.connection.name,
    context.http.baseUrl.href,
    credentials.accessKey,
    call.action,
  ].join('\n');
  const request: SchemeRequest = {
    action: call.action,
    path: url.pathname,
    query: call.query ?? {},
    route: call.route,
    routerRoute: call.routerRoute,
  };
  const learned = options.signatureFallback ? schemeMemory.accepts(memoryKey) : undefined;
  const forms = candidateForms(learned ?? configured, request);
  const tries = options.signatureFallback && !schemeMemory.isExhausted(memoryKey) ? forms : forms.slice(0, 1);

  let firstRefusal: VendorAuthError | undefined;
  for (const form of tries) {
    try {
      const response = await context.http.request({
        method: call.method,
        url: path,
        query: call.query,
        headers: signedHeaders(context, credentials, form),
      });
      if (firstRefusal) schemeMemory.remember(memoryKey, form.scheme);
      return response;
    } catch (error) {
      if (!(error instanceof VendorAuthError)) throw error;
      firstRefusal ??= error;
      if (!mayBeOtherScheme(error)) break;
    }
  }
  if (tries.length > 1) schemeMemory.markExhausted(memoryKey);
  const refusal = firstRefusal as VendorAuthError;
  const message = vendorMessage(refusal.context.bodyExcerpt);
  throw new VendorAuthError(
    context.http.clean(
      `AdmiralCloud refused ${call.method} ${url.pathname} (${refusal.context.statusCode ?? 'auth'}): ${message ?? 'credentials refused'}${authAdvice(message)}`,
    ),
    refusal.context,
    { cause: refusal },
  );
}

async function signedCall(context: Context, call: SignedCall): Promise<SignedAnswer> {
  const path = relativePath(context.http.baseUrl, fillTemplate(call.template, call.route));
  const url = context.http.resolve(path);
  const response = await sendSigned(context, call, path, url);

  if (response.status < 300) {
    // No Content: the server has nothing to say, which for jobResult is the documented `{}`.
    if (response.status === 204) return { ok: true, status: response.status, body: {}, response };
    return { ok: true, status: response.status, body: context.http.parseJson(response), response };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch (error) {
    // An HTML page on a 404 means a wrong path or base URL, not a job the vendor forgot.
    throw context.http.protocolError(
      response,
      `answered ${response.status} with a body that is not AdmiralCloud's JSON error (check the base URL and paths)`,
      error,
    );
  }
  return { ok: false, status: response.status, message: messageOf(parsed), response };
}

/**
 * `GET v5/activity/jobResult/{jobId}`.
 *
 * @example const answer = await getJobResult(context, 'a1b2'); // answer.ok && answer.body → { ok: true }
 */
export function getJobResult(context: Context, jobId: string): Promise<SignedAnswer> {
  return signedCall(context, {
    method: 'GET',
    template: context.options.jobResultPath,
    route: { jobId },
    action: 'jobResult',
  });
}

/**
 * The activities visible to this API user (find doubles as the user's heartbeat: harmless).
 *
 * @example const activities = await findActivities(context); // [{ id: '7', jobId: 'a1b2', percent: 40, ... }]
 */
export async function findActivities(context: Context): Promise<ActivityEntry[]> {
  const answer = await signedCall(context, {
    method: 'GET',
    template: context.options.activitiesPath,
    route: {},
    query: context.options.activityQuery,
    action: 'find',
  });
  if (!answer.ok) {
    throw context.http.protocolError(
      answer.response,
      `answered ${answer.status} to the activity listing: ${answer.message ?? 'no message'}`,
    );
  }
  const parsed = parseActivities(answer.body);
  if (!parsed) {
    throw context.http.protocolError(answer.response, 'answered an activity listing of an unknown shape');
  }
  return parsed.activities;
}

/**
 * Destroys one activity (`DELETE v5/activity/{activityId}` [INF]).
 *
 * @example const answer = await destroyActivity(context, '7'); // answer.ok
 */
export function destroyActivity(context: Context, activityId: string): Promise<SignedAnswer> {
  return signedCall(context, {
    method: 'DELETE',
    template: context.options.destroyActivityPath,
    route: { activityId },
    // The router names it `id`, like the REST routes of its other controllers [INF].
    routerRoute: { id: activityId },
    action: 'destroy',
  });
}

/**
 * Whether an error answer names a route the server does not have (a wrong base URL or path):
 * that is never an answer about a job.
 *
 * @example isUnknownRoute({ status: 404, message: 'error_routeNotFound' }) // true
 */
export function isUnknownRoute(answer: { status: number; message: string | undefined }): boolean {
  return answer.status === 405 || /route|cannot (get|delete)|endpoint/i.test(answer.message ?? '');
}

/**
 * Whether an error answer means "no such job / activity".
 *
 * @example isNotFound({ status: 400, message: 'error_jobNotFound' }) // true
 */
export function isNotFound(answer: { status: number; message: string | undefined }): boolean {
  if (isUnknownRoute(answer)) return false;
  return answer.status === 404 || answer.status === 410 || /not_?found/i.test(answer.message ?? '');
}

/**
 * Whether an error answer to jobResult means "not yet": the result "can only be fetched after
 * activity's progress for this job is 100%" [DOC], and a server may say so with an error rather
 * than the `{ ok: true }` AdmiralCloud's examples poll for [INF].
 *
 * @example isNotReady({ status: 400, message: 'error_jobNotCompleted' }) // true
 */
export function isNotReady(answer: { status: number; message: string | undefined }): boolean {
  return /not_?(yet_?)?(ready|completed?|finished|done|available)|in_?progress|pending|still_?running/i.test(
    answer.message ?? '',
  );
}

/** A protocol error for an error answer that is not a "not found". */
export function unexpectedAnswer(context: Context, answer: SignedAnswer, what: string): VendorProtocolError {
  const message = answer.ok ? 'an unexpected answer' : (answer.message ?? 'no message');
  return context.http.protocolError(answer.response, `answered ${answer.status} to ${what}: ${message}`);
}
