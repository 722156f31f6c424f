import acSignature from 'ac-signature';
import type { VendorResponse } from '../../http/vendor-http-client.js';
import {
  ConfigurationError,
  describeError,
  JobwatchError,
  VendorAuthError,
  type VendorProtocolError,
} from '../../jobs/errors.js';
import type { AdapterContext, CancelOutcome } from '../vendor-adapter.js';
import type { AdmiralCloudCredentials, AdmiralCloudOptions } from './admiralcloud-options.js';
import {
  encodeSegment,
  isMissingListing,
  LISTING_RECHECK_POLLS,
  partsOfJob,
  saysNotReady,
  signedParams,
} from './admiralcloud-quirks.js';
import type { AdmiralCloudReference } from './admiralcloud-reference.js';
import {
  type ActivityEntry,
  classifyJobResult,
  errorMessageOf,
  type JobResultBody,
  parseActivities,
} from './admiralcloud-schema.js';

/**
 * The AdmiralCloud activity controller over signed HTTP. The adapter keeps nothing per connection
 * between calls: every request is signed afresh, and what a job needs next time is its state.
 */
type Context = AdapterContext<AdmiralCloudOptions>;

/** What the signature binds a request to: controller/action (v1) or the path (v2). */
export type SignatureTarget =
  | { version: 1; controller: string; action: string }
  | { version: 2; path: string };

export interface SignatureInput {
  accessSecret: string;
  target: SignatureTarget;
  /** For GET and DELETE: the route and query parameters. */
  payload?: Readonly<Record<string, unknown>>;
  /** Whole unix seconds of the wall clock. */
  timestamp: number;
}

/**
 * Signs one request with AdmiralCloud's own signer, `ac-signature` [CODE]: hex HMAC-SHA256 keyed
 * with the access secret over `lower(controller)\nlower(action)` (v1) or `lower(path)` (v2), then
 * `\n` + rts, then `\n` + the payload's JSON with its keys sorted, only when it has keys.
 *
 * @example
 * const { hash } = signAdmiralCloudRequest({
 *   accessSecret: 'secret',
 *   target: { version: 2, path: '/v5/activity/jobResult/j1' },
 *   payload: { jobId: 'j1' },
 *   timestamp: requestTimestamp(),
 * });
 */
export function signAdmiralCloudRequest(input: SignatureInput): { hash: string; timestamp: number } {
  const { target } = input;
  const params = {
    accessSecret: input.accessSecret,
    payload: { ...input.payload },
    ts: input.timestamp,
    ...(target.version === 1
      ? { controller: target.controller, action: target.action }
      : { path: target.path }),
  };
  const signed = acSignature.sign(params, { version: target.version });
  // The signer answers a word for what it lacks; the credentials schema and our calls rule it out.
  if (typeof signed === 'string') throw new ConfigurationError(`AdmiralCloud request not signed: ${signed}`);
  return { hash: signed.hash, timestamp: signed.timestamp };
}

/**
 * Whole unix seconds of the *wall* clock. The server compares `x-admiralcloud-rts` with its own
 * wall clock [CODE], so a scaled local clock (context.now) must never be used here.
 *
 * @example requestTimestamp(1_700_000_000_999) // 1700000000
 */
export function requestTimestamp(nowMs: number = Date.now()): number {
  return Math.floor(nowMs / 1000);
}

interface SignedCall {
  method: 'GET' | 'DELETE';
  /** A path template relative to the base URL. */
  template: string;
  /** Filled into the template. */
  route: Record<string, string>;
  /** The route parameters as signed: under the names the API's router gives them. */
  signedRoute: Record<string, string>;
  query?: Record<string, string>;
  /** The activity controller's action, for signature v1. */
  action: string;
}

/** An answer with a status under 300, or a JSON error body. */
export type SignedAnswer =
  | { ok: true; status: number; body: unknown; response: VendorResponse }
  | { ok: false; status: number; message: string | undefined; response: VendorResponse };

