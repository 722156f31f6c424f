import { readFileSync } from 'node:fs';
import { okastAdapter } from '../../../lib/vendors/okast/okast-adapter.js';
import type { OkastContext, OkastMemory } from '../../../lib/vendors/okast/okast-client.js';
import type { OkastState } from '../../../lib/vendors/okast/okast-observation.js';
import type { OkastOptions } from '../../../lib/vendors/okast/okast-options.js';
import type { OkastReference } from '../../../lib/vendors/okast/okast-reference.js';
import type { ConnectionSessions } from '../../../lib/watch/connection-sessions.js';
import type { Clock } from '../../../local/clock.js';
import { testContextFor } from '../../support/adapter-context.js';
import { errorOf, WatchedJobHarness } from '../../support/watched-job.js';

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

export interface OkastContextSettings {
  /** Default: a fresh connection name per context, so tests do not share a list by accident. */
  connection?: string;
  timeoutMs?: number;
  sessions?: ConnectionSessions;
}

/** A context built the production way, on the test's clock. */
export function contextFor(
  baseUrl: string,
  credentials: Record<string, string>,
  options: Record<string, unknown>,
  clock: Clock,
  settings: OkastContextSettings = {},
): OkastContext {
  return testContextFor(okastAdapter, {
    baseUrl,
    credentials,
    options,
    now: () => new Date(clock.now()),
    ...settings,
  });
}

/** A watched ingest whose state travels from poll to poll as the poller stores it. */
export class WatchedIngest extends WatchedJobHarness<OkastReference, OkastOptions, OkastState, OkastMemory> {
  constructor(reference: unknown, submittedAt: Date, jobId = 'job-1') {
    super(okastAdapter, reference, { submittedAt, jobId });
  }
}

/** The error a call throws, whether it throws at once (building a context) or rejects. */
export function errorFrom(call: () => Promise<unknown>): Promise<Error> {
  return errorOf(Promise.resolve().then(call));
}

export { errorOf };
