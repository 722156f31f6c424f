import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { wallClockAt, wallClockParts } from '../../../lib/vendors/shared/zoned-time.js';
import { type Clock, systemClock } from '../../clock.js';
import { json, type SimRequest, type SimResponse, SimServer } from '../sim-server.js';
import { Timeline, type TimelineStep } from '../timeline.js';

/**
 * An Okast channels instance's ingest pages over loopback HTTP:
 * `GET …/_getIngestStatus.php` answers the JSON array of every ingest request ever made, in the
 * published format (instance-local dates without a zone and without the month–day dash, entries
 * without `filePath`, the same file listed several times); `…/_addVideoLink.php` takes the
 * documented parameters and appends an entry, which then moves along a timeline on the clock.
 */

export const DEFAULT_PHP_PATH = 'synthesia/okast-channels/playlist/manager/php/';

/** A status the simulator writes. Only DONE and ERRORED are documented; the others are [INF]. */
export type OkastSimStatus = 'PENDING' | 'DOWNLOADING' | 'PROCESSING' | 'DONE' | 'ERRORED' | (string & {});

export interface OkastSimState {
  status: OkastSimStatus;
  statusError?: string;
}

/** The parameters `_addVideoLink.php` documents, as Okast echoes them in `request`. */
export interface OkastSimRequestParameters {
  filePath?: string;
  metadataPath?: string;
  validate?: string;
  destinationFolder?: string;
  destinationFolderKind?: string;
  destinationFolderIndex?: string;
  destinationFolderIndexReplace?: string;
  reschedule?: string;
}

const ECHOED_PARAMETERS = [
  'filePath',
  'metadataPath',
  'destinationFolder',
  'destinationFolderKind',
  'destinationFolderIndex',
  'destinationFolderIndexReplace',
  'reschedule',
] as const;
// [INF] `validate` is accepted but never echoed: the published example never shows it.
const ACCEPTED_PARAMETERS = [...ECHOED_PARAMETERS, 'validate'] as const;

/** How the simulated instance (or the proxy in front of it) wants credentials; Okast does not publish its mechanism. */
export type OkastSimAuth =
  | { scheme: 'none' }
  | { scheme: 'basic'; username: string; password: string }
  | { scheme: 'header'; headerName: string; headerValue: string }
  | { scheme: 'query'; paramName: string; paramValue: string };

/**
 * Ways another page (or another stand-in for Okast built from the same documents) may write the
 * same list. Only `seed` dates, upper-case statuses and a bare array are published.
 */
export interface OkastSimQuirks {
  /**
   * How dates are written: `seed` = `2022-1018 14:20:00` (as published), `dashed` =
   * `2022-10-18 14:20:00`, `iso` = `2022-10-18T14:20:00.000Z`, `isoOffset` = ISO in the instance
   * zone with its offset, `unixSeconds` = a JSON number. [INF] all but `seed`.
   */
  dateFormat?: 'seed' | 'dashed' | 'iso' | 'isoOffset' | 'unixSeconds';
  /** How statuses are written: `upper` (as published, default), `lower` (`done`), `title` (`Done`). */
  statusCase?: 'upper' | 'lower' | 'title';
  /** [INF] Answer the list as PHP's `json_encode` does for an array with holes: an object with numeric keys. */
  sparseObject?: boolean;
  /** [INF] Wrap the list in an object under this key (`{"data": [...]}`). */
  wrapListIn?: string;
  /** [INF] Echo the request parameters at the entry's top level instead of in `request`. */
  flattenRequest?: boolean;
  /** [INF] `statusError` as published (`text`), as `{"message": …}` or as `[…]`. */
  statusErrorShape?: 'text' | 'object' | 'array';
  /** The content type of the status page; default `application/json` (PHP pages often say text/html). */
  contentType?: string;
  /** [INF] Start the status page with a UTF-8 byte order mark, as a PHP file saved with one does. */
  byteOrderMark?: boolean;
  /** A second ingest of a file already DONE ends ERRORED "File already exists in database", as in the published example. Default true. */
  refuseDuplicates?: boolean;
}

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

export interface OkastSimIngestOptions {
  /** Clock ms of the request; default now. */
  requestedAt?: number;
  /** The script, seconds after the request; default: the demo script over 60 s. */
  steps?: TimelineStep<OkastSimState>[];
  /** [INF] Seconds after the request before the entry shows up in the list at all. */
  listedAfterSeconds?: number;
}

interface SimIngest {
  id: number;
  request: Record<string, string>;
  requestedAt: number;
  listedAfterSeconds: number;
  timeline: Timeline<OkastSimState>;
  removed: boolean;
}

