import type { Job, Observation } from '../../lib/jobs/job.js';
import type {
  AdapterContext,
  CancelOutcome,
  VendorAdapter,
  WatchedJob,
} from '../../lib/vendors/vendor-adapter.js';

/**
 * One watched job driven straight through an adapter, the way the poller keeps it: each poll's
 * adapter state comes back in `latest` on the next poll. For adapter tests that do not need the
 * whole workflow.
 */
export class WatchedJobHarness<Reference, Options> {
  readonly job: WatchedJob<Reference>;

  constructor(
    private readonly adapter: VendorAdapter<Reference, Options>,
    reference: unknown,
    options: { submittedAt?: Date; jobId?: string } = {},
  ) {
    const jobId = options.jobId ?? 'job-1';
    const submittedAt = options.submittedAt ?? new Date(Date.UTC(2024, 0, 19, 12, 0, 0));
    const latest: Job = {
      jobId,
      connection: 'test',
      vendor: adapter.vendor,
      reference: reference as Record<string, unknown>,
      status: 'QUEUED',
      version: 1,
      createdAt: submittedAt.toISOString(),
      updatedAt: submittedAt.toISOString(),
    };
    this.job = { jobId, reference: adapter.referenceSchema.parse(reference), submittedAt, latest };
  }

  async poll(context: AdapterContext<Options>): Promise<Observation> {
    const observation = await this.adapter.poll(context, this.job);
    this.job.latest = {
      ...this.job.latest,
      status: observation.status,
      adapterState: observation.adapterState ?? this.job.latest.adapterState,
    };
    return observation;
  }

  cancel(context: AdapterContext<Options>): Promise<CancelOutcome> {
    const cancel = this.adapter.cancel;
    if (!cancel) throw new Error(`the ${this.adapter.vendor} adapter has no cancel`);
    return cancel(context, this.job);
  }
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-error: ${String(error)}`);
  }
  throw new Error('expected a rejection, but the promise resolved');
}
