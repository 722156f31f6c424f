import { type IndexedIngest, ingestKey, type OkastIngestIndex } from './okast-ingest-index.js';
import { NARROWING_FIELDS, type OkastReference } from './okast-reference.js';
import type { OkastIngestRequest } from './okast-schema.js';

export interface MatchCriteria {
  reference: OkastReference;
  /** When the ingest was submitted: the reference's `submittedAt`, else when the watch started. */
  submittedAt: Date;
  /** How far before `submittedAt` a request time may lie (clock skew, watch started after submit). */
  toleranceMs: number;
  /** The raw `requestTime` of the entry matched by an earlier poll: later polls stick to it. */
  rememberedRequestTime?: string;
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
    }
  | { kind: 'no-longer-listed'; requestTime: string; sameFileEntries: number };

function isEmpty(value: string | null | undefined): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * True when no parameter both sides carry differs. An entry that does not echo a parameter is not
 * ruled out by it: the published example echoes some parameters for some requests only, and never
 * `validate` [INF]. An empty value counts as absent (the example echoes `destinationFolderIndex: ""`).
 */
function agrees(reference: OkastReference, request: OkastIngestRequest | null | undefined): boolean {
  for (const field of NARROWING_FIELDS) {
    const wanted = reference[field];
    const echoed = request?.[field];
    if (isEmpty(wanted) || isEmpty(echoed)) continue;
    if (wanted !== echoed) return false;
  }
  return true;
}

/**
 * Finds this job's entry in the instance's status list. Okast has no job id, and the same file is
 * often ingested again (the published example lists one file DONE, then ERRORED twice), so:
 * same `filePath` and `metadataPath`, no disagreeing optional parameter, a `requestTime` no earlier
 * than submission minus the tolerance; of those, the one closest to the submission wins (ties: the
 * earlier). Once an entry was matched, later polls look only for that entry (by its raw
 * `requestTime`), so a newer ingest of the same file can never take its place.
 *
 * @example
 * const result = matchOkastIngest(index, { reference, submittedAt, toleranceMs: 60_000 });
 * if (result.kind === 'matched') result.ingest.entry.status
 */
export function matchOkastIngest(index: OkastIngestIndex, criteria: MatchCriteria): MatchResult {
  const { reference, submittedAt, toleranceMs, rememberedRequestTime } = criteria;
  const group = (index.byFile.get(ingestKey(reference.filePath, reference.metadataPath)) ?? []).filter(
    (ingest) => agrees(reference, ingest.entry.request),
  );
  const sameFileEntries = group.length;

  if (rememberedRequestTime !== undefined) {
    const remembered = group.find((ingest) => ingest.entry.requestTime === rememberedRequestTime);
    if (remembered) return { kind: 'matched', ingest: remembered, sameFileEntries };
    return { kind: 'no-longer-listed', requestTime: rememberedRequestTime, sameFileEntries };
  }

  const earliest = submittedAt.getTime() - toleranceMs;
  let best: IndexedIngest | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let unreadableRequestTimes = 0;
  for (const ingest of group) {
    if (!ingest.requestAt) {
      unreadableRequestTimes += 1;
      continue;
    }
    const at = ingest.requestAt.getTime();
    if (at < earliest) continue;
    const distance = Math.abs(at - submittedAt.getTime());
    const earlierTie = distance === bestDistance && best?.requestAt && at < best.requestAt.getTime();
    if (distance < bestDistance || earlierTie) {
      best = ingest;
      bestDistance = distance;
    }
  }
  if (best) return { kind: 'matched', ingest: best, sameFileEntries };
  return { kind: 'not-listed', sameFileEntries, unreadableRequestTimes };
}