/** The activity controller, for signature v1 (`activity` / `jobResult` [CODE]). */
const CONTROLLER = 'activity';

function fillTemplate(template: string, route: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = route[name];
    return value === undefined ? whole : encodeSegment(value);
  });
}

/** The credentials, already validated by the adapter's schema when the context was built. */
function credentialsOf(context: Context): AdmiralCloudCredentials {
  const { accessKey = '', accessSecret = '', clientId, identifier } = context.credentials;
  return {
    accessKey,
    accessSecret,
    ...(clientId !== undefined ? { clientId } : {}),
    ...(identifier !== undefined ? { identifier } : {}),
  };
}

/** The signature headers of one request; the hash is registered as a secret while it is valid. */
function signatureHeaders(context: Context, call: SignedCall, url: URL): Record<string, string> {
  const credentials = credentialsOf(context);
  const { signatureVersion, signNumericParamsAsNumbers } = context.options;
  const target: SignatureTarget =
    signatureVersion === 1
      ? { version: 1, controller: CONTROLLER, action: call.action }
      : { version: 2, path: url.pathname };
  const signature = signAdmiralCloudRequest({
    accessSecret: credentials.accessSecret,
    target,
    // The route and query parameters, as AdmiralCloud's examples sign `{ jobId }` for jobResult [CODE].
    payload: signedParams({ ...call.query, ...call.signedRoute }, signNumericParamsAsNumbers),
    timestamp: requestTimestamp(),
  });
  context.http.secrets.add(signature.hash);
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-admiralcloud-accesskey': credentials.accessKey,
    'x-admiralcloud-rts': String(signature.timestamp),
    'x-admiralcloud-hash': signature.hash,
    // Tells the server which version to check [CODE: ac-signature's README].
    'x-admiralcloud-version': String(signatureVersion),
  };
  if (credentials.clientId) headers['x-admiralcloud-clientid'] = credentials.clientId;
  if (credentials.identifier) headers['x-admiralcloud-identifier'] = credentials.identifier;
  return headers;
}

