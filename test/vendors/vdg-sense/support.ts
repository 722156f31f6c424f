import { readFileSync } from 'node:fs';
import { VendorHttpClient } from '../../../lib/http/vendor-http-client.js';
import type { Job, Observation } from '../../../lib/jobs/job.js';
import {
  type VdgSenseOptions,
  type VdgSenseReference,
  vdgSenseAdapter,
} from '../../../lib/vendors/vdg-sense/index.js';
import type { AdapterContext, WatchedJob } from '../../../lib/vendors/vendor-adapter.js';
import { type Clock, type ManualClock, manualClock as sharedManualClock } from '../../../local/clock.js';

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** The shared manual clock, starting at this vendor's fixture time. */
export const manualClock = (start = Date.UTC(2024, 0, 19, 12, 0, 0)): ManualClock => sharedManualClock(start);

let connectionCounter = 0;

export function contextFor(
  baseUrl: string,
  credentials: Record<string, string>,
  options: Record<string, unknown>,
  clock: Clock,
): AdapterContext<VdgSenseOptions> {
  connectionCounter += 1;
  return {
    // A connection name per context: sessions are cached per connection, tests stay apart.
    connection: { name: `test-${connectionCounter}`, vendor: 'vdg-sense', baseUrl, credentials, options },
    options: vdgSenseAdapter.optionsSchema.parse(options),
    credentials,
    http: new VendorHttpClient({
      vendor: 'vdg-sense',
      connection: 'test',
      baseUrl,
      secrets: Object.values(credentials),
      timeoutMs: 2000,
    }),
    now: () => new Date(clock.now()),
  };
}

/** A watched job whose `latest` carries the adapter state of the previous poll. */
export class WatchedExport {
  readonly job: WatchedJob<VdgSenseReference>;

  constructor(reference: unknown) {
    const parsed = vdgSenseAdapter.referenceSchema.parse(reference);
    const at = new Date(Date.UTC(2024, 0, 19, 12, 0, 0)).toISOString();
    const latest: Job = {
      jobId: 'job-1',
      connection: 'test',
      vendor: 'vdg-sense',
      reference: reference as Record<string, unknown>,
      status: 'QUEUED',
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    this.job = { jobId: 'job-1', reference: parsed, submittedAt: new Date(at), latest };
  }

  async poll(context: AdapterContext<VdgSenseOptions>): Promise<Observation> {
    const observation = await vdgSenseAdapter.poll(context, this.job);
    this.job.latest = {
      ...this.job.latest,
      status: observation.status,
      adapterState: observation.adapterState ?? this.job.latest.adapterState,
    };
    return observation;
  }
}
