import { readFileSync } from 'node:fs';
import { VendorHttpClient } from '../../../lib/http/vendor-http-client.js';
import type { Job, Observation } from '../../../lib/jobs/job.js';
import {
  type AdmiralCloudOptions,
  type AdmiralCloudReference,
  admiralcloudAdapter,
} from '../../../lib/vendors/admiralcloud/index.js';
import type { AdapterContext, CancelOutcome, WatchedJob } from '../../../lib/vendors/vendor-adapter.js';
import { type Clock, type ManualClock, manualClock as sharedManualClock } from '../../../local/clock.js';

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export function jsonFixture(name: string): unknown {
  return JSON.parse(fixture(name));
}

/** The shared manual clock, starting at this vendor's fixture time. */
export const manualClock = (start = Date.UTC(2024, 5, 3, 9, 0, 0)): ManualClock => sharedManualClock(start);

export function contextFor(
  baseUrl: string,
  credentials: Record<string, string>,
  options: Record<string, unknown>,
  clock: Clock,
  maxBytes?: number,
): AdapterContext<AdmiralCloudOptions> {
  return {
    connection: { name: 'test', vendor: 'admiralcloud', baseUrl, credentials, options },
    options: admiralcloudAdapter.optionsSchema.parse(options),
    credentials: admiralcloudAdapter.credentialsSchema.parse(credentials) as Record<string, string>,
    http: new VendorHttpClient({
      vendor: 'admiralcloud',
      connection: 'test',
      baseUrl,
      secrets: Object.values(credentials),
      timeoutMs: 2000,
      maxBytes,
    }),
    now: () => new Date(clock.now()),
  };
}

/** A watched job whose `latest` carries the previous poll's adapter state, as the core keeps it. */
export class WatchedAdmiralCloudJob {
  readonly job: WatchedJob<AdmiralCloudReference>;

  constructor(reference: unknown) {
    const parsed = admiralcloudAdapter.referenceSchema.parse(reference);
    const at = new Date(Date.UTC(2024, 5, 3, 9, 0, 0)).toISOString();
    const latest: Job = {
      jobId: 'jw-1',
      connection: 'test',
      vendor: 'admiralcloud',
      reference: reference as Record<string, unknown>,
      status: 'QUEUED',
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    this.job = { jobId: 'jw-1', reference: parsed, submittedAt: new Date(at), latest };
  }

  async poll(context: AdapterContext<AdmiralCloudOptions>): Promise<Observation> {
    const observation = await admiralcloudAdapter.poll(context, this.job);
    this.job.latest = {
      ...this.job.latest,
      status: observation.status,
      adapterState: observation.adapterState ?? this.job.latest.adapterState,
    };
    return observation;
  }

  cancel(context: AdapterContext<AdmiralCloudOptions>): Promise<CancelOutcome> {
    const cancel = admiralcloudAdapter.cancel;
    if (!cancel) throw new Error('the AdmiralCloud adapter cancels');
    return cancel(context, this.job);
  }
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-error: ${String(error)}`);
  }
  throw new Error('expected a rejection, but the promise resolved');
}
