import { readFileSync } from 'node:fs';
import { VendorHttpClient } from '../../../lib/http/vendor-http-client.js';
import {
  type CinegyPcsOptions,
  type CinegyPcsReference,
  cinegyPcsAdapter,
} from '../../../lib/vendors/cinegy-pcs/index.js';
import type { AdapterContext } from '../../../lib/vendors/vendor-adapter.js';
import type { Clock } from '../../../local/clock.js';
import { WatchedJobHarness } from '../../support/watched-job.js';

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixture(name));
}

/**
 * The seed's list example elides items with a line holding only `...`; without that line the
 * rest is the vendor's JSON as published.
 */
export function seedTaskList(): { items: unknown[]; totalCount: number; start: number; limit: number } {
  const text = fixture('seed-tasks-list.txt')
    .split('\n')
    .filter((line) => line.trim() !== '...')
    .join('\n');
  return JSON.parse(text);
}

export function contextFor(
  baseUrl: string,
  credentials: Record<string, string>,
  options: Record<string, unknown>,
  clock: Clock,
): AdapterContext<CinegyPcsOptions> {
  return {
    connection: { name: 'test', vendor: 'cinegy-pcs', baseUrl, credentials, options },
    options: cinegyPcsAdapter.optionsSchema.parse(options),
    credentials,
    http: new VendorHttpClient({
      vendor: 'cinegy-pcs',
      connection: 'test',
      baseUrl,
      secrets: Object.values(credentials),
      timeoutMs: 2000,
    }),
    now: () => new Date(clock.now()),
  };
}

/** A watched task whose `latest` carries the adapter state of the previous poll, as the poller does. */
export class WatchedTask extends WatchedJobHarness<CinegyPcsReference, CinegyPcsOptions> {
  constructor(reference: unknown, submittedAt: Date) {
    super(cinegyPcsAdapter, reference, { submittedAt });
  }
}

export { errorOf } from '../../support/watched-job.js';
