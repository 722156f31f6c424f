import type { VendorResponse } from '../../http/vendor-http-client.js';
import { VendorAuthError, type VendorProtocolError } from '../../jobs/errors.js';
import type { AdapterContext } from '../vendor-adapter.js';
import type { AdmiralCloudCredentials, AdmiralCloudOptions } from './admiralcloud-options.js';
import { type ActivityEntry, AdmiralCloudErrorBodySchema, parseActivities } from './admiralcloud-schema.js';
import { requestTimestamp, type SignatureTarget, signAdmiralCloudRequest } from './admiralcloud-signature.js';

type Context = AdapterContext<AdmiralCloudOptions>;

/** The activity controller's actions, for v1 signatures (`activity` / `jobResult` is [CODE]). */
const CONTROLLER = 'activity';

interface SignedCall {
  method: 'GET' | 'DELETE';
  /** A path template relative to the base URL. */
  template: string;
  /** Route parameters: filled into the template. */
  route: Record<string, string>;
  /** The route parameters under the names the API's router gives them, when they differ. */
  signedRoute?: Record<string, string>;
  query?: Record<string, string>;
  action: string;
}

/** An answer with a status under 300, or a JSON error body. */
export type SignedAnswer =
  | { ok: true; status: number; body: unknown; response: VendorResponse }
  | { ok: false; status: number; message: string | undefined; response: VendorResponse };

function fillTemplate(template: string, route: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = route[name];
    return value === undefined ? whole : encodeURIComponent(value);
  });
}

/** The credentials, already validated by the adapter's schema when the connection was loaded. */
function credentialsOf(context: Context): AdmiralCloudCredentials {
  const { accessKey, accessSecret, clientId, identifier } = context.credentials;
  return { accessKey: accessKey ?? '', accessSecret: accessSecret ?? '', clientId, identifier };
}

/** The vendor's `message` from a body excerpt, if the excerpt is the JSON error body. */
function vendorMessage(excerpt: string | undefined): string | undefined {
  if (!excerpt) return undefined;
  try {
    const parsed = AdmiralCloudErrorBodySchema.safeParse(JSON.parse(excerpt));
    return parsed.success ? (parsed.data.message ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}

function authAdvice(message: string | undefined): string {
  if (message?.endsWith('_rtsDeviation')) {
    return ": the request time was more than 10 s off AdmiralCloud's clock — check this machine's clock";
  }
  if (message?.endsWith('_hashMismatch')) {
    return ": check accessSecret and the connection's signatureVersion";
  }
  return '';
}

/**
 * Sends one signed request. The route and query parameters are the signed payload, as
 * AdmiralCloud's own examples sign `{ jobId }` for `GET /v5/activity/jobResult/{jobId}` [CODE].
 * A 401/403 comes back as a {@link VendorAuthError} that names AdmiralCloud's reason.
 */
async function signedCall(context: Context, call: SignedCall): Promise<SignedAnswer> {
  const credentials = credentialsOf(context);
  const { options } = context;
  const path = fillTemplate(call.template, call.route);
  const url = context.http.resolve(path);
  const payload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({ ...call.query, ...(call.signedRoute ?? call.route) })) {
    payload[key] =
      options.signNumericParamsAsNumbers && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : value;
  }
  const target: SignatureTarget =
    options.signatureVersion === 1
      ? { version: 1, controller: CONTROLLER, action: call.action }
      : { version: 2, path: url.pathname };
  // Wall-clock seconds, never context.now(): the server checks rts against its real clock.
  const signature = signAdmiralCloudRequest({
    accessSecret: credentials.accessSecret,
    target,
    payload,
    timestamp: requestTimestamp(),
  });
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-admiralcloud-accesskey': credentials.accessKey,
    'x-admiralcloud-rts': String(signature.timestamp),
    'x-admiralcloud-hash': signature.hash,
    // Tells a server that knows both schemes which one to check [INF: newer servers read it].
    'x-admiralcloud-version': String(options.signatureVersion),
  };
  if (credentials.clientId) headers['x-admiralcloud-clientid'] = credentials.clientId;
  if (credentials.identifier) headers['x-admiralcloud-identifier'] = credentials.identifier;

  let response: VendorResponse;
  try {
    response = await context.http.request({ method: call.method, url: path, query: call.query, headers });
  } catch (error) {
    if (error instanceof VendorAuthError) {
      const message = vendorMessage(error.context.bodyExcerpt);
      throw new VendorAuthError(
        context.http.clean(
          `AdmiralCloud refused ${call.method} ${url.pathname} (${error.context.statusCode ?? 'auth'}): ${message ?? 'credentials refused'}${authAdvice(message)}`,
        ),
        error.context,
        { cause: error },
      );
    }
    throw error;
  }

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
  const body = AdmiralCloudErrorBodySchema.safeParse(parsed);
  return {
    ok: false,
    status: response.status,
    message: body.success ? (body.data.message ?? undefined) : undefined,
    response,
  };
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
    signedRoute: { id: activityId },
    action: 'destroy',
  });
}

/**
 * Whether an error answer means "no such job / activity".
 *
 * @example isNotFound({ status: 400, message: 'error_jobNotFound' }) // true
 */
export function isNotFound(answer: { status: number; message: string | undefined }): boolean {
  return answer.status === 404 || answer.status === 410 || /not_?found/i.test(answer.message ?? '');
}

/** A protocol error for an error answer that is not a "not found". */
export function unexpectedAnswer(context: Context, answer: SignedAnswer, what: string): VendorProtocolError {
  const message = answer.ok ? 'an unexpected answer' : (answer.message ?? 'no message');
  return context.http.protocolError(answer.response, `answered ${answer.status} to ${what}: ${message}`);
}
