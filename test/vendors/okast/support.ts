import { readFileSync } from 'node:fs';
import { VendorHttpClient } from '../../../lib/http/vendor-http-client.js';
import { type OkastOptions, type OkastReference, okastAdapter } from '../../../lib/vendors/okast/index.js';
import type { AdapterContext } from '../../../lib/vendors/vendor-adapter.js';
import type { Clock } from '../../../local/clock.js';
import { WatchedJobHarness } from '../../support/watched-job.js';

export function fixtureText(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/**
 * The published example, parsed. The fixture is the documentation page's text verbatim, whose
 * indentation is non-breaking spaces (a web page artefact JSON does not allow): they become spaces.
 */
export function seedEntries(): unknown[] {
  const parsed: unknown = JSON.parse(fixtureText('seed-ingest-status.txt').replaceAll('\u00a0', ' '));
  if (!Array.isArray(parsed)) throw new Error('the seed example is an array');
  return parsed;
}

let connectionCounter = 0;

/** A fresh connection name per context: the list cache is keyed by it, so tests stay apart. */
export function contextFor(
  baseUrl: string,
  credentials: Record<string, string>,
  options: Record<string, unknown>,
  clock: Clock,
  settings: { connection?: string; timeoutMs?: number } = {},
): AdapterContext<OkastOptions> {
  connectionCounter += 1;
  const connection = settings.connection ?? `okast-test-${connectionCounter}`;
  return {
    connection: { name: connection, vendor: 'okast', baseUrl, credentials, options },
    options: okastAdapter.optionsSchema.parse(options),
    credentials,
    http: new VendorHttpClient({
      vendor: 'okast',
      connection: 'test',
      baseUrl,
      secrets: Object.values(credentials),
      timeoutMs: settings.timeoutMs ?? 2000,
    }),
    now: () => new Date(clock.now()),
  };
}

/** A watched ingest whose `latest` carries the adapter state of the previous poll. */
export class WatchedIngest extends WatchedJobHarness<OkastReference, OkastOptions> {
  constructor(reference: unknown, submittedAt: Date, jobId = 'job-1') {
    super(okastAdapter, reference, { submittedAt, jobId });
  }
}

export { errorOf } from '../../support/watched-job.js';
