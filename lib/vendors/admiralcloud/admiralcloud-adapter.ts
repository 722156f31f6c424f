import type { AdapterContext, VendorAdapter, WatchedJob } from '../vendor-adapter.js';
import { cancelJob, readJobResult, readListing } from './admiralcloud-client.js';
import {
  type AdmiralCloudState,
  AdmiralCloudStateSchema,
  finishedObservation,
  initialState,
  notFoundObservation,
  pendingObservation,
  withListingNote,
} from './admiralcloud-observation.js';
import {
  AdmiralCloudCredentialsSchema,
  type AdmiralCloudOptions,
  AdmiralCloudOptionsSchema,
} from './admiralcloud-options.js';
import { type AdmiralCloudReference, AdmiralCloudReferenceSchema } from './admiralcloud-reference.js';

type Context = AdapterContext<AdmiralCloudOptions, AdmiralCloudState>;
type Job = WatchedJob<AdmiralCloudReference>;

/**
 * The AdmiralCloud adapter: polls `jobResult` for the job (`{ ok: true }` = still running),
 * reads progress from the user's activity listing (batch follow-ups `jobId:N` included), and
 * cancels by destroying the job's activity. Requests are signed with AdmiralCloud's own
 * `ac-signature`. Nothing is kept per connection: the job's state carries what it needs.
 *
 * @example
 * const observation = await admiralcloudAdapter.poll(context, { jobId, reference: { jobId: 'a1b2' }, submittedAt, latest });
 */
export const admiralcloudAdapter: VendorAdapter<
  AdmiralCloudReference,
  AdmiralCloudOptions,
  AdmiralCloudState
> = {
  vendor: 'admiralcloud',
  referenceSchema: AdmiralCloudReferenceSchema,
  optionsSchema: AdmiralCloudOptionsSchema,
  credentialsSchema: AdmiralCloudCredentialsSchema,
  stateSchema: AdmiralCloudStateSchema,

  async poll(context: Context, job: Job) {
    const { jobId } = job.reference;
    const finding = await readJobResult(context, jobId);
    if (finding.kind === 'empty' || finding.kind === 'result')
      return finishedObservation(context, jobId, finding);
    const previous = context.state ?? initialState();
    const read = await readListing(context, previous.listingMissingPolls);
    const state = withListingNote(previous, read.missingPolls);
    if (finding.kind === 'not-found') {
      return notFoundObservation(context, job.reference, finding, read.listing, state);
    }
    return pendingObservation(context, job.reference, read.listing, state);
  },

  cancel(context: Context, job: Job) {
    return cancelJob(context, job.reference, context.state?.activityIds ?? []);
  },
};
