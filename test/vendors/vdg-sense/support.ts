import { readFileSync } from 'node:fs';
import { VendorHttpClient } from '../../../lib/http/vendor-http-client.js';
import {
  type VdgSenseOptions,
  type VdgSenseReference,
  vdgSenseAdapter,
} from '../../../lib/vendors/vdg-sense/index.js';
import type { AdapterContext } from '../../../lib/vendors/vendor-adapter.js';
import { type Clock, type ManualClock, manualClock as sharedManualClock } from '../../../local/clock.js';
import { WatchedJobHarness } from '../../support/watched-job.js';

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

/** A watched export whose `latest` carries the adapter state of the previous poll. */
export class WatchedExport extends WatchedJobHarness<VdgSenseReference, VdgSenseOptions> {
  constructor(reference: unknown) {
    super(vdgSenseAdapter, reference);
  }
}
