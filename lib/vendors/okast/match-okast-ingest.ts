import { mapOkastStatus } from './map-okast-status.js';
import { parseOkastDate } from './okast-dates.js';
import { type IndexedIngest, type OkastIngestIndex, pathKey } from './okast-ingest-index.js';
import { NARROWING_FIELDS, type OkastReference } from './okast-reference.js';
import type { OkastIngestRequest } from './okast-schema.js';

export interface MatchCriteria {
  reference: OkastReference;
  /** When the ingest was submitted: the reference's `submittedAt`, else when the watch started. */
  submittedAt: Date;
  /** How far before `submittedAt` a request time may lie (clock skew, watch started after submit). */
  toleranceMs: number;
  /**
   * True when `submittedAt` is only the watch's start (the reference gave none): then, when no
   * entry lies in the window, the newest listed ingest of the file is taken, however old.
   */
  newestIfNoneInWindow?: boolean;
  /**
   * With `newestIfNoneInWindow`: whether the grace period for a newer request has passed. Until
   * it has, a newest ingest that had already ended before the watch began is not taken (it is
   * reported as `ended-before-watch`): the pipeline may just have re-submitted the file, and
   * Okast list the new request a little later.
   */
  graceOver?: boolean;
  /** The instance's zone, for reading `lastStatusUpdate` (as the adapter's options say). */
  timeZone?: string;
  /** The entry matched by an earlier poll, as its adapter state remembers it: later polls stick to it. */
  remembered?: { requestTime: string; requestedAt?: string };
}

export type MatchResult =
  | {
      kind: 'matched';
      ingest: IndexedIngest;
      /** Listed ingests of the same file and metadata, this one included. */
      sameFileEntries: number;
    }
  | {
      kind: 'not-listed';
      sameFileEntries: number;
      /** Ingests of the same file whose request time could not be read. */
      unreadableRequestTimes: number;
      /** Ingests of the same file requested before the window: earlier ingests, not this job's. */
      earlier: number;
      /** The raw `requestTime` of the newest of those, for the message. */
      newestEarlierRequestTime?: string;
    }
  | { kind: 'no-longer-listed'; requestTime: string; sameFileEntries: number }
  | {
      kind: 'ended-before-watch';
      /** The newest ingest of the file, which ended before the watch began. */
      ingest: IndexedIngest;
      sameFileEntries: number;
    };