/** The vendor's `message` from a body excerpt, if the excerpt is the JSON error body. */
function vendorMessage(excerpt: string | undefined): string | undefined {
  if (!excerpt) return undefined;
  try {
    return errorMessageOf(JSON.parse(excerpt));
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

/** Sends one signed request; a refusal comes back as a {@link VendorAuthError} naming AdmiralCloud's reason. */
async function sendSigned(context: Context, call: SignedCall, path: string): Promise<VendorResponse> {
  const url = context.http.resolve(path);
  try {
    return await context.http.request({
      method: call.method,
      url: path,
      ...(call.query ? { query: call.query } : {}),
      headers: signatureHeaders(context, call, url),
    });
  } catch (error) {
    if (!(error instanceof VendorAuthError)) throw error;
    const message = vendorMessage(error.context.bodyExcerpt);
    throw new VendorAuthError(
      context.http.clean(
        `AdmiralCloud refused ${call.method} ${url.pathname} (${error.context.statusCode ?? 'auth'}): ${message ?? 'credentials refused'}${authAdvice(message)}`,
      ),
      error.context,
      { cause: error },
    );
  }
}

async function signedCall(context: Context, call: SignedCall): Promise<SignedAnswer> {
  const response = await sendSigned(context, call, fillTemplate(call.template, call.route));
  if (response.status < 300) {
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
  return { ok: false, status: response.status, message: errorMessageOf(parsed), response };
}

/**
 * Whether an error answer names a route the server does not have (a wrong base URL or path):
 * that is never an answer about a job, so a configuration error cannot make a job LOST.
 *
 * @example isUnknownRoute({ status: 404, message: 'error_routeNotFound' }) // true
 */
export function isUnknownRoute(answer: { status: number; message: string | undefined }): boolean {
  return answer.status === 405 || /route|cannot (get|delete)|endpoint/i.test(answer.message ?? '');
}

/**
 * Whether an error answer means "no such job / activity": 404, 410, or an `error_…NotFound`.
 *
 * @example isNotFound({ status: 400, message: 'error_jobNotFound' }) // true
 */
export function isNotFound(answer: { status: number; message: string | undefined }): boolean {
  if (isUnknownRoute(answer)) return false;
  return answer.status === 404 || answer.status === 410 || /not_?found/i.test(answer.message ?? '');
}

/** A protocol error for an error answer that is not a "not found". */
function unexpectedAnswer(context: Context, answer: SignedAnswer, what: string): VendorProtocolError {
  const message = answer.ok ? 'an unexpected answer' : (answer.message ?? 'no message');
  return context.http.protocolError(answer.response, `answered ${answer.status} to ${what}: ${message}`);
}

/** What jobResult said: its body, "not yet" [DOC], or "not found" (with the vendor's words). */
export type JobResultFinding =
  | JobResultBody
  | { kind: 'not-found'; message: string | undefined; status: number }
  | { kind: 'not-ready'; message: string | undefined; status: number };

/**
 * `GET v5/activity/jobResult/{jobId}` [CODE], read. A route the server does not know and any
 * other error answer are protocol errors: they say nothing about the job.
 *
 * @example const finding = await readJobResult(context, 'a1b2'); // { kind: 'pending' }
 */
export async function readJobResult(context: Context, jobId: string): Promise<JobResultFinding> {
  const answer = await signedCall(context, {
    method: 'GET',
    template: context.options.jobResultPath,
    route: { jobId },
    signedRoute: { jobId },
    action: 'jobResult',
  });
  if (answer.ok) return classifyJobResult(answer.body);
  if (saysNotReady(answer.message))
    return { kind: 'not-ready', message: answer.message, status: answer.status };
  if (isUnknownRoute(answer)) {
    throw unexpectedAnswer(
      context,
      answer,
      `jobResult for job ${jobId} (check the base URL and jobResultPath)`,
    );
  }
  if (isNotFound(answer)) return { kind: 'not-found', message: answer.message, status: answer.status };
  throw unexpectedAnswer(context, answer, `jobResult for job ${jobId}`);
}

/**
 * The activities visible to this API user (find doubles as the user's heartbeat [DOC]: harmless).
 *
 * @example const activities = await findActivities(context); // [{ id: '7', jobId: 'a1b2', percent: 40, ... }]
 */
export async function findActivities(context: Context): Promise<ActivityEntry[]> {
  const answer = await signedCall(context, {
    method: 'GET',
    template: context.options.activitiesPath,
    route: {},
    signedRoute: {},
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
  if (!parsed)
    throw context.http.protocolError(answer.response, 'answered an activity listing of an unknown shape');
  return parsed.activities;
}

/** What the activity listing gave this poll. */
export type Listing =
  | { kind: 'listed'; activities: ActivityEntry[] }
  /** The listing failed this time (5xx, garbage, refused): no progress, nothing concluded. */
  | { kind: 'failed'; error: string }
  /** The server has no listing at our path: no progress, ever, unless it appears. */
  | { kind: 'missing'; error?: string };

/**
 * Reads the listing, unless the server answered lately that it has none: `missingPolls` counts
 * the polls since (from the job's state), and the listing is asked again every
 * {@link LISTING_RECHECK_POLLS} polls. Answers the new count (undefined while the listing works).
 *
 * @example const { listing } = await readListing(context, undefined); // { kind: 'listed', activities }
 */
export async function readListing(
  context: Context,
  missingPolls: number | undefined,
): Promise<{ listing: Listing; missingPolls: number | undefined }> {
  if (missingPolls !== undefined && missingPolls < LISTING_RECHECK_POLLS) {
    return { listing: { kind: 'missing' }, missingPolls: missingPolls + 1 };
  }
  try {
    return {
      listing: { kind: 'listed', activities: await findActivities(context) },
      missingPolls: undefined,
    };
  } catch (error) {
    // The listing only adds progress: jobResult has already answered, so the poll stands.
    if (!(error instanceof JobwatchError)) throw error;
    const message = describeError(error).message;
    if (isMissingListing(error)) return { listing: { kind: 'missing', error: message }, missingPolls: 1 };
    return { listing: { kind: 'failed', error: message }, missingPolls };
  }
}

/**
 * Destroys one activity (`DELETE v5/activity/{activityId}`, signed as `{ id }` — the name
 * `ac-signature`'s README signs `GET /v1/user/123` with [CODE]).
 *
 * @example const answer = await destroyActivity(context, '7'); // answer.ok
 */
export function destroyActivity(context: Context, activityId: string): Promise<SignedAnswer> {
  return signedCall(context, {
    method: 'DELETE',
    template: context.options.destroyActivityPath,
    route: { activityId },
    signedRoute: { id: activityId },
    action: 'destroy',
  });
}

/**
 * The activities to destroy: the one named, else the job's parts as listed, else as remembered
 * at the last poll. `none` says why there are none.
 */
async function activitiesToDestroy(
  context: Context,
  reference: AdmiralCloudReference,
  remembered: readonly string[],
): Promise<{ ids: string[]; none?: string }> {
  const { jobId, activityId } = reference;
  if (activityId !== undefined) return { ids: [activityId] };
  try {
    const parts = partsOfJob(await findActivities(context), jobId);
    return {
      ids: parts.map((part) => part.id).filter((id) => id !== undefined),
      none: `No activity of AdmiralCloud job ${jobId} is listed for this API user: nothing to destroy`,
    };
  } catch (error) {
    if (error instanceof JobwatchError && remembered.length > 0) return { ids: [...remembered] };
    if (isMissingListing(error)) {
      return {
        ids: [],
        none: `This AdmiralCloud server offers no activity listing at ${context.options.activitiesPath}, so the activity of job ${jobId} cannot be found: give its activityId in the reference to destroy it`,
      };
    }
    throw error;
  }
}

/** Destroys each activity; one already gone (404) is not an error. Answers those destroyed. */
async function destroyAll(context: Context, ids: readonly string[]): Promise<string[]> {
  const destroyed: string[] = [];
  for (const id of ids) {
    const answer = await destroyActivity(context, id);
    if (answer.ok) destroyed.push(id);
    else if (!isNotFound(answer)) throw unexpectedAnswer(context, answer, `destroying activity ${id}`);
  }
  return destroyed;
}

/**
 * Cancels a job by destroying its activities, as a user cancelling an upload does [DOC]. A job
 * that has completed, or that AdmiralCloud no longer knows, is left alone.
 *
 * @example const outcome = await cancelJob(context, { jobId: 'a1b2' }, []); // { cancelled: true, ... }
 */
export async function cancelJob(
  context: Context,
  reference: AdmiralCloudReference,
  remembered: readonly string[],
): Promise<CancelOutcome> {
  const { jobId } = reference;
  const finding = await readJobResult(context, jobId);
  if (finding.kind === 'empty' || finding.kind === 'result') {
    return { cancelled: false, message: `AdmiralCloud job ${jobId} has already completed` };
  }
  const known = finding.kind !== 'not-found';
  const gone = `AdmiralCloud no longer knows job ${jobId}: nothing to destroy`;
  const { ids, none } = await activitiesToDestroy(context, reference, remembered);
  if (ids.length === 0) return { cancelled: false, message: known ? (none ?? gone) : gone };
  const destroyed = await destroyAll(context, ids);
  if (destroyed.length === 0) {
    return {
      cancelled: false,
      message: known ? `The activities of AdmiralCloud job ${jobId} were already gone` : gone,
    };
  }
  return {
    cancelled: true,
    message: `AdmiralCloud destroyed activit${destroyed.length === 1 ? 'y' : 'ies'} ${destroyed.join(', ')} of job ${jobId}`,
  };
}
