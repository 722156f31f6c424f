import { z } from 'zod';
import { describeUrl } from '../../http/redact.js';
import type { VendorResponse } from '../../http/vendor-http-client.js';
import type { JobErrorInfo } from '../../jobs/job.js';
import type { JobStatus } from '../../jobs/job-status.js';
import type { AdapterObservation, CancelOutcome } from '../vendor-adapter.js';
import {
  CANCEL_REL,
  cancelRelOf,
  itemSucceeded,
  parseAvidDate,
  statedCounts,
  stateParameters,
} from './avid-ctms-quirks.js';
import { fetchableHref } from './avid-ctms-reference.js';
import {
  BulkResultItemSchema,
  type Command,
  type CommandError,
  type CommandResource,
  CtmsErrorAnswerSchema,
  HalLinkSchema,
  parseCommandResource,
} from './avid-ctms-schema.js';
import { mapAvidLifecycle } from './map-avid-ctms-status.js';

/**
 * What the adapter remembers of a command between polls: its own `self` link and its
 * `command:cancel` link, absolute and under the connection's base URL. Read leniently: a stored
 * state of another shape is none, and the command is found again from the reference.
 */
export const AvidCtmsStateSchema = z.object({
  selfHref: z.string().optional(),
  cancelHref: z.string().optional(),
});
export type AvidCtmsState = z.infer<typeof AvidCtmsStateSchema>;

export type AvidCtmsObservation = AdapterObservation<AvidCtmsState>;

/** What a bulk command did to its items. */
export interface BulkSummary {
  total: number;
  succeeded: number;
  failed: number;
  /** Items that say neither way: counted, but neither way. */
  undetermined: number;
  /** The first few failures, enough to diagnose without storing a huge list. */
  failures: { errorCode?: string; errorMessage?: string; httpStatus?: number }[];
}

const MAX_FAILURES_KEPT = 5;

/**
 * Normalizes one command:command resource into an observation: lifecycle → status, bulk results
 * → partial success or failure, `state.text` → message, the error struct kept whole, timestamps
 * to ISO UTC, and the `self` / `command:cancel` links remembered for the next poll when (and only
 * when) they are under the connection's base URL. `previous` is the state of the last poll: a
 * link this answer lacks (a final command may drop its cancel link) stays remembered.
 *
 * @example commandToObservation(resource, new URL('https://mc.example.com/')).status // 'RUNNING'
 */
export function commandToObservation(
  resource: CommandResource,
  baseUrl: URL,
  previous?: AvidCtmsState,
): AvidCtmsObservation {
  const { command } = resource;
  const bulk = summarizeBulkResult(resource.payload?.result, stateParameters(command.state));
  const verdict = verdictOf(command, bulk);
  const links = commandLinks(resource._links, baseUrl);
  const state = definedOnly({
    selfHref: links.selfHref ?? previous?.selfHref,
    cancelHref: links.cancelHref ?? previous?.cancelHref,
  });
  const details = definedOnly({
    ...(bulk ? { bulk } : {}),
    ...(links.ignored.length > 0 ? { ignoredLinks: links.ignored } : {}),
    ...unreadableDates(command),
    ...commandDetails(command),
  });
  const observation: AvidCtmsObservation = {
    ...verdict,
    rawStatus: command.lifecycle ?? '(no lifecycle)',
    ...definedOnly({ progress: progressOf(command.progress), message: messageOf(command, verdict.status) }),
  };
  const updatedAt = vendorUpdatedAt(command);
  if (updatedAt !== undefined) observation.vendorUpdatedAt = updatedAt;
  if (Object.keys(details).length > 0) observation.details = details;
  if (Object.keys(state).length > 0) observation.adapterState = state;
  return observation;
}

type Verdict = Pick<AvidCtmsObservation, 'status' | 'partial' | 'error'>;

/** The lifecycle's status, corrected by the items of a bulk command: it finishes even when they fail [DOC]. */
function verdictOf(command: Command, bulk: BulkSummary | undefined): Verdict {
  const status = mapAvidLifecycle(command.lifecycle, command.error?.cause);
  if (status === 'FAILED' || status === 'CANCELLED') return { status, error: commandError(command.error) };
  if (status !== 'SUCCEEDED' || !bulk || bulk.failed === 0) return { status };
  if (bulk.failed < bulk.total) return { status, partial: true };
  return { status: 'FAILED', error: allItemsFailed(bulk) };
}

/**
 * The state text; for a command that ended badly the error text first, because the state may
 * still describe its last step ("Processing").
 */
