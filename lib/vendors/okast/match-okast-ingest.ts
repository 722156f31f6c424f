import { mapOkastStatus } from './map-okast-status.js';
import { echoDisagrees, parseOkastDate } from './okast-quirks.js';
import { NARROWING_FIELDS, type OkastReference } from './okast-reference.js';
import {
  echoedFilePath,
  type OkastIngestEntry,
  OkastIngestEntrySchema,
  type OkastIngestRequest,
  pathKey,
} from './okast-schema.js';

/*
 * [DOC] Okast gives an ingest no id: a job's entry is found in the list of every ingest the
 * instance ever took, by the paths it was submitted with and by its request time.
 */

/**
 * One listed ingest request. The list holds every ingest the instance ever took, so an entry is
 * only validated, and its dates only read, when a job looks at its file — then once, for every
 * job sharing the fetched list.
 */
export class IndexedIngest {
  private parsedEntry: OkastIngestEntry | undefined;
  private requestInstant: Date | null | undefined;

  constructor(
    private readonly raw: object,
    /** Position in the vendor's list, for messages. */
    readonly position: number,
    private readonly timeZone: string,
  ) {}

  get entry(): OkastIngestEntry {
    if (!this.parsedEntry) {
      const parsed = OkastIngestEntrySchema.safeParse(this.raw);
      // Every field of the schema falls back to absent, so only a non-object could fail here.
      this.parsedEntry = parsed.success ? parsed.data : { request: {} };
    }
    return this.parsedEntry;
  }

  /** `requestTime` as an instant; undefined when it cannot be read (the entry cannot be time-matched). */
  get requestAt(): Date | undefined {
    if (this.requestInstant === undefined) {
      this.requestInstant = parseOkastDate(this.entry.requestTime, this.timeZone) ?? null;
    }
    return this.requestInstant ?? undefined;
  }

  /** `lastStatusUpdate` as an instant, when it can be read. */
  get updatedAt(): Date | undefined {
    return parseOkastDate(this.entry.lastStatusUpdate, this.timeZone);
  }
}

/** The whole status list of an instance, grouped by file so each job looks only at its own file. */
export interface OkastIngestIndex {
  /** Entries in the list, readable or not. */
  size: number;
  /** [FIX] Entries without a `filePath` (Okast lists refused requests too): never anyone's job. */
  withoutFilePath: number;
  /** Items that are not objects at all. */
  unreadable: number;
  /** Keyed by {@link pathKey} of the `filePath`. */
  byFile: ReadonlyMap<string, readonly IndexedIngest[]>;
}

/**
 * Groups the list by file in one pass, reading only the `filePath` of each entry.
 *
 * @example
 * const index = indexIngestList(items, 'Europe/Paris');
 * index.byFile.get(pathKey(filePath)) // the ingests of that file, in list order
 */
export function indexIngestList(items: readonly unknown[], timeZone: string): OkastIngestIndex {
  const byFile = new Map<string, IndexedIngest[]>();
  let withoutFilePath = 0;
  let unreadable = 0;
  items.forEach((item, position) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      unreadable += 1;
      return;
    }
    const filePath = echoedFilePath(item as Record<string, unknown>);
    if (filePath === undefined) {
      withoutFilePath += 1;
      return;
    }
    const key = pathKey(filePath);
    const indexed = new IndexedIngest(item, position, timeZone);
    const group = byFile.get(key);
    if (group) group.push(indexed);
    else byFile.set(key, [indexed]);
  });
  return { size: items.length, withoutFilePath, unreadable, byFile };
}

export interface MatchCriteria {
  reference: OkastReference;
  /** When the ingest was submitted: the reference's `submittedAt`, else when the watch started. */
  submittedAt: Date;
  /** How far before `submittedAt` a request time may lie (the watch started after the submit, clock skew). */
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
  /** The raw `requestTime` of the entry an earlier poll matched: later polls stick to it. */
  rememberedRequestTime?: string | undefined;
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
      newestEarlierRequestTime?: string | undefined;
    }
  | { kind: 'no-longer-listed'; requestTime: string; sameFileEntries: number }
  | {
      kind: 'ended-before-watch';
      /** The newest ingest of the file, which ended before the watch began. */
      ingest: IndexedIngest;
      sameFileEntries: number;
    };

/**
 * True when the entry can be this reference's: [OBS] the same `metadataPath` (compared as URLs,
 * like `filePath`), and no optional parameter echoed otherwise than the reference gives it.
 */
function agrees(reference: OkastReference, request: OkastIngestRequest): boolean {
  const metadataPath = request.metadataPath;
  if (!metadataPath || pathKey(metadataPath) !== reference.metadataPath) return false;
  return NARROWING_FIELDS.every((field) => !echoDisagrees(reference[field], request[field]));
}

/**
 * Whether an ingest had already ended (DONE or ERRORED) before `instant`: its last status update
 * lies before it, or cannot be read (an ended entry of unknown age is no proof of a new one).
 */
