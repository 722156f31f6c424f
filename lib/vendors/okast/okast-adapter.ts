import { z } from 'zod';
import type { Observation } from '../../jobs/job.js';
import { ConfigurableAuthCredentialsSchema, secretValuesOf } from '../shared/configurable-auth.js';
import type { AdapterContext, VendorAdapter, WatchedJob } from '../vendor-adapter.js';
import { matchOkastIngest } from './match-okast-ingest.js';
import { observeOkastIngest } from './okast-observation.js';
import { type OkastOptions, OkastOptionsSchema } from './okast-options.js';
import { type OkastReference, OkastReferenceSchema } from './okast-reference.js';
import { getOkastIngestList } from './okast-status-list.js';

type Context = AdapterContext<OkastOptions>;
type Job = WatchedJob<OkastReference>;

const RememberedSchema = z.object({ requestTime: z.string().min(1) });

/** The caller's own submission time wins over the watch's start: it is closer to Okast's requestTime. */
function submissionOf(job: Job): Date {
  return job.reference.submittedAt ? new Date(job.reference.submittedAt) : job.submittedAt;
}

async function poll(context: Context, job: Job): Promise<Observation> {
  const { index } = await getOkastIngestList(context);
  const remembered = RememberedSchema.safeParse(job.latest.adapterState);
  const submittedAt = submissionOf(job);
  const result = matchOkastIngest(index, {
    reference: job.reference,
    submittedAt,
    toleranceMs: context.options.requestTimeToleranceSeconds * 1000,
    rememberedRequestTime: remembered.success ? remembered.data.requestTime : undefined,
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
    case 'not-listed': {
      const graceSeconds = context.options.notListedGraceSeconds;
      const waitedMs = context.now().getTime() - submittedAt.getTime();
      const unreadable =
        result.unreadableRequestTimes > 0
          ? `; ${result.unreadableRequestTimes} entr${result.unreadableRequestTimes === 1 ? 'y' : 'ies'} of this file had an unreadable requestTime`
          : '';
      if (waitedMs >= graceSeconds * 1000) {
        return {
          status: 'LOST',
          rawStatus: 'not listed',
          message: `Okast has not listed an ingest of ${job.reference.filePath} requested after ${submittedAt.toISOString()} within ${graceSeconds} s of submission${unreadable}`,
          details: { listedEntries: index.size, sameFileIngests: result.sameFileEntries },
        };
      }
      // The message stays the same from poll to poll: a changing text would store a new snapshot each time.
      return {
        status: 'QUEUED',
        rawStatus: 'not listed',
        message: `Not in Okast's ingest list yet; LOST if still missing ${graceSeconds} s after ${submittedAt.toISOString()}${unreadable}`,
      };
    }
  }
}

/**
 * The Okast channels ingest adapter. Okast gives an ingest no id and lists every ingest of the
 * instance in one answer, so the job is found by its paths and request time, one list serves all
 * jobs of a connection in a poll window, and later polls stick to the entry first matched.
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