/** The demo script [INF statuses]: pending, downloading, processing, then DONE. */
export function demoSteps(durationSeconds: number): TimelineStep<OkastSimState>[] {
  return [
    { at: 0, state: { status: 'PENDING' } },
    { at: durationSeconds * 0.1, state: { status: 'DOWNLOADING' } },
    { at: durationSeconds * 0.4, state: { status: 'PROCESSING' } },
    { at: durationSeconds, state: { status: 'DONE' } },
  ];
}

export class OkastSimulator {
  readonly server: SimServer;
  readonly credentials: Record<string, string>;
  readonly timeZone: string;
  private readonly clock: Clock;
  private readonly auth: OkastSimAuth;
  private readonly phpPath: string;
  private quirks: OkastSimQuirks;
  private readonly ingests: SimIngest[] = [];
  private staticEntries: unknown[] = [];
  private nextId = 1;

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
    this.server = new SimServer((request) => this.handle(request), { clock: this.clock });
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

  /**
   * Entries listed verbatim before the simulated ones (e.g. the published example), never moving.
   */
  loadEntries(entries: readonly unknown[]): void {
    this.staticEntries = [...entries];
  }

  /** Appends an ingest request as `_addVideoLink.php` would; returns its handle for scripting. */
  addIngest(parameters: OkastSimRequestParameters, options: OkastSimIngestOptions = {}): number {
    const requestedAt = options.requestedAt ?? this.clock.now();
    const request: Record<string, string> = {};
    for (const name of ECHOED_PARAMETERS) {
      const value = parameters[name];
      if (value !== undefined) request[name] = value;
    }
    const id = this.nextId;
    this.nextId += 1;
    this.ingests.push({
      id,
      request,
      requestedAt,
      listedAfterSeconds: options.listedAfterSeconds ?? 0,
      timeline: new Timeline(options.steps ?? this.stepsFor(parameters, requestedAt), requestedAt),
      removed: false,
    });
    return id;
  }

  /**
   * An ingest of a fresh file that runs to DONE over `durationSeconds` clock seconds. Returns the
   * job reference a caller passes to jobwatch.
   */
  createDemoJob(durationSeconds: number): {
    filePath: string;
    metadataPath: string;
    destinationFolder: string;
    destinationFolderKind: 'queueBottom';
    submittedAt: string;
  } {
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
    this.ingest(id).timeline.interrupt(this.clock.now(), steps);
  }

  finish(id: number): void {
    this.scriptIngest(id, [{ at: 0, state: { status: 'DONE' } }]);
  }

  fail(id: number, statusError: string): void {
    this.scriptIngest(id, [{ at: 0, state: { status: 'ERRORED', statusError } }]);
  }

  /** The entry disappears from the list (a purged history). */
  remove(id: number): void {
    this.ingest(id).removed = true;
  }

  /** The list as the status page would answer it now. */
  entries(): unknown[] {
    const now = this.clock.now();
    const live = this.ingests
      .filter((ingest) => !ingest.removed && now >= ingest.requestedAt + ingest.listedAfterSeconds * 1000)
      .map((ingest) => this.describe(ingest, now));
    return [...this.staticEntries, ...live];
  }