function endedBefore(ingest: IndexedIngest, instant: Date): boolean {
  const status = mapOkastStatus(ingest.entry.status);
  if (status !== 'SUCCEEDED' && status !== 'FAILED') return false;
  const updatedAt = ingest.updatedAt;
  return updatedAt === undefined || updatedAt.getTime() < instant.getTime();
}

/** The entries of one file sorted against the submission's window. */
interface WindowScan {
  /** The entry in the window closest to the submission (ties: the earlier). */
  closest: IndexedIngest | undefined;
  /** The newest entry requested before the window (ties: the one listed last). */
  newestEarlier: IndexedIngest | undefined;
  earlier: number;
  unreadableRequestTimes: number;
}

/** [FIX] The list is in request order: of equal request times, the one listed last is newer. */
function isNewer(ingest: IndexedIngest, than: IndexedIngest | undefined): boolean {
  const at = ingest.requestAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  return than === undefined || at >= (than.requestAt?.getTime() ?? Number.NEGATIVE_INFINITY);
}

/** Closer to the submission, or as close and earlier. */
function isCloser(ingest: IndexedIngest, than: IndexedIngest | undefined, anchor: number): boolean {
  if (than === undefined) return true;
  const at = ingest.requestAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const thanAt = than.requestAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const distance = Math.abs(at - anchor);
  const thanDistance = Math.abs(thanAt - anchor);
  return distance < thanDistance || (distance === thanDistance && at < thanAt);
}

function scanWindow(group: readonly IndexedIngest[], anchor: number, earliest: number): WindowScan {
  const scan: WindowScan = {
    closest: undefined,
    newestEarlier: undefined,
    earlier: 0,
    unreadableRequestTimes: 0,
  };
  for (const ingest of group) {
    const at = ingest.requestAt?.getTime();
    if (at === undefined) {
      scan.unreadableRequestTimes += 1;
    } else if (at < earliest) {
      scan.earlier += 1;
      if (isNewer(ingest, scan.newestEarlier)) scan.newestEarlier = ingest;
    } else if (isCloser(ingest, scan.closest, anchor)) {
      scan.closest = ingest;
    }
  }
  return scan;
}

function fallBackToNewest(scan: WindowScan, criteria: MatchCriteria, sameFileEntries: number): MatchResult {
  const newest = scan.newestEarlier;
  if (criteria.newestIfNoneInWindow && newest) {
    if (!criteria.graceOver && endedBefore(newest, criteria.submittedAt)) {
      return { kind: 'ended-before-watch', ingest: newest, sameFileEntries };
    }
    return { kind: 'matched', ingest: newest, sameFileEntries };
  }
  return {
    kind: 'not-listed',
    sameFileEntries,
    unreadableRequestTimes: scan.unreadableRequestTimes,
    earlier: scan.earlier,
    newestEarlierRequestTime: newest?.entry.requestTime ?? undefined,
  };
}

/**
 * Finds this job's entry in the instance's status list. [FIX] The same file is often ingested
 * again (the published example lists one file DONE, then ERRORED twice), so: [OBS] the same
 * `filePath` and `metadataPath`, no disagreeing optional parameter, a `requestTime` no earlier
 * than submission minus the tolerance; of those, the one closest to the submission wins (ties:
 * the earlier). When the submission is only the watch's start (`newestIfNoneInWindow`) and
 * nothing lies in that window, the newest ingest of the file is taken: the watch may have started
 * long after the ingest — but one that had already ended before the watch began is taken only
 * once the grace period passed without a newer request of the file (`graceOver`). Once an entry
 * was matched, later polls look only for that entry (by its raw `requestTime`), so a newer ingest
 * of the same file can never take its place.
 *
 * @example
 * const result = matchOkastIngest(index, { reference, submittedAt, toleranceMs: 60_000 });
 * if (result.kind === 'matched') result.ingest.entry.status
 */
export function matchOkastIngest(index: OkastIngestIndex, criteria: MatchCriteria): MatchResult {
  const { reference, submittedAt, toleranceMs, rememberedRequestTime } = criteria;
  const group = (index.byFile.get(reference.filePath) ?? []).filter((ingest) =>
    agrees(reference, ingest.entry.request),
  );
  const sameFileEntries = group.length;

  if (rememberedRequestTime !== undefined) {
    const found = group.find((ingest) => ingest.entry.requestTime === rememberedRequestTime);
    if (found) return { kind: 'matched', ingest: found, sameFileEntries };
    return { kind: 'no-longer-listed', requestTime: rememberedRequestTime, sameFileEntries };
  }

  const scan = scanWindow(group, submittedAt.getTime(), submittedAt.getTime() - toleranceMs);
  if (scan.closest) return { kind: 'matched', ingest: scan.closest, sameFileEntries };
  return fallBackToNewest(scan, criteria, sameFileEntries);
}
