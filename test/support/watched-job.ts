import type { Job } from '../../lib/jobs/job.js';
import type {
  AdapterContext,
  AdapterObservation,
  AdapterState,
  CancelOutcome,
  VendorAdapter,
  WatchedJob,
} from '../../lib/vendors/vendor-adapter.js';

/**
 * One watched job driven straight through an adapter, the way the poller keeps it: what a poll
 * returns as `adapterState` is stored (a JSON round trip), read back with the adapter's
 * `stateSchema` and handed to the next poll as `context.state`. For adapter tests that do not
 * need the whole workflow.
 */
export class WatchedJobHarness<
  Reference,
  Options,
  State extends AdapterState = AdapterState,
  Memory = undefined,
> {
  readonly job: WatchedJob<Reference>;
  /** The stored state, as JSON would keep it. */
  stored: unknown;

  constructor(
    private readonly adapter: VendorAdapter<Reference, Options, State, Memory>,
    reference: unknown,
    options: { submittedAt?: Date; jobId?: string } = {},
  ) {
    const jobId = options.jobId ?? 'job-1';
    const submittedAt = options.submittedAt ?? new Date(Date.UTC(2024, 0, 19, 12, 0, 0));
    const latest: Omit<Job, 'adapterState'> = {
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

  /** What the adapter remembered, as the next poll will read it (undefined when unreadable). */
  get state(): State | undefined {
    if (this.stored === undefined) return undefined;
    const parsed = this.adapter.stateSchema.safeParse(this.stored);
    return parsed.success ? parsed.data : undefined;
  }

  async poll(context: AdapterContext<Options, State, Memory>): Promise<AdapterObservation<State>> {
    const observation = await this.adapter.poll({ ...context, state: this.state }, this.job);
    this.job.latest = { ...this.job.latest, status: observation.status };
    if (observation.adapterState !== undefined)
      this.stored = JSON.parse(JSON.stringify(observation.adapterState));
    return observation;
  }

  cancel(context: AdapterContext<Options, State, Memory>): Promise<CancelOutcome> {
    const cancel = this.adapter.cancel;
    if (!cancel) throw new Error(`the ${this.adapter.vendor} adapter has no cancel`);
    return cancel({ ...context, state: this.state }, this.job);
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
