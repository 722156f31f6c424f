import type { JobErrorInfo, Observation } from '../../jobs/job.js';
import { latestOf, parseAvidDate } from './avid-ctms-dates.js';
import { commandLinks } from './avid-ctms-links.js';
import { type CommandResource, CommandResourceSchema } from './avid-ctms-schema.js';
import { mapAvidLifecycle } from './map-avid-ctms-status.js';
import { type BulkSummary, summarizeBulkResult } from './summarize-bulk-result.js';

/**
 * Reads a parsed JSON body as a command:command resource; `undefined` when it is not one (no
 * `command` object), so the caller can raise a protocol error naming the request.
 *
 * @example parseCommandResource({ command: { lifecycle: 'running' } })?.command.lifecycle // 'running'
 */
export function parseCommandResource(body: unknown): CommandResource | undefined {
  const parsed = CommandResourceSchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Normalizes one command:command resource into an {@link Observation}: lifecycle → status,
 * bulk results → partial success or failure, `state.text` → message, the error struct kept
 * whole, timestamps to ISO UTC, and the `self` / `command:cancel` links remembered for the next
 * poll when (and only when) they are under the connection's base URL. Relative links are
 * resolved against `documentUrl`, the URL the resource was read from.
 *
 * @example commandToObservation(resource, new URL('https://mc.example.com/')).status // 'RUNNING'
 */
export function commandToObservation(
  resource: CommandResource,
  baseUrl: URL,
  documentUrl: URL = baseUrl,
): Observation {
  const { command } = resource;
  const rawStatus = command.lifecycle ?? '(no lifecycle)';
  let status = mapAvidLifecycle(command.lifecycle ?? '', command.error?.cause);
  const details: Record<string, unknown> = {};
  const ended = status === 'FAILED' || status === 'CANCELLED';
  // A command in error may still carry the state text of its last step ("Processing"): the error
  // text is what says what happened.
  const message =
    (ended ? (command.error?.text ?? command.state?.text) : (command.state?.text ?? command.error?.text)) ??
    undefined;
  let partial: boolean | undefined;
  let error: JobErrorInfo | undefined;

  if (ended) error = commandError(command.error);

  // The documentation spells the state's parameter map both `params` and `param`.
  const stateParams = { ...command.state?.param, ...command.state?.params };
  const bulk = summarizeBulkResult(resource.payload?.result, stateParams);
  if (bulk) {
    details.bulk = bulk;
    if (status === 'SUCCEEDED' && bulk.failed > 0) {
      // A finished bulk command is only as good as its items.
      if (bulk.failed === bulk.total) {
        status = 'FAILED';
        error = allItemsFailed(bulk);
      } else partial = true;
    }
  }

  const created = parseAvidDate(command.created);
  const modified = parseAvidDate(command.modified);
  const finished = parseAvidDate(command.finished);
  const unreadable = (['created', 'modified', 'finished'] as const).filter(
    (field) => command[field] != null && parseAvidDate(command[field]) === undefined,
  );
  if (unreadable.length > 0) details.unreadableDates = unreadable;

  const links = commandLinks(resource._links, baseUrl, documentUrl);
  if (links.ignored.length > 0) {
    details.ignoredLinks = links.ignored.map(
      (link) => `${link.rel} → ${link.href} (outside the connection's base URL, not followed)`,
    );
  }

  Object.assign(
    details,
    definedOnly({
      commandId: command.id === null || command.id === undefined ? undefined : String(command.id),
      commandType: command.type,
      stateCode: command.state?.code,
      serviceName: command.serviceName,
      serviceInstance: command.serviceInstance,
      serviceVersion: command.serviceVersion,
      host: command.host,
      creator: command.creator,
      createdAt: created,
      finishedAt: finished,
    }),
  );

  const adapterState = definedOnly({ selfHref: links.selfHref, cancelHref: links.cancelHref });
  return definedOnly({
    status,
    rawStatus,
    progress: progressOf(command.progress),
    partial,
    message,
    error,
    vendorUpdatedAt: latestOf(modified, finished) ?? created,
    details: Object.keys(details).length > 0 ? details : undefined,
    // Absent links leave the remembered ones in place (a final command may drop its cancel link).
    adapterState: Object.keys(adapterState).length > 0 ? adapterState : undefined,
  }) as Observation;
}

function commandError(raw: CommandResource['command']['error']): JobErrorInfo {
  const httpCode = Number(raw?.httpCode);
  return definedOnly({
    message: raw?.text ?? raw?.code ?? 'The command ended in lifecycle "error" without error details',
    code: raw?.code ?? undefined,
    cause: raw?.cause ?? undefined,
    httpCode: raw?.httpCode != null && Number.isInteger(httpCode) ? httpCode : undefined,
  }) as JobErrorInfo;
}

function allItemsFailed(bulk: BulkSummary): JobErrorInfo {
  const first = bulk.failures[0];
  return definedOnly({
    message: `All ${bulk.total} items of the bulk command failed${first?.errorMessage ? ` (first: ${first.errorMessage})` : ''}`,
    code: first?.errorCode,
    httpCode: first?.httpStatus,
  }) as JobErrorInfo;
}

/** Progress 0–100 from a number or numeric string (`"42"`, `"42.5 %"`); anything else is no progress. */
function progressOf(value: number | string | null | undefined): number | undefined {
  const number =
    typeof value === 'string' && value.trim() !== '' ? Number(withoutPercentSign(value.trim())) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) return undefined;
  return Math.min(100, Math.max(0, number));
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined && entry !== null),
  ) as Partial<T>;
}

/** A trailing `%` and the blanks before it dropped; `trimEnd` where `/\s*%$/` would backtrack. */
function withoutPercentSign(text: string): string {
  return text.endsWith('%') ? text.slice(0, -1).trimEnd() : text;
}
