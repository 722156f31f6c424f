import { z } from 'zod';
import type { Observation } from '../../jobs/job.js';
import { ConfigurableAuthCredentialsSchema, secretValuesOf } from '../shared/configurable-auth.js';
import type { AdapterContext, VendorAdapter, WatchedJob } from '../vendor-adapter.js';
import { matchOkastIngest } from './match-okast-ingest.js';
import { parseOkastDate } from './okast-dates.js';
import { observeOkastIngest } from './okast-observation.js';
import { type OkastOptions, OkastOptionsSchema } from './okast-options.js';
import { type OkastReference, OkastReferenceSchema } from './okast-reference.js';
import { getOkastIngestList } from './okast-status-list.js';

type Context = AdapterContext<OkastOptions>;
type Job = WatchedJob<OkastReference>;

const RememberedSchema = z.object({
  requestTime: z.string().min(1),
  requestedAt: z.string().optional().catch(undefined),
});

/**
 * When the ingest was submitted, and whether the caller said so. The caller's own submission time
 * wins over the watch's start: it is closer to Okast's requestTime. A zone-less `submittedAt` is
 * read in the instance's zone, like Okast's own dates.
 */
function submissionOf(context: Context, job: Job): { at: Date; given: boolean } {
  const given = job.reference.submittedAt
    ? parseOkastDate(job.reference.submittedAt, context.options.timeZone)
    : undefined;
  return given ? { at: given, given: true } : { at: job.submittedAt, given: false };
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

async function poll(context: Context, job: Job): Promise<Observation> {
  const remembered = RememberedSchema.safeParse(job.latest.adapterState);
  const { index } = await getOkastIngestList(context, {
    notBefore: remembered.success ? undefined : job.submittedAt,
  });
  const submission = submissionOf(context, job);
  const submittedAt = submission.at;
  const graceSeconds = context.options.notListedGraceSeconds;
  const graceEndsAt = new Date(submittedAt.getTime() + graceSeconds * 1000);
  const result = matchOkastIngest(index, {
    reference: job.reference,
    submittedAt,
    toleranceMs: context.options.requestTimeToleranceSeconds * 1000,
    newestIfNoneInWindow: !submission.given,
    graceOver: context.now().getTime() >= graceEndsAt.getTime(),
    timeZone: context.options.timeZone,
    remembered: remembered.success ? remembered.data : undefined,
  });

  switch (result.kind) {
    case 'matched':
      return observeOkastIngest(result.ingest, {
        timeZone: context.options.timeZone,
        sameFileEntries: result.sameFileEntries,
      });
    case 'no-longer-listed':
      return {
        status: 'LOST',
        rawStatus: 'no longer listed',
        message: `Okast no longer lists the ingest of ${job.reference.filePath} requested at "${result.requestTime}" (seen by an earlier poll): it was removed from the instance's ingest list`,
      };
    case 'ended-before-watch': {
      // The pipeline may just have re-submitted the file: Okast lists a new request a list or
      // two later. Until the grace period is over, the old ending is not this watch's.
      const { entry } = result.ingest;
      return {
        status: 'QUEUED',
        rawStatus: 'not listed',
        message: `The newest ingest of ${job.reference.filePath} (requested "${entry.requestTime}") ended (${entry.status}) before this watch began; it is taken if no newer request of the file is listed by ${graceEndsAt.toISOString()} (give submittedAt to match at once)`,
      };
    }
    case 'not-listed': {
      const waitedMs = context.now().getTime() - submittedAt.getTime();
      const notes: string[] = [];
      if (result.unreadableRequestTimes > 0) {
        notes.push(
          `${plural(result.unreadableRequestTimes, 'entry', 'entries')} of this file had an unreadable requestTime`,
        );
      }
      if (result.earlier > 0) {
        // Usually an earlier ingest of the file; also what a wrong submittedAt or timeZone looks like.
        notes.push(
          `${plural(result.earlier, 'ingest', 'ingests')} of this file requested earlier (newest "${result.newestEarlierRequestTime}") ${result.earlier === 1 ? 'is' : 'are'} not this job's: check submittedAt and the timeZone option (${context.options.timeZone}) if ${result.earlier === 1 ? 'it is' : 'one is'}`,
        );
      }
      const said = notes.map((note) => `; ${note}`).join('');
      if (waitedMs >= graceSeconds * 1000) {
        return {
          status: 'LOST',
          rawStatus: 'not listed',
          message: `Okast has not listed an ingest of ${job.reference.filePath} requested after ${new Date(submittedAt.getTime() - context.options.requestTimeToleranceSeconds * 1000).toISOString()} within ${graceSeconds} s of submission${said}`,
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
  }
}

/**
 * The Okast channels ingest adapter. Okast gives an ingest no id and lists every ingest of the
 * instance in one answer, so the job is found by its paths and request time (without a
 * `submittedAt`, the newest ingest of the file when none was requested around the watch's start),
 * one list serves all jobs of a connection in a poll window, and later polls stick to the entry
 * first matched.
 *
 * There is no `cancel`: Okast publishes no way to withdraw an ingest request.
 *
 * @example
 * const observation = await okastAdapter.poll(context, { jobId, reference: { filePath, metadataPath }, submittedAt, latest });
 */
export const okastAdapter: VendorAdapter<OkastReference, OkastOptions> = {
  vendor: 'okast',
  referenceSchema: OkastReferenceSchema,
  optionsSchema: OkastOptionsSchema,
  credentialsSchema: ConfigurableAuthCredentialsSchema,
  secretValues: (credentials) => secretValuesOf(ConfigurableAuthCredentialsSchema.parse(credentials)),
  poll,
};
