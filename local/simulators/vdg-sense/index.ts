import { createHash, randomBytes } from 'node:crypto';
import { parseXml } from '../../../lib/vendors/shared/xml.js';
import { type Clock, systemClock } from '../../clock.js';
import { type SimRequest, type SimResponse, SimServer } from '../sim-server.js';
import { Timeline, type TimelineStep } from '../timeline.js';

/**
 * A VDG Sense manager's export API over loopback HTTP: `POST webservice` (AuthenticateUserDigest
 * login), `GET command?command=getExportVideoStatus[&exportid=]`, `POST exportVideo` (create or
 * remove), `GET info`. Answers are `text/xml` `<result errorcode="N">` documents. Each export's
 * devices move along their own timelines on the given clock.
 */

/** A device's own status. FAILED is [INF]: VDG documents no failure value for a device. */
export type VdgDeviceStatus = 'PENDING' | 'SYNCING' | 'COMPLETED' | 'FAILED';

export interface VdgSimDeviceSpec {
  serverId: string;
  deviceId: string;
  /** `yyyy-mm-dd hh:nn:ss.zzz`, UTC. */
  startTime: string;
  endTime: string;
  /** The device's script; default: pending for a tenth of `durationSeconds`, then syncing to 100. */
  steps?: TimelineStep<VdgDeviceStatus>[];
  /** Clock seconds the device takes when no steps are given. Default 60. */
  durationSeconds?: number;
}

export interface VdgSimExportSpec {
  path: string;
  bandwidth?: number;
  devices: VdgSimDeviceSpec[];
}

export interface VdgSimQuirks {
  /** Write statuses lower-case (the docs list them both ways). */
  lowerCaseStatuses?: boolean;
  /** Answer in the documented sample's malformed shape: commented declaration, unquoted count, unclosed devices. */
  malformedShape?: boolean;
  /** List every export whatever `exportid` asks for (the parameter is optional; a manager may ignore it). */
  ignoreExportIdFilter?: boolean;
  /** Answer an unknown `exportid` with errorcode 0 and an empty list instead of -57. */
  unknownIdAsEmptyList?: boolean;
  /** Write the errorcode as a `<errorcode>` child of `<result>` instead of its attribute. */
  errorCodeAsElement?: boolean;
  /** Accept requests without a session although the login works (a manager that does not check). */
  sessionOptional?: boolean;
}

export interface VdgSenseSimulatorOptions {
  clock?: Clock;
  /** How clients must authenticate. Default 'digest'. */
  auth?: 'digest' | 'basic' | 'none';
  username?: string;
  password?: string;
  /** A client nonce the manager insists on; any nonce is accepted when absent. */
  clientNonce?: string;
  quirks?: VdgSimQuirks;
  /** Refuse a missing or expired session with HTTP 200 and this errorcode instead of HTTP 401. [INF] */
  sessionRefusedErrorCode?: number;
}

interface SimDevice {
  spec: VdgSimDeviceSpec;
  timeline: Timeline<VdgDeviceStatus>;
}

interface SimExport {
  id: string;
  path: string;
  bandwidth: number;
  devices: SimDevice[];
  removed: boolean;
}

/** How far the manager's clock may drift from a login's timestamp. [INF] */
const TIMESTAMP_TOLERANCE_MS = 10 * 60 * 1000;

export class VdgSenseSimulator {
  readonly server: SimServer;
  readonly credentials: Record<string, string>;
  private readonly clock: Clock;
  private readonly auth: 'digest' | 'basic' | 'none';
  private readonly clientNonce: string | undefined;
  private quirks: VdgSimQuirks;
  private readonly exports = new Map<string, SimExport>();
  private readonly sessions = new Set<string>();
  private nextId = 1;
  private pendingErrorCodes: number[] = [];
  private refuseSessions = false;
  private readonly sessionRefusedErrorCode: number | undefined;
  /** Successful logins, so tests can see when a session was reused or renewed. */
  logins = 0;

  constructor(options: VdgSenseSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.auth = options.auth ?? 'digest';
    this.clientNonce = options.clientNonce;
    this.quirks = { ...options.quirks };
    this.sessionRefusedErrorCode = options.sessionRefusedErrorCode;
    this.credentials =
      this.auth === 'none'
        ? {}
        : { username: options.username ?? 'jobwatch', password: options.password ?? 'sense-secret-4711' };
    this.server = new SimServer((request) => this.handle(request), { clock: this.clock });
  }

