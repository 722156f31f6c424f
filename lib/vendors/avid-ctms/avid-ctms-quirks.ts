import { type BulkResultItem, type CommandState, HalLinkSchema } from './avid-ctms-schema.js';

/*
 * Each way CTMS bends its own documentation, read beside the payload that shows it. Tags:
 * [DOC] the vendor's document (../shared/seeds/avid-ctms-command-resource.txt and vendors.md §5),
 * [FIX] a recorded example in that seed (test/vendors/avid-ctms/fixtures hold them as files).
 */

/**
 * A CTMS date/time as ISO UTC, or `undefined` when it is not one. [FIX] Every seed example is
 * written by a .NET service: seven fractional digits and a local offset
 * (`2020-01-27T13:21:53.9138053+01:00`), and `Date.parse` need not take more than three, so the
 * fraction is cut to milliseconds first. A value without an offset is not a point in time.
 *
 * @example parseAvidDate('2020-01-27T13:21:53.9138053+01:00') // '2020-01-27T12:21:53.913Z'
 * @example parseAvidDate('2020-01-27T13:21:53') // undefined
 */
export function parseAvidDate(value: string | null | undefined): string | undefined {
  const match = typeof value === 'string' ? DOTNET_DATE_TIME.exec(value) : null;
  if (!match) return undefined;
  const [, dateAndTime, fraction, zone] = match;
  const millis = (fraction ?? '').slice(0, 3).padEnd(3, '0');
  const parsed = Date.parse(`${dateAndTime}.${millis}${zone}`);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

/** RFC 3339 date-time with a fraction of any length; fixed-width fields, so linear. */
const DOTNET_DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The state's parameter map. [DOC] The property list calls it `param`, the bulk example
 * `params`: both are read, `params` winning a clash.
 *
 * @example stateParameters({ param: { a: 1 }, params: { b: 2 } }) // { a: 1, b: 2 }
 */
export function stateParameters(state: CommandState): Record<string, unknown> {
  return { ...state?.param, ...state?.params };
}

/** Item counts a bulk command states itself. */
export interface StatedCounts {
  total: number;
  succeeded: number;
  failed: number;
}

/**
 * [FIX] The seed's bulk example states its counts in `state.params` (`totalCount`,
 * `successCount`, `failureCount`): the verdict when the result list says nothing.
 *
 * @example statedCounts({ totalCount: 2, successCount: 1, failureCount: 1 }) // { total: 2, succeeded: 1, failed: 1 }
 */
export function statedCounts(parameters: Record<string, unknown>): StatedCounts | undefined {
  const total = countOf(parameters.totalCount);
  const succeeded = countOf(parameters.successCount);
  const failed = countOf(parameters.failureCount);
  if (total === undefined || succeeded === undefined || failed === undefined) return undefined;
  return { total, succeeded, failed };
}

function countOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Whether one bulk item succeeded: `true`, `false`, or `undefined` when it does not say.
 * [DOC] A bulk result is "the same JSON structure that a non-command version of the bulk call
 * would return", and vendors.md §5 reads its `success`, `httpStatus` and `errorCode`: `success`
 * when the item has it, else its `httpStatus` (below 400 succeeded), else an error code or
 * message means it failed.
 *
 * @example itemSucceeded({ httpStatus: 404 }) // false
 */
export function itemSucceeded(item: BulkResultItem): boolean | undefined {
  if (typeof item.success === 'boolean') return item.success;
  if (typeof item.httpStatus === 'number' && item.httpStatus >= 100 && item.httpStatus <= 599) {
    return item.httpStatus < 400;
  }
  if (item.errorCode || item.errorMessage) return false;
  return undefined;
}

/** What the `command` curie of the seed expands `cancel` to. */
const CANCEL_REL_URI = 'http://services.avid.com/apis/command/cancel';
export const CANCEL_REL = 'command:cancel';

/**
 * The relation that cancels the command. [DOC] The seed calls it `command:cancel` and declares
 * the `command` curie as `http://services.avid.com/apis/command/{rel}`; HAL names a relation by
 * what its curie expands to, so a resource that declares that URI under another prefix
 * (`cmd:cancel`), or writes the expanded URI itself, names the same relation.
 *
 * @example cancelRelOf({ curies: [{ name: 'c', href: 'http://services.avid.com/apis/command/{rel}' }], 'c:cancel': { href: 'https://mc/x' } }) // 'c:cancel'
 */
export function cancelRelOf(links: Record<string, unknown> | null | undefined): string | undefined {
  if (!links) return undefined;
  if (links[CANCEL_REL] !== undefined) return CANCEL_REL;
  const curies = curieTemplates(links.curies);
  return Object.keys(links).find((rel) => expandRel(rel, curies) === CANCEL_REL_URI);
}

function curieTemplates(curies: unknown): Map<string, string> {
  const templates = new Map<string, string>();
  for (const curie of Array.isArray(curies) ? curies : [curies]) {
    const parsed = HalLinkSchema.safeParse(curie);
    if (parsed.success && parsed.data.name && parsed.data.href)
      templates.set(parsed.data.name, parsed.data.href);
  }
  return templates;
}

function expandRel(rel: string, curies: Map<string, string>): string {
  const separator = rel.indexOf(':');
  const template = separator > 0 ? curies.get(rel.slice(0, separator)) : undefined;
  return template ? template.replace('{rel}', rel.slice(separator + 1)) : rel;
}
