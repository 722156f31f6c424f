import type { VendorResponse } from '../../http/vendor-http-client.js';
import { InvalidInputError, VendorProtocolError } from '../../jobs/errors.js';
import type { Observation } from '../../jobs/job.js';
import { isFinal } from '../../jobs/job-status.js';
import type { AdapterContext, CancelOutcome, VendorAdapter, WatchedJob } from '../vendor-adapter.js';
import { sendAuthorized } from './avid-ctms-client.js';
import { isSafeUnder, safeUrlUnder } from './avid-ctms-links.js';
import {
  AvidCtmsCredentialsSchema,
  type AvidCtmsOptions,
  AvidCtmsOptionsSchema,
  type AvidCtmsReference,
  AvidCtmsReferenceSchema,
  COMMAND_ID_PLACEHOLDER,
} from './avid-ctms-schema.js';
import { commandToObservation, parseCommandResource } from './command-to-observation.js';

type Context = AdapterContext<AvidCtmsOptions>;
type Watched = WatchedJob<AvidCtmsReference>;

/**
 * Refuses, at the moment a watch is requested, a reference whose `href` is outside the
 * connection's base URL — the poll would refuse it anyway, but only as a recurring protocol issue.
 *
 * @example checkAvidReference({ href: 'https://elsewhere/x' }, 'https://mc.example.com/') // throws InvalidInputError
 */
export function checkAvidReference(reference: AvidCtmsReference, baseUrl: string | URL): void {
  if (reference.href !== undefined && !isSafeUnder(new URL(baseUrl), reference.href)) {
    throw new InvalidInputError(
      "Invalid avid-ctms job reference: href is outside the connection's base URL",
      ["job.href: must be under the connection's base URL; jobwatch fetches nothing else"],
    );
  }
}

/** Where the polled URL came from: a LOST verdict on a URL we built ourselves deserves a hint. */
type UrlSource = 'self' | 'href' | 'template';

/** The URL to poll: the command's own self link if we learned one, else the caller's href, else the template. */
function commandUrl(context: Context, job: Watched): { url: string; source: UrlSource } {
  const remembered = job.latest.adapterState?.selfHref;
  const self = typeof remembered === 'string' ? safeUrlUnder(context.http.baseUrl, remembered) : undefined;
  if (self) return { url: self, source: 'self' };
  const { href, commandId } = job.reference;
  if (href !== undefined) {
    const safe = safeUrlUnder(context.http.baseUrl, href);
    if (!safe) {
      throw new VendorProtocolError(
        `The job reference's href points outside the connection's base URL ${context.http.baseUrl.origin}${context.http.baseUrl.pathname}: not fetched`,
        { vendor: context.connection.vendor, connection: context.connection.name },
      );
    }
    return { url: safe, source: 'href' };
  }
  // The schema guarantees one of the two; this keeps the type checker and a future schema honest.
  if (commandId === undefined) throw new InvalidInputError('An avid-ctms reference needs commandId or href');
  return {
    url: context.options.commandUrlTemplate.replace(COMMAND_ID_PLACEHOLDER, encodeURIComponent(commandId)),
    source: 'template',
  };
}

function commandLabel(job: Watched): string {
  return job.reference.commandId ?? job.reference.href?.split('?')[0] ?? job.jobId;
}

function lostObservation(
  job: Watched,
  status: number,
  response: VendorResponse,
  source: UrlSource,
): Observation {
  // Never seen at a URL we built from the template: the template may simply be wrong for this CTMS.
  const neverSeen = source === 'template' && job.latest.observedAt === undefined;
  const hint = neverSeen
    ? ` If the command does exist, the connection's commandUrlTemplate does not match where this CTMS serves commands: set it, or watch with the command's href (its _links.self).`
    : '';
  return {
    status: 'LOST',
    rawStatus: `HTTP ${status}`,
    message: `Avid CTMS no longer knows command ${commandLabel(job)} (HTTP ${status}): a command's status is kept only a few hours, so it has expired or never existed.${hint}`,
    details: { httpStatus: status, url: `${response.url.origin}${response.url.pathname}` },
  };
}

/**
 * Ids compared as CTMS may spell them: UUIDs in either case, in braces or as `urn:uuid:`. A long
 * numeric id sent as a JSON number has lost its last digits to floating point; it matches when
 * the reference's id rounds to the same number.
 */
function sameCommandId(returned: string | number, expected: string): boolean {
  if (typeof returned === 'number' && !Number.isSafeInteger(returned)) return Number(expected) === returned;
  const normalize = (id: string) =>
    id
      .trim()
      .replace(/^urn:uuid:/i, '')
      .replace(/^\{(.*)\}$/, '$1')
      .toLowerCase();
  return normalize(String(returned)) === normalize(expected);
}

/** An empty or blank id is no id: nothing to compare. */
function hasId(id: string | number | null | undefined): id is string | number {
  return typeof id === 'number' || (typeof id === 'string' && id.trim() !== '');
}