  start(): Promise<string> {
    return this.server.start('/');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The connection options the adapter needs to talk to this simulator. */
  connectionOptions(): Record<string, unknown> {
    if (this.auth === 'digest') {
      return { auth: { scheme: 'digest', ...(this.clientNonce ? { nonce: this.clientNonce } : {}) } };
    }
    return { auth: { scheme: this.auth } };
  }

  setQuirks(quirks: VdgSimQuirks): void {
    this.quirks = { ...this.quirks, ...quirks };
  }

  // --- scripting ---------------------------------------------------------------------------

  /** Creates an export as `exportVideo` would and returns its id. */
  createExport(spec: VdgSimExportSpec): string {
    const id = String(this.nextId);
    this.nextId += 1;
    this.exports.set(id, this.build(id, spec));
    return id;
  }

  /**
   * An export of two cameras (60 s and 30 s of footage) that completes over `durationSeconds`
   * clock seconds, the shorter one first. Returns the job reference a caller passes to jobwatch.
   */
  createDemoJob(durationSeconds: number): {
    exportId: string;
    path: string;
    devices: { serverId: string; deviceId: string; startTime: string; endTime: string }[];
  } {
    const footageStart = Date.UTC(2024, 0, 19, 10, 0, 0);
    const suffix = randomBytes(3).toString('hex');
    const devices = [
      { deviceId: `cam-entrance-${suffix}`, footageSeconds: 60, durationSeconds },
      { deviceId: `cam-lobby-${suffix}`, footageSeconds: 30, durationSeconds: durationSeconds / 2 },
    ].map((device) => ({
      serverId: 'srv-0001',
      deviceId: device.deviceId,
      startTime: vdgTime(footageStart),
      endTime: vdgTime(footageStart + device.footageSeconds * 1000),
      durationSeconds: device.durationSeconds,
    }));
    const path = `D:\\Exports\\demo-${suffix}`;
    const exportId = this.createExport({ path, bandwidth: 4000, devices });
    return {
      exportId,
      path,
      devices: devices.map(({ serverId, deviceId, startTime, endTime }) => ({
        serverId,
        deviceId,
        startTime,
        endTime,
      })),
    };
  }

  /** Replaces a device's script from now on (steps relative to now). */
  scriptDevice(exportId: string, deviceIndex: number, steps: TimelineStep<VdgDeviceStatus>[]): void {
    this.device(exportId, deviceIndex).timeline.interrupt(this.clock.now(), steps);
  }

  /** Every device of the export completes now. */
  complete(exportId: string): void {
    for (const device of this.export(exportId).devices) {
      device.timeline.interrupt(this.clock.now(), [{ at: 0, state: 'COMPLETED', progress: 100 }]);
    }
  }

  /** The other devices complete, this one fails where it stands: the export ends COMPLETED, partial. */
  completeWithFailedDevice(exportId: string, deviceIndex: number): void {
    const now = this.clock.now();
    this.export(exportId).devices.forEach((device, index) => {
      const progress = device.timeline.at(now).progress ?? 0;
      device.timeline.interrupt(
        now,
        index === deviceIndex
          ? [{ at: 0, state: 'FAILED', progress: Math.round(progress) }]
          : [{ at: 0, state: 'COMPLETED', progress: 100 }],
      );
    });
  }

  /** The export is removed (as a user or `exportVideo` remove would). */
  remove(exportId: string): void {
    this.export(exportId).removed = true;
  }

  /** The SensePluginManager restarts: every export is forgotten and ids start again at 1. */
  restart(): void {
    this.exports.clear();
    this.sessions.clear();
    this.nextId = 1;
  }

  /** Another export takes over this id, as happens after a restart. */
  reuseId(exportId: string, spec: VdgSimExportSpec): void {
    this.exports.set(exportId, this.build(exportId, spec));
    this.nextId = Math.max(this.nextId, Number(exportId) + 1);
  }

  /** The next `count` status requests answer this errorcode (default -18, general error). */
  failStatusRequests(count = 1, errorCode = -18): void {
    for (let index = 0; index < count; index += 1) this.pendingErrorCodes.push(errorCode);
  }

  /** Forgets every session, as a manager restart or session timeout would. */
  expireSessions(): void {
    this.sessions.clear();
  }

  /** Refuses every session even right after login (a misconfigured licence, say). */
  refuseAllSessions(refuse = true): void {
    this.refuseSessions = refuse;
  }

  // --- wire format ---------------------------------------------------------------------------

  private handle(request: SimRequest): SimResponse | Promise<SimResponse> {
    const path = withoutTrailingSlashes(request.url.pathname.toLowerCase());
    if (path === '/info') {
      return xml(
        200,
        `<?xml version="1.0" encoding="UTF-8"?><apiinfo><utc>${vdgTime(this.clock.now()).slice(0, 19)}</utc><version>2.7.3</version></apiinfo>`,
      );
    }
    if (path === '/webservice' && request.method === 'POST') return this.login(request);
    const refusal = this.checkAuth(request);
    if (refusal) return refusal;
    // "All http requests and commands are case insensitive."
    const command = (
      path === '/command' ? (request.url.searchParams.get('command') ?? '') : path.slice(1)
    ).toLowerCase();
    if (command === 'getexportvideostatus' && request.method === 'GET') {
      return this.status(request.url.searchParams.get('exportid') ?? undefined);
    }
    if (command === 'exportvideo' && request.method === 'POST')
      return this.exportVideo(request.body, request.url.searchParams);
    return { status: 404, body: 'Not Found', contentType: 'text/plain' };
  }

  private login(request: SimRequest): SimResponse {
    if (this.auth !== 'digest') return xml(404, '<result errorcode="-1"/>');
    let body: Record<string, unknown>;
    try {
      body = parseXml(request.body, { lowerCaseNames: true });
    } catch {
      return xml(400, '<result errorcode="-18"/>');
    }
    const message = (body.authenticateuserdigest ?? {}) as Record<string, unknown>;
    const field = (name: string): string =>
      typeof message[name] === 'string' ? (message[name] as string) : '';
    const nonce = field('nonce');
    const timestamp = field('timestamp');
    const stampedAt = Date.parse(`${timestamp.replace(' ', 'T')}Z`);
    const expected = createHash('sha1')
      .update(`${nonce}${timestamp}${this.credentials.password ?? ''}`)
      .digest('hex');
    const valid =
      field('username') === this.credentials.username &&
      nonce !== '' &&
      (this.clientNonce === undefined || nonce === this.clientNonce) &&
      Number.isFinite(stampedAt) &&
      Math.abs(stampedAt - this.clock.now()) <= TIMESTAMP_TOLERANCE_MS &&
      field('digest').toLowerCase() === expected;
    // [INF] A refused login answers 401 with a negative errorcode.
    if (!valid) return xml(401, '<?xml version="1.0"?><result errorcode="-1"/>');
    const session = randomBytes(16).toString('hex');
    this.sessions.add(session);
    this.logins += 1;
    return xml(200, `<?xml version="1.0"?><result errorcode="0"><sessionid>${session}</sessionid></result>`);
  }

  private checkAuth(request: SimRequest): SimResponse | undefined {
    if (this.auth === 'none') return undefined;
    if (this.auth === 'basic') {
      const expected = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
      if (request.headers.authorization === expected) return undefined;
      return {
        ...xml(401, '<result errorcode="-1"/>'),
        headers: { 'www-authenticate': 'Basic realm="VDG Sense"' },
      };
    }
    if (this.quirks.sessionOptional) return undefined;
    const cookie = /(?:^|;\s*)sessionid=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
    const session = cookie ?? request.url.searchParams.get('sessionid') ?? '';
    if (!this.refuseSessions && this.sessions.has(session)) return undefined;
    if (this.sessionRefusedErrorCode !== undefined) {
      return xml(200, `<result errorcode="${this.sessionRefusedErrorCode}"/>`);
    }
    return xml(401, '<result errorcode="-1"/>');
  }

  private status(exportId: string | undefined): SimResponse {
    const forced = this.pendingErrorCodes.shift();
    if (forced !== undefined) return xml(200, `<?xml version="1.0"?>${this.resultTag(forced)}</result>`);
    if (exportId !== undefined && !this.quirks.ignoreExportIdFilter) {
      const entry = this.exports.get(exportId);
      if (entry) return xml(200, this.render([entry]));
      if (this.quirks.unknownIdAsEmptyList) return xml(200, this.render([]));
      return xml(200, `<?xml version="1.0"?>${this.resultTag(-57)}</result>`);
    }
    return xml(200, this.render([...this.exports.values()]));
  }

  /** The opening `<result>` with its errorcode, where the quirks put it. */
  private resultTag(errorCode: number): string {
    return this.quirks.errorCodeAsElement
      ? `<result><errorcode>${errorCode}</errorcode>`
      : `<result errorcode="${errorCode}">`;
  }

  private exportVideo(body: string, query: URLSearchParams): SimResponse {
    let document: Record<string, unknown>;
    try {
      document = parseXml(body, { lowerCaseNames: true, alwaysArray: ['device'] });
    } catch {
      return xml(200, '<result errorcode="-18"/>');
    }
    const request = (document.export ?? {}) as Record<string, unknown>;
    const text = (value: unknown): string => (typeof value === 'string' ? value : '');
    const action = (text(request.action) || (query.get('action') ?? '')).toLowerCase();
    if (action === 'remove') {
      const entry = this.exports.get(text(request.exportid) || (query.get('exportid') ?? ''));
      if (!entry) return xml(200, '<result errorcode="-57"/>');
      if (this.exportStatus(entry) === 'COMPLETED') return xml(200, '<result errorcode="-18"/>');
      entry.removed = true;
      return xml(200, '<result errorcode="0"/>');
    }
    const devicesNode = (request.devices ?? {}) as { device?: unknown };
    const devices = (Array.isArray(devicesNode.device) ? devicesNode.device : []) as Record<
      string,
      unknown
    >[];
    const specs = devices.map((device) => ({
      serverId: text(device.serverid),
      deviceId: text(device.deviceid),
      startTime: text(device.starttime),
      endTime: text(device.endtime),
    }));
    if (
      specs.length === 0 ||
      specs.some((spec) => !spec.serverId || !spec.deviceId || !spec.startTime || !spec.endTime)
    ) {
      return xml(200, '<result errorcode="-18"/>');
    }
    const id = this.createExport({
      path: text(request.path),
      bandwidth: Number(text(request.bandwidth)) || 0,
      devices: specs,
    });
    return xml(200, `<?xml version="1.0"?><result errorcode="0"><exportid>${id}</exportid></result>`);
  }

  private render(entries: SimExport[]): string {
    const now = this.clock.now();
    const malformed = this.quirks.malformedShape === true;
    const word = (status: string): string => (this.quirks.lowerCaseStatuses ? status.toLowerCase() : status);
    const exportsXml = entries
      .map((entry) => {
        const devices = entry.devices
          .map((device, index) => {
            const position = device.timeline.at(now);
            const fields =
              `<serverid>${escapeXmlText(device.spec.serverId)}</serverid><deviceid>${escapeXmlText(device.spec.deviceId)}</deviceid>` +
              `<starttime>${escapeXmlText(device.spec.startTime)}</starttime><endtime>${escapeXmlText(device.spec.endTime)}</endtime>` +
              `<progress>${Math.round(position.progress ?? 0)}</progress><status>${word(position.step.state)}</status>`;
            // The documented sample leaves every device but the last unclosed.
            const close = malformed && index < entry.devices.length - 1 ? '' : '</device>';
            return `<device>${fields}${close}`;
          })
          .join(' ');
        return (
          `<export><exportid>${entry.id}</exportid><path>${escapeXmlText(entry.path)}</path>` +
          `<status>${word(this.exportStatus(entry))}</status><bandwidth>${entry.bandwidth}</bandwidth>` +
          `<devices>${devices}</devices></export>`
        );
      })
      .join(' ');
    const count = malformed ? `count=${entries.length}` : `count="${entries.length}"`;
    const declaration = malformed ? '<!--?xml version="1.0" ?-->' : '<?xml version="1.0"?>';
    return `${declaration} ${this.resultTag(0)} <exports ${count}> ${exportsXml} </exports> </result>`;
  }

  private exportStatus(entry: SimExport): string {
    if (entry.removed) return 'REMOVED';
    const now = this.clock.now();
    const states = entry.devices.map((device) => device.timeline.at(now).step.state);
    const finished = states.filter((state) => state === 'COMPLETED' || state === 'FAILED').length;
    if (finished === states.length) return 'COMPLETED';
    if (finished > 0 || states.includes('SYNCING')) return 'SYNCING';
    return 'PENDING';
  }

  private build(id: string, spec: VdgSimExportSpec): SimExport {
    const startedAt = this.clock.now();
    return {
      id,
      path: spec.path,
      bandwidth: spec.bandwidth ?? 0,
      removed: false,
      devices: spec.devices.map((device) => ({
        spec: device,
        timeline: new Timeline(device.steps ?? defaultSteps(device.durationSeconds ?? 60), startedAt),
      })),
    };
  }

  private export(exportId: string): SimExport {
    const entry = this.exports.get(exportId);
    if (!entry) throw new Error(`No export ${exportId} in the simulator`);
    return entry;
  }

  private device(exportId: string, deviceIndex: number): SimDevice {
    const device = this.export(exportId).devices[deviceIndex];
    if (!device) throw new Error(`Export ${exportId} has no device ${deviceIndex}`);
    return device;
  }
}

function defaultSteps(durationSeconds: number): TimelineStep<VdgDeviceStatus>[] {
  const queued = Math.max(0.001, durationSeconds * 0.1);
  return [
    { at: 0, state: 'PENDING', progress: 0 },
    { at: queued, state: 'SYNCING', progress: 0 },
    { at: Math.max(queued + 0.001, durationSeconds), state: 'COMPLETED', progress: 100 },
  ];
}

function xml(status: number, body: string): SimResponse {
  return { status, body, contentType: 'text/xml' };
}

function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** VDG's UTC time format, `yyyy-mm-dd hh:nn:ss.zzz`. */
export function vdgTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

// A loop, not `/\/+$/`: that pattern is retried from every slash of a long run (quadratic).
function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charAt(end - 1) === '/') end -= 1;
  return text.slice(0, end);
}
