import { z } from 'zod';
import type { AdapterObservation } from '../vendor-adapter.js';
import type { IndexedIngest, MatchResult, OkastIngestIndex } from './match-okast-ingest.js';
import { statusOfListedEntry } from './okast-quirks.js';

/**
 * What the adapter remembers of a job between polls: the entry it matched, by the raw
 * `requestTime` Okast wrote for it — later polls stick to that entry.
 */
export const OkastStateSchema = z.object({ requestTime: z.string().min(1) });
export type OkastState = z.infer<typeof OkastStateSchema>;

type OkastObservation = AdapterObservation<OkastState>;

/** A hostile list could carry a megabyte of error text; a message needs far less. */
const MAX_ERROR_LENGTH = 1000;

function withoutEmpty(values: Record<string, string | null | undefined>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined && value !== null && value !== ''),
  );
}

/**
 * Turns the matched entry into an observation. [DOC] Okast reports no progress, so none is given;
 * the entry's `statusError` is the job's error.
 *
 * @example observeOkastIngest(ingest, { sameFileEntries: 3 }).status // 'FAILED'
 */
export function observeOkastIngest(
  ingest: IndexedIngest,
  context: { sameFileEntries: number },
): OkastObservation {
  const { entry } = ingest;
  const rawStatus = entry.status ?? '';
  const status = statusOfListedEntry(rawStatus);
  const { request } = entry;
  const details = withoutEmpty({
    requestTime: entry.requestTime,
    lastStatusUpdate: entry.lastStatusUpdate,
    destinationFolder: request.destinationFolder,
    destinationFolderKind: request.destinationFolderKind,
    destinationFolderIndex: request.destinationFolderIndex,
    reschedule: request.reschedule,
  });
  // Worth knowing when reading a failure: the same file may have been ingested before (and be DONE).
  if (context.sameFileEntries > 1) details.sameFileIngests = context.sameFileEntries;

  const observation: OkastObservation = {
    status,
    rawStatus: rawStatus === '' ? '(no status)' : rawStatus,
    details,
  };
  const updatedAt = ingest.updatedAt;
  if (updatedAt) observation.vendorUpdatedAt = updatedAt.toISOString();
  if (status === 'FAILED') {
    const message = (entry.statusError || `Okast reported ${rawStatus} without a statusError`).slice(
      0,
      MAX_ERROR_LENGTH,
    );
    observation.error = { message };
    observation.message = message;
  }
  if (status === 'UNKNOWN') observation.message = 'Okast lists this ingest without a status';
  if (entry.requestTime) observation.adapterState = { requestTime: entry.requestTime };
  return observation;
}

/** What the not-listed observations need to know of the watch. */
export interface WatchTiming {
  filePath: string;
  submittedAt: Date;
  now: Date;
  graceSeconds: number;
  toleranceSeconds: number;
  timeZone: string;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Why nothing was matched, as far as the list says. */
function notListedNotes(result: Extract<MatchResult, { kind: 'not-listed' }>, timeZone: string): string {
  const notes: string[] = [];
  if (result.unreadableRequestTimes > 0) {
    notes.push(
      `${plural(result.unreadableRequestTimes, 'entry', 'entries')} of this file had an unreadable requestTime`,
    );
  }
  if (result.earlier > 0) {
    // Usually an earlier ingest of the file; also what a wrong submittedAt or timeZone looks like.
    const one = result.earlier === 1;
    notes.push(
      `${plural(result.earlier, 'ingest', 'ingests')} of this file requested earlier (newest "${result.newestEarlierRequestTime}") ${one ? 'is' : 'are'} not this job's: check submittedAt and the timeZone option (${timeZone}) if ${one ? 'it is' : 'one is'}`,
    );
  }
  return notes.map((note) => `; ${note}`).join('');
}

function notListed(
  result: Extract<MatchResult, { kind: 'not-listed' }>,
  index: OkastIngestIndex,
  watch: WatchTiming,
): OkastObservation {
  const { filePath, submittedAt, graceSeconds } = watch;
  const said = notListedNotes(result, watch.timeZone);
  if (watch.now.getTime() - submittedAt.getTime() >= graceSeconds * 1000) {
    const windowStart = new Date(submittedAt.getTime() - watch.toleranceSeconds * 1000);
    return {
      status: 'LOST',
      rawStatus: 'not listed',
      message: `Okast has not listed an ingest of ${filePath} requested after ${windowStart.toISOString()} within ${graceSeconds} s of submission${said}`,
      details: { listedEntries: index.size, sameFileIngests: result.sameFileEntries },
    };
  }
  // The message stays the same from poll to poll: a changing text would store a new snapshot each time.
  return {
    status: 'QUEUED',
    rawStatus: 'not listed',
    message: `Not in Okast's ingest list yet; LOST if still missing ${graceSeconds} s after ${submittedAt.toISOString()}${said}`,
  };
}

/**
 * The observation of a job, from where the match found it in the instance's list (or did not).
 *
 * @example observeOkastMatch(matchOkastIngest(index, criteria), index, watch).status // 'RUNNING'
 */
export function observeOkastMatch(
  result: MatchResult,
  index: OkastIngestIndex,
  watch: WatchTiming,
): OkastObservation {
  switch (result.kind) {
    case 'matched':
      return observeOkastIngest(result.ingest, { sameFileEntries: result.sameFileEntries });
    case 'no-longer-listed':
      return {
        status: 'LOST',
        rawStatus: 'no longer listed',
        message: `Okast no longer lists the ingest of ${watch.filePath} requested at "${result.requestTime}" (seen by an earlier poll): it was removed from the instance's ingest list`,
      };
    case 'ended-before-watch': {
      // The pipeline may just have re-submitted the file: Okast lists a new request a list or
      // two later. Until the grace period is over, the old ending is not this watch's.
      const { entry } = result.ingest;
      const graceEndsAt = new Date(watch.submittedAt.getTime() + watch.graceSeconds * 1000);
      return {
        status: 'QUEUED',
        rawStatus: 'not listed',
        message: `The newest ingest of ${watch.filePath} (requested "${entry.requestTime}") ended (${entry.status}) before this watch began; it is taken if no newer request of the file is listed by ${graceEndsAt.toISOString()} (give submittedAt to match at once)`,
      };
    }
    case 'not-listed':
      return notListed(result, index, watch);
  }
}
