import { randomBytes, randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../clock.js';
import { type SimResponse, SimServer } from '../sim-server.js';
import type { TimelineStep } from '../timeline.js';
import type { VendorSimulator } from '../vendor-simulator.js';
import { DEFAULT_PHP_PATH, type OkastInstance, type OkastSimAuth, routeOkast } from './routes.js';
import {
  demoSteps,
  OkastIngestBook,
  type OkastSimIngestOptions,
  type OkastSimRequestParameters,
  type OkastSimState,
  type SimIngest,
} from './state.js';
import { entryJson, listJson, type OkastSimQuirks, okastDate } from './wire-format.js';

export interface OkastSimulatorOptions {
  clock?: Clock;
  /** The instance's IANA time zone, used for the wall times it writes. Default 'UTC'. */
  timeZone?: string;
  /** Default: HTTP basic with a generated password. */
  auth?: OkastSimAuth;
  /** Where the PHP pages live under the server root (the base path differs between Okast pages). */
  phpPath?: string;
  quirks?: OkastSimQuirks;
}

/** The reference of a demo ingest, as a caller passes it to jobwatch. */
/** A type, not an interface: callers hold demo references as plain records. */
export type OkastDemoJob = {
  filePath: string;
  metadataPath: string;
  destinationFolder: string;
  destinationFolderKind: 'queueBottom';
  submittedAt: string;
};

/**
 * An Okast channels instance's ingest pages over loopback HTTP: `GET …/_getIngestStatus.php`
 * answers the JSON array of every ingest request ever made, in the published format;
 * `…/_addVideoLink.php` takes the documented parameters and appends an entry, which then moves
 * along a timeline on the clock.
 */
export class OkastSimulator implements VendorSimulator<OkastSimQuirks, OkastDemoJob>, OkastInstance {
  readonly vendor = 'okast';
  readonly server: SimServer;
  readonly credentials: Record<string, string>;
  readonly timeZone: string;
  readonly auth: OkastSimAuth;
  private readonly clock: Clock;
  private readonly phpPath: string;
  private quirks: OkastSimQuirks;
  private readonly book: OkastIngestBook;

  constructor(options: OkastSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.timeZone = options.timeZone ?? 'UTC';
    this.auth = options.auth ?? {
      scheme: 'basic',
      username: 'okast-ops',
      password: `okast-${randomBytes(6).toString('hex')}`,
    };
    this.credentials = this.auth.scheme === 'none' ? {} : { ...this.auth };
    this.phpPath = (options.phpPath ?? DEFAULT_PHP_PATH).replace(/^\/+/, '').replace(/\/?$/, '/');
    this.quirks = { refuseDuplicates: true, ...options.quirks };
    this.book = new OkastIngestBook(this.clock);
    this.server = new SimServer((request) => routeOkast(request, this), { clock: this.clock });
  }

  start(): Promise<string> {
    return this.server.start('/');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The status page, relative to the base URL `start()` returns. */
  get statusPath(): string {
    return `${this.phpPath}_getIngestStatus.php`;
  }

  get addVideoLinkPath(): string {
    return `${this.phpPath}_addVideoLink.php`;
  }

  /** The options the adapter needs for this instance (only what differs from its defaults). */
  connectionOptions(): Record<string, unknown> {
    const options: Record<string, unknown> = {};
    if (this.phpPath !== DEFAULT_PHP_PATH) options.statusPath = this.statusPath;
    if (this.timeZone !== 'UTC') options.timeZone = this.timeZone;
    return options;
  }

  setQuirks(quirks: OkastSimQuirks): void {
    this.quirks = { ...this.quirks, ...quirks };
  }

  // --- scripting ---------------------------------------------------------------------------

  /** Entries listed verbatim before the simulated ones (e.g. the published example), never moving. */
  loadEntries(entries: readonly unknown[]): void {
    this.book.load(entries);
  }

  /** Appends an ingest request as `_addVideoLink.php` would; returns its handle for scripting. */
  addIngest(parameters: OkastSimRequestParameters, options: OkastSimIngestOptions = {}): number {
    return this.book.add(parameters, options, { refuseDuplicates: this.quirks.refuseDuplicates !== false })
      .id;
  }

  /** An ingest of a fresh file that runs to DONE over `durationSeconds` clock seconds; its job reference. */
  createDemoJob(durationSeconds: number): OkastDemoJob {
    const name = `demo-${randomBytes(4).toString('hex')}`;
    const requestedAt = this.clock.now();
    const reference = {
      filePath: `https://storage.example.com/okast/${name}.mp4`,
      metadataPath: `https://storage.example.com/okast/${name}.json`,
      destinationFolder: randomUUID(),
      destinationFolderKind: 'queueBottom' as const,
      submittedAt: new Date(requestedAt).toISOString(),
    };
    this.addIngest(reference, { requestedAt, steps: demoSteps(durationSeconds) });
    return reference;
  }

  /** Replaces an ingest's script from now on (steps relative to now). */
  scriptIngest(id: number, steps: TimelineStep<OkastSimState>[]): void {
    this.book.script(id, steps);
  }

  finish(id: number): void {
    this.scriptIngest(id, [{ at: 0, state: { status: 'DONE' } }]);
  }

  fail(id: number, statusError: string): void {
    this.scriptIngest(id, [{ at: 0, state: { status: 'ERRORED', statusError } }]);
  }

  /** The entry disappears from the list (a purged history). */
  remove(id: number): void {
    this.book.find(id).removed = true;
  }

  /** The list as the status page would answer it now. */
  entries(): unknown[] {
    const now = this.clock.now();
    const { loaded, ingests } = this.book.listed(now);
    return [...loaded, ...ingests.map((ingest) => this.describe(ingest, now))];
  }

  /** Formats an instant as the instance writes it. */
  formatDate(instant: number): string {
    return okastDate(instant, this.timeZone, this.quirks.dateFormat);
  }

  // --- wire (OkastInstance, for the routes) --------------------------------------------------

  statusPage(): SimResponse {
    return {
      status: 200,
      body: listJson(this.entries()),
      contentType: this.quirks.contentType ?? 'application/json',
    };
  }

  addVideoLink(parameters: OkastSimRequestParameters): string {
    const id = this.addIngest(parameters);
    return this.formatDate(this.book.find(id).requestedAt);
  }

  private describe(ingest: SimIngest, now: number): Record<string, unknown> {
    const { step } = ingest.timeline.at(now);
    return entryJson(
      ingest.request,
      {
        requestTime: this.formatDate(ingest.requestedAt),
        lastStatusUpdate: this.formatDate(ingest.requestedAt + step.at * 1000),
      },
      step.state,
    );
  }
}