function messageOf(command: Command, status: JobStatus): string | undefined {
  const ended = status === 'FAILED' || status === 'CANCELLED';
  const first = ended ? command.error?.text : command.state?.text;
  const second = ended ? command.state?.text : command.error?.text;
  return first ?? second ?? undefined;
}

function commandError(raw: CommandError): JobErrorInfo {
  return {
    message: raw?.text ?? raw?.code ?? 'The command ended in lifecycle "error" without error details',
    ...definedOnly({ code: raw?.code, cause: raw?.cause, httpCode: raw?.httpCode }),
  };
}

function allItemsFailed(bulk: BulkSummary): JobErrorInfo {
  const first = bulk.failures[0];
  return {
    message: `All ${bulk.total} items of the bulk command failed${first?.errorMessage ? ` (first: ${first.errorMessage})` : ''}`,
    ...definedOnly({ code: first?.errorCode, httpCode: first?.httpStatus }),
  };
}

/**
 * Counts a bulk command's `payload.result[]`, each item judged by {@link itemSucceeded}. Without
 * a result list (not a bulk command), or when no item says how it went, the counts the command
 * states in its parameters are the verdict; `undefined` when there are neither.
 *
 * @example summarizeBulkResult([{ success: true }, { success: false, errorCode: 'X' }], {})?.failed // 1
 */
export function summarizeBulkResult(
  result: unknown[] | null | undefined,
  parameters: Record<string, unknown>,
): BulkSummary | undefined {
  const stated = statedCounts(parameters);
  const fromParameters: BulkSummary | undefined = stated && {
    ...stated,
    undetermined: Math.max(0, stated.total - stated.succeeded - stated.failed),
    failures: [],
  };
  if (!result) return fromParameters;
  const summary: BulkSummary = {
    total: result.length,
    succeeded: 0,
    failed: 0,
    undetermined: 0,
    failures: [],
  };
  for (const entry of result) countItem(summary, entry);
  // A list whose items say nothing is no verdict; the service's own counts are a better one.
  if (summary.total > 0 && summary.undetermined === summary.total && fromParameters) return fromParameters;
  return summary;
}

function countItem(summary: BulkSummary, entry: unknown): void {
  const item = BulkResultItemSchema.safeParse(entry).data;
  const succeeded = item ? itemSucceeded(item) : undefined;
  if (succeeded === true) summary.succeeded += 1;
  else if (succeeded === undefined || !item) summary.undetermined += 1;
  else {
    summary.failed += 1;
    if (summary.failures.length < MAX_FAILURES_KEPT) {
      summary.failures.push(
        definedOnly({
          errorCode: item.errorCode,
          errorMessage: item.errorMessage,
          httpStatus: item.httpStatus,
        }),
      );
    }
  }
}

/** Progress in percent, within 0–100 whatever the vendor sent. */
function progressOf(value: number | null | undefined): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return Math.min(100, Math.max(0, value));
}

/** The later of `modified` and `finished`, else `created`. */
function vendorUpdatedAt(command: Command): string | undefined {
  const modified = parseAvidDate(command.modified);
  const finished = parseAvidDate(command.finished);
  if (modified && finished) return Date.parse(modified) >= Date.parse(finished) ? modified : finished;
  return modified ?? finished ?? parseAvidDate(command.created);
}

/** Dates sent but not readable are named, not a reason to fail the poll. */
function unreadableDates(command: Command): { unreadableDates?: string[] } {
  const unreadable = (['created', 'modified', 'finished'] as const).filter(
    (field) => command[field] != null && parseAvidDate(command[field]) === undefined,
  );
  return unreadable.length > 0 ? { unreadableDates: unreadable } : {};
}

function commandDetails(command: Command): Record<string, unknown> {
  return {
    commandId: command.id,
    commandType: command.type,
    stateCode: command.state?.code,
    serviceName: command.serviceName,
    serviceInstance: command.serviceInstance,
    serviceVersion: command.serviceVersion,
    host: command.host,
    creator: command.creator,
    createdAt: parseAvidDate(command.created),
    finishedAt: parseAvidDate(command.finished),
  };
}

interface CommandLinks {
  selfHref?: string;
  cancelHref?: string;
  /** Links the vendor sent that are not under the connection, as details name them. */
  ignored: string[];
}