const BOOLEAN_FIELDS: ReadonlySet<string> = new Set(['validate', 'destinationFolderIndexReplace']);
const TRUE_WORDS = new Set(['true', '1', 'yes', 'on', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off', 'n']);

/**
 * The form a request parameter is compared in [INF]: Okast echoes what it was given, but what
 * was given may have been written differently from the reference — `true`/`1`, `queueBottom`/
 * `queuebottom`, `3`/`03`, `2022-10-18;` — and only a real difference may rule an entry out.
 */
function comparable(field: string, value: string): string {
  const text = value.trim().toLowerCase();
  if (BOOLEAN_FIELDS.has(field)) {
    if (TRUE_WORDS.has(text)) return 'true';
    if (FALSE_WORDS.has(text)) return 'false';
  }
  if (field === 'reschedule') {
    return text
      .split(/[;,]/)
      .map((date) => date.trim())
      .filter(Boolean)
      .join(';');
  }
  if (/^-?\d+(\.\d+)?$/.test(text)) return String(Number(text));
  return text;
}

function isEmpty(value: string | null | undefined): value is '' | null | undefined {
  return value === undefined || value === null || value === '';
}

/**
 * True when no parameter both sides carry differs. An entry that does not echo a parameter is not
 * ruled out by it: the published example echoes some parameters for some requests only, and never
 * `validate` [INF]. An empty value counts as absent (the example echoes `destinationFolderIndex: ""`).
 * `metadataPath` is compared the same way [INF]: every published entry with a `filePath` echoes
 * it, but a page that does not must not hide the job.
 */
function agrees(reference: OkastReference, request: OkastIngestRequest): boolean {
  const echoedMetadata = request.metadataPath;
  if (!isEmpty(echoedMetadata) && pathKey(echoedMetadata) !== pathKey(reference.metadataPath)) return false;
  for (const field of NARROWING_FIELDS) {
    const wanted = reference[field];
    const echoed = request[field];
    if (isEmpty(wanted) || isEmpty(echoed)) continue;
    if (comparable(field, wanted) !== comparable(field, echoed)) return false;
  }
  return true;
}

/**
 * Whether an ingest had already ended (DONE or ERRORED) before `instant`: its last status update
 * lies before it, or cannot be read (an ended entry of unknown age is no proof of a new one).
 */
function endedBefore(ingest: IndexedIngest, instant: Date, timeZone: string | undefined): boolean {
  const status = mapOkastStatus(ingest.entry.status);
  if (status !== 'SUCCEEDED' && status !== 'FAILED') return false;
  const updatedAt =
    timeZone === undefined ? undefined : parseOkastDate(ingest.entry.lastStatusUpdate, timeZone);
  return updatedAt === undefined || updatedAt.getTime() < instant.getTime();
}

function rememberedIn(
  group: readonly IndexedIngest[],
  remembered: NonNullable<MatchCriteria['remembered']>,
): IndexedIngest | undefined {
  const byText = group.find((ingest) => ingest.entry.requestTime === remembered.requestTime);
  if (byText || remembered.requestedAt === undefined) return byText;
  // The same instant written another way (the page changed its date format between two polls).
  const instant = Date.parse(remembered.requestedAt);
  return group.find((ingest) => ingest.requestAt?.getTime() === instant);
}

/**
 * Finds this job's entry in the instance's status list. Okast has no job id, and the same file is
 * often ingested again (the published example lists one file DONE, then ERRORED twice), so:
 * same `filePath` and `metadataPath`, no disagreeing optional parameter, a `requestTime` no earlier
 * than submission minus the tolerance; of those, the one closest to the submission wins (ties: the
 * earlier). When the submission is only the watch's start (`newestIfNoneInWindow`) and nothing lies
 * in that window, the newest ingest of the file is taken: the watch may have started long after
 * the ingest — but one that had already ended before the watch began is taken only once the grace
 * period passed without a newer request of the file (a re-submission Okast lists a little later
 * wins; `graceOver`). Once an entry was matched, later polls look only for that entry (by its raw
 * `requestTime`), so a newer ingest of the same file can never take its place.
 *
 * @example
 * const result = matchOkastIngest(index, { reference, submittedAt, toleranceMs: 60_000 });
 * if (result.kind === 'matched') result.ingest.entry.status
 */
export function matchOkastIngest(index: OkastIngestIndex, criteria: MatchCriteria): MatchResult {
  const { reference, submittedAt, toleranceMs, remembered } = criteria;
  const group = (index.byFile.get(pathKey(reference.filePath)) ?? []).filter((ingest) =>
    agrees(reference, ingest.entry.request),
  );
  const sameFileEntries = group.length;

  if (remembered !== undefined) {
    const found = rememberedIn(group, remembered);
    if (found) return { kind: 'matched', ingest: found, sameFileEntries };
    return { kind: 'no-longer-listed', requestTime: remembered.requestTime, sameFileEntries };
  }

  const anchor = submittedAt.getTime();
  const earliest = anchor - toleranceMs;
  let best: IndexedIngest | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let newestEarlier: IndexedIngest | undefined;
  let earlier = 0;
  let unreadableRequestTimes = 0;
  for (const ingest of group) {
    const requestAt = ingest.requestAt;
    if (!requestAt) {
      unreadableRequestTimes += 1;
      continue;
    }
    const at = requestAt.getTime();
    if (at < earliest) {
      earlier += 1;
      // Ties: the one listed last, as the list is in request order.
      if (!newestEarlier?.requestAt || at >= newestEarlier.requestAt.getTime()) newestEarlier = ingest;
      continue;
    }
    const distance = Math.abs(at - anchor);
    const earlierTie = distance === bestDistance && best?.requestAt && at < best.requestAt.getTime();
    if (distance < bestDistance || earlierTie) {
      best = ingest;
      bestDistance = distance;
    }
  }
  if (best) return { kind: 'matched', ingest: best, sameFileEntries };
  if (criteria.newestIfNoneInWindow) {
    // Nothing datable in the list either: the entry listed last is the newest request.
    const newest = newestEarlier ?? (unreadableRequestTimes > 0 ? group.at(-1) : undefined);
    if (newest && !criteria.graceOver && endedBefore(newest, submittedAt, criteria.timeZone)) {
      return { kind: 'ended-before-watch', ingest: newest, sameFileEntries };
    }
    if (newest) return { kind: 'matched', ingest: newest, sameFileEntries };
  }
  return {
    kind: 'not-listed',
    sameFileEntries,
    unreadableRequestTimes,
    earlier,
    newestEarlierRequestTime: newestEarlier?.entry.requestTime ?? undefined,
  };
}