function readCommand(context: Context, job: Watched, response: VendorResponse): Observation {
  if (response.status < 200 || response.status >= 300) {
    throw context.http.protocolError(
      response,
      `answered ${response.status} where a command resource was expected`,
    );
  }
  const resource = parseCommandResource(context.http.parseJson(response));
  if (!resource) {
    throw context.http.protocolError(
      response,
      'answered JSON that is not a CTMS command resource (no "command" object)',
    );
  }
  const returnedId = resource.command.id;
  const { commandId } = job.reference;
  if (commandId !== undefined && hasId(returnedId) && !sameCommandId(returnedId, commandId)) {
    // A self link or template pointing at the wrong command must not feed another job's state.
    throw context.http.protocolError(
      response,
      `answered command ${String(returnedId)} for command ${commandId}`,
    );
  }
  const observation = commandToObservation(resource, context.http.baseUrl, response.url);
  if (commandId !== undefined && typeof returnedId === 'number' && !Number.isSafeInteger(returnedId)) {
    // The caller's spelling of a long numeric id is the exact one; the parsed number is rounded.
    return { ...observation, details: { ...observation.details, commandId } };
  }
  return observation;
}

async function poll(context: Context, job: Watched): Promise<Observation> {
  const { url, source } = commandUrl(context, job);
  const response = await sendAuthorized(context, { url });
  if (response.status === 404 || response.status === 410) {
    return lostObservation(job, response.status, response, source);
  }
  return readCommand(context, job, response);
}

/**
 * Cancels through the command's `command:cancel` link, read fresh from the vendor first. Without
 * that link nothing is sent: DELETE on the `self` link is not documented as a cancel and could
 * mean "delete" [INF].
 */
async function cancel(context: Context, job: Watched): Promise<CancelOutcome> {
  const current = await poll(context, job);
  if (isFinal(current.status)) {
    const cause = current.error?.cause ? `, cause ${current.error.cause}` : '';
    return {
      cancelled: false,
      message: `Command ${commandLabel(job)} already ended (${current.rawStatus}${cause}); nothing to cancel`,
    };
  }
  const remembered = current.adapterState?.cancelHref ?? job.latest.adapterState?.cancelHref;
  const cancelHref =
    typeof remembered === 'string' ? safeUrlUnder(context.http.baseUrl, remembered) : undefined;
  if (!cancelHref) {
    return {
      cancelled: false,
      message: `Avid CTMS offers no command:cancel link under the connection's base URL for command ${commandLabel(job)}; not cancelled`,
    };
  }
  const response = await sendAuthorized(context, { method: 'DELETE', url: cancelHref });
  if (response.status >= 200 && response.status < 300) {
    const after = response.text.trim() === '' ? undefined : parseCommandResource(safeJson(response.text));
    const lifecycle = after?.command.lifecycle;
    return {
      cancelled: true,
      message: `Avid CTMS accepted the cancellation of command ${commandLabel(job)}${lifecycle ? ` (lifecycle now ${lifecycle})` : ''}`,
    };
  }
  if (response.status === 404 || response.status === 410) {
    return {
      cancelled: false,
      message: `Avid CTMS no longer knows command ${commandLabel(job)} (HTTP ${response.status}); nothing to cancel`,
    };
  }
  return {
    cancelled: false,
    message: context.http.clean(
      `Avid CTMS refused to cancel command ${commandLabel(job)} (HTTP ${response.status}${vendorErrorText(response.text)})`,
    ),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The human text of a CTMS error answer, if it has one: `: <text>`, bounded. */
function vendorErrorText(text: string): string {
  const body = safeJson(text);
  if (!body || typeof body !== 'object') return '';
  const record = body as Record<string, unknown>;
  const error =
    record.error && typeof record.error === 'object' ? (record.error as Record<string, unknown>) : record;
  const message = [error.text, error.message, record.message, record.errorMessage].find(
    (candidate) => typeof candidate === 'string',
  );
  return typeof message === 'string' ? `: ${message.slice(0, 200)}` : '';
}

/**
 * Watches Avid CTMS long-running commands (`command:command` resources): polls the command's
 * `self` link, maps its lifecycle, reads bulk results, and cancels through `command:cancel`.
 *
 * @example
 * const observation = await avidCtmsAdapter.poll(context, { ...job, reference: { commandId: 'c296fcd5-…' } });
 */
export const avidCtmsAdapter: VendorAdapter<AvidCtmsReference, AvidCtmsOptions> = {
  vendor: 'avid-ctms',
  referenceSchema: AvidCtmsReferenceSchema,
  optionsSchema: AvidCtmsOptionsSchema,
  credentialsSchema: AvidCtmsCredentialsSchema,
  checkReference: (reference, connection) => checkAvidReference(reference, connection.baseUrl),
  poll,
  cancel,
};