/** The `self` and cancel links of a command, those under the base URL kept, the others named. */
function commandLinks(links: Record<string, unknown> | null | undefined, baseUrl: URL): CommandLinks {
  const result: CommandLinks = { ignored: [] };
  const wanted = [
    ['self', 'selfHref'],
    [cancelRelOf(links) ?? CANCEL_REL, 'cancelHref'],
  ] as const;
  for (const [rel, key] of wanted) {
    const href = hrefOf(links?.[rel]);
    if (href === undefined) continue;
    const fetchable = fetchableHref(baseUrl, href);
    if (fetchable) result[key] = fetchable;
    else
      result.ignored.push(`${rel} → ${describeHref(href)} (outside the connection's base URL, not followed)`);
  }
  return result;
}

/** The first followable href of a HAL relation: one link object or an array of them, templated ones skipped. */
function hrefOf(relation: unknown): string | undefined {
  for (const candidate of Array.isArray(relation) ? relation : [relation]) {
    const link = HalLinkSchema.safeParse(candidate).data;
    const href = link?.href?.trim();
    if (href && !link?.templated) return href;
  }
  return undefined;
}

/** An href fit for details and messages: no query string, bounded length. */
function describeHref(href: string): string {
  const described = URL.canParse(href) ? describeUrl(new URL(href)) : (href.split('?')[0] ?? '');
  return described.slice(0, 200);
}

/** Where the polled URL came from: a LOST verdict on a URL we built ourselves deserves a hint. */
export type CommandUrlSource = 'self' | 'href' | 'template';

/**
 * A command CTMS answers 404 or 410 for: LOST. [DOC] Its status is kept only "a few hours";
 * vendors.md §5 reads the answer after that as the id being gone. A command never seen at a URL
 * built from the template may instead be served elsewhere: the message says how to fix that.
 */
export function lostObservation(
  label: string,
  answer: { status: number; url: URL; source: CommandUrlSource; seenBefore: boolean },
): AvidCtmsObservation {
  const hint =
    answer.source === 'template' && !answer.seenBefore
      ? ` If the command does exist, the connection's commandUrlTemplate does not match where this CTMS serves commands: set it, or watch with the command's href (its _links.self).`
      : '';
  return {
    status: 'LOST',
    rawStatus: `HTTP ${answer.status}`,
    message: `Avid CTMS no longer knows command ${label} (HTTP ${answer.status}): a command's status is kept only a few hours, so it has expired or never existed.${hint}`,
    details: { httpStatus: answer.status, url: describeUrl(answer.url) },
  };
}

/** How messages name a command: its id, else its href without the query, else the job. */
export function commandLabel(
  reference: { commandId?: string | undefined; href?: string | undefined },
  jobId: string,
): string {
  return reference.commandId ?? reference.href?.split('?')[0] ?? jobId;
}

/** A cancel not sent because the command already ended. */
export function alreadyEnded(label: string, current: AvidCtmsObservation): CancelOutcome {
  const cause = current.error?.cause ? `, cause ${current.error.cause}` : '';
  return {
    cancelled: false,
    message: `Command ${label} already ended (${current.rawStatus}${cause}); nothing to cancel`,
  };
}

/**
 * A cancel not sent for want of a `command:cancel` link: DELETE on the `self` link is not
 * documented as a cancel and could mean "delete" — the seed's bulk example offers no cancel link.
 */
export function noCancelLink(label: string): CancelOutcome {
  return {
    cancelled: false,
    message: `Avid CTMS offers no command:cancel link under the connection's base URL for command ${label}; not cancelled`,
  };
}

/** What CTMS answered to DELETE on the cancel link; `clean` redacts the connection's secrets. */
export function cancelAnswer(
  label: string,
  response: VendorResponse,
  clean: (text: string) => string,
): CancelOutcome {
  if (response.status >= 200 && response.status < 300) {
    const lifecycle = parseCommandResource(jsonOrUndefined(response.text))?.command.lifecycle;
    return {
      cancelled: true,
      message: `Avid CTMS accepted the cancellation of command ${label}${lifecycle ? ` (lifecycle now ${lifecycle})` : ''}`,
    };
  }
  if (response.status === 404 || response.status === 410) {
    return {
      cancelled: false,
      message: `Avid CTMS no longer knows command ${label} (HTTP ${response.status}); nothing to cancel`,
    };
  }
  const text = CtmsErrorAnswerSchema.safeParse(jsonOrUndefined(response.text)).data?.error?.text;
  return {
    cancelled: false,
    message: clean(
      `Avid CTMS refused to cancel command ${label} (HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''})`,
    ),
  };
}

function jsonOrUndefined(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function definedOnly<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], null | undefined> } {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined && entry !== null),
  ) as { [K in keyof T]?: Exclude<T[K], null | undefined> };
}