  /** Formats an instant as the instance writes it. */
  formatDate(instant: number): string | number {
    const parts = wallClockParts(instant, this.timeZone);
    switch (this.quirks.dateFormat) {
      case 'iso':
        return new Date(instant).toISOString();
      case 'unixSeconds':
        return Math.floor(instant / 1000);
      case 'isoOffset': {
        const wholeSecond = Math.floor(instant / 1000) * 1000;
        const offset = Math.round((wallClockAt(wholeSecond, this.timeZone) - wholeSecond) / 60_000);
        const sign = offset < 0 ? '-' : '+';
        const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
        const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
        return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${sign}${hours}:${minutes}`;
      }
      case 'dashed':
        return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
      default:
        return `${parts.year}-${parts.month}${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
    }
  }

  // --- wire --------------------------------------------------------------------------------

  private ingest(id: number): SimIngest {
    const ingest = this.ingests.find((candidate) => candidate.id === id);
    if (!ingest) throw new Error(`No simulated Okast ingest ${id}`);
    return ingest;
  }

  /** What Okast would do with these parameters, as far as the published example shows. */
  private stepsFor(
    parameters: OkastSimRequestParameters,
    requestedAt: number,
  ): TimelineStep<OkastSimState>[] {
    const refuse = (statusError: string): TimelineStep<OkastSimState>[] => [
      { at: 0, state: { status: 'PENDING' } },
      { at: 3, state: { status: 'ERRORED', statusError } },
    ];
    if (!parameters.filePath) return refuse('file path missing');
    const kind = parameters.destinationFolderKind;
    if (kind && !['queueBottom', 'queueTop', 'indexed'].includes(kind)) {
      return refuse('invalid destinationFolderKind'); // [INF] wording
    }
    if (this.quirks.refuseDuplicates) {
      const alreadyDone = this.ingests.some(
        (ingest) =>
          ingest.request.filePath === parameters.filePath &&
          ingest.timeline.at(requestedAt).step.state.status === 'DONE',
      );
      if (alreadyDone) return refuse('File already exists in database');
    }
    return demoSteps(60);
  }

  private describe(ingest: SimIngest, now: number): Record<string, unknown> {
    const { step } = ingest.timeline.at(now);
    const entry: Record<string, unknown> = this.quirks.flattenRequest
      ? { ...ingest.request }
      : { request: { ...ingest.request } };
    entry.requestTime = this.formatDate(ingest.requestedAt);
    entry.lastStatusUpdate = this.formatDate(ingest.requestedAt + step.at * 1000);
    entry.status = this.writeStatus(step.state.status);
    const statusError = step.state.statusError;
    if (statusError !== undefined) {
      if (this.quirks.statusErrorShape === 'object') entry.statusError = { code: 17, message: statusError };
      else if (this.quirks.statusErrorShape === 'array') entry.statusError = [statusError];
      else entry.statusError = statusError;
    }
    return entry;
  }

  private writeStatus(status: string): string {
    switch (this.quirks.statusCase) {
      case 'lower':
        return status.toLowerCase();
      case 'title':
        return `${status.slice(0, 1).toUpperCase()}${status.slice(1).toLowerCase()}`;
      default:
        return status;
    }
  }

  private handle(request: SimRequest): SimResponse {
    const path = request.url.pathname.replace(/^\/+/, '');
    if (path !== this.statusPath && path !== this.addVideoLinkPath) {
      return {
        status: 404,
        body: '<html><body><h1>404 Not Found</h1></body></html>',
        contentType: 'text/html',
      };
    }
    if (!this.authorized(request)) {
      return {
        status: 401,
        body: '<html><body><h1>401 Unauthorized</h1></body></html>',
        contentType: 'text/html',
        headers: this.auth.scheme === 'basic' ? { 'www-authenticate': 'Basic realm="okast"' } : undefined,
      };
    }
    if (path === this.statusPath) {
      if (request.method !== 'GET')
        return { status: 405, body: 'Method Not Allowed', contentType: 'text/plain' };
      const entries = this.entries();
      const list = this.quirks.sparseObject
        ? Object.fromEntries(entries.map((entry, position) => [String(position * 2), entry]))
        : entries;
      const body = this.quirks.wrapListIn ? { [this.quirks.wrapListIn]: list } : list;
      // The published example is indented by four spaces, as PHP's JSON_PRETTY_PRINT writes it.
      const text = JSON.stringify(body, null, 4);
      return {
        status: 200,
        body: this.quirks.byteOrderMark ? `\uFEFF${text}` : text,
        contentType: this.quirks.contentType ?? 'application/json',
      };
    }
    return this.addVideoLink(request);
  }

  private addVideoLink(request: SimRequest): SimResponse {
    const parameters: Record<string, string> = {};
    const sources: URLSearchParams[] = [request.url.searchParams];
    const contentType = String(request.headers['content-type'] ?? '');
    if (request.method === 'POST' && contentType.includes('application/x-www-form-urlencoded')) {
      sources.push(new URLSearchParams(request.body));
    }
    if (request.method === 'POST' && contentType.includes('application/json')) {
      try {
        const body: unknown = JSON.parse(request.body);
        if (body && typeof body === 'object') {
          for (const [name, value] of Object.entries(body)) {
            if (value !== null && typeof value !== 'object') parameters[name] = String(value);
          }
        }
      } catch {
        return json(400, { result: 'KO', error: 'invalid JSON body' });
      }
    }
    for (const source of sources) {
      for (const name of ACCEPTED_PARAMETERS) {
        const value = source.get(name);
        if (value !== null) parameters[name] = value;
      }
    }
    const id = this.addIngest(parameters);
    // [INF] The answer of _addVideoLink.php is not published.
    return json(200, { result: 'OK', requestTime: this.formatDate(this.ingest(id).requestedAt) });
  }

  private authorized(request: SimRequest): boolean {
    const auth = this.auth;
    switch (auth.scheme) {
      case 'none':
        return true;
      case 'basic': {
        const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
        return sameText(String(request.headers.authorization ?? ''), expected);
      }
      case 'header':
        return sameText(String(request.headers[auth.headerName.toLowerCase()] ?? ''), auth.headerValue);
      case 'query':
        return sameText(request.url.searchParams.get(auth.paramName) ?? '', auth.paramValue);
    }
  }
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
