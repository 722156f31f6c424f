import { secretValuesOf } from '../shared/configurable-auth.js';
import type { AdapterObservation, VendorAdapter, WatchedJob } from '../vendor-adapter.js';
import { matchOkastIngest } from './match-okast-ingest.js';
import {
  createOkastMemory,
  fetchOkastIngestList,
  type OkastContext,
  type OkastMemory,
} from './okast-client.js';
import { type OkastState, OkastStateSchema, observeOkastMatch } from './okast-observation.js';
import { OkastCredentialsSchema, type OkastOptions, OkastOptionsSchema } from './okast-options.js';
import { type OkastReference, OkastReferenceSchema } from './okast-reference.js';

async function poll(
  context: OkastContext,
  job: WatchedJob<OkastReference>,
): Promise<AdapterObservation<OkastState>> {
  const { options, state } = context;
  // A job not matched yet wants a list requested after its watch began (see fetchOkastIngestList).
  const index = await fetchOkastIngestList(context, { notBefore: state ? undefined : job.submittedAt });
  // The caller's own submission time wins over the watch's start: it is closer to Okast's requestTime.
  const given = job.reference.submittedAt;
  const submittedAt = given === undefined ? job.submittedAt : new Date(given);
  const now = context.now();
  const result = matchOkastIngest(index, {
    reference: job.reference,
    submittedAt,
    toleranceMs: options.requestTimeToleranceSeconds * 1000,
    newestIfNoneInWindow: given === undefined,
    graceOver: now.getTime() >= submittedAt.getTime() + options.notListedGraceSeconds * 1000,
    rememberedRequestTime: state?.requestTime,
  });
  return observeOkastMatch(result, index, {
    filePath: job.reference.filePath,
    submittedAt,
    now,
    graceSeconds: options.notListedGraceSeconds,
    toleranceSeconds: options.requestTimeToleranceSeconds,
    timeZone: options.timeZone,
  });
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
export const okastAdapter: VendorAdapter<OkastReference, OkastOptions, OkastState, OkastMemory> = {
  vendor: 'okast',
  referenceSchema: OkastReferenceSchema,
  optionsSchema: OkastOptionsSchema,
  credentialsSchema: OkastCredentialsSchema,
  stateSchema: OkastStateSchema,
  createMemory: createOkastMemory,
  secretValues: (credentials) => secretValuesOf(OkastCredentialsSchema.parse(credentials)),
  poll,
};
