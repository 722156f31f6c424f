import { type Clock, systemClock } from '../../clock.js';
import { SimServer } from '../sim-server.js';
import type { TimelineStep } from '../timeline.js';
import type { VendorSimulator } from '../vendor-simulator.js';
import { routeVdg, type VdgManager, type VdgSimAuth } from './routes.js';
import {
  demoExportSpec,
  ExportBook,
  SessionBook,
  type VdgDemoJob,
  type VdgDeviceStatus,
  type VdgSimExportSpec,
} from './state.js';
import type { VdgSimQuirks } from './wire-format.js';

export interface VdgSenseSimulatorOptions {
  clock?: Clock;
  /** How clients must authenticate. Default 'digest'. */
  auth?: VdgSimAuth;
  username?: string;
  password?: string;
  /** The nonce the manager issued for the client type. Default: the Authentication article's example. */
  clientNonce?: string;
  quirks?: VdgSimQuirks;
}

/** The example nonce of VDG's Authentication article (CA-20220907-TP-01). */
const DOCUMENTED_NONCE = 'AR5chsWVZagPfMpB';

/**
 * A VDG Sense manager's export API over loopback HTTP: `POST webservice` (AuthenticateUserDigest
 * login), `GET command?command=getExportVideoStatus[&exportid=]`, `POST exportVideo` (create or
 * remove), `GET info`. Answers are `text/xml` `<result errorcode="N">` documents. Each export's
 * devices move along their own timelines on the given clock.
 */
export class VdgSenseSimulator implements VendorSimulator<VdgSimQuirks, VdgDemoJob>, VdgManager {
  readonly vendor = 'vdg-sense';
  readonly server: SimServer;
  readonly credentials: Record<string, string>;
  readonly clock: Clock;
  readonly auth: VdgSimAuth;
  readonly clientNonce: string;
  readonly exports: ExportBook;
  readonly sessions = new SessionBook();
  quirks: VdgSimQuirks;
  private readonly scriptedErrorCodes: number[] = [];

  constructor(options: VdgSenseSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.auth = options.auth ?? 'digest';
    this.clientNonce = options.clientNonce ?? DOCUMENTED_NONCE;
    this.quirks = { ...options.quirks };
    this.credentials =
      this.auth === 'none'
        ? {}
        : { username: options.username ?? 'jobwatch', password: options.password ?? 'sense-secret-4711' };
    this.exports = new ExportBook(this.clock);
    this.server = new SimServer((request) => routeVdg(request, this), { clock: this.clock });
  }

  start(): Promise<string> {
    return this.server.start('/');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The connection options the adapter needs to talk to this simulator. */
  connectionOptions(): Record<string, unknown> {
    return this.auth === 'digest' ? { auth: { nonce: this.clientNonce } } : {};
  }

  setQuirks(quirks: VdgSimQuirks): void {
    this.quirks = { ...this.quirks, ...quirks };
  }

  /** Successful logins, so tests can see when a session was reused or renewed. */
  get logins(): number {
    return this.sessions.logins;
  }

  takeScriptedErrorCode(): number | undefined {
    return this.scriptedErrorCodes.shift();
  }

  // --- scripting ---------------------------------------------------------------------------

  /** Creates an export as `exportVideo` would and returns its id. */
  createExport(spec: VdgSimExportSpec): string {
    return this.exports.create(spec);
  }

  /**
   * An export of two cameras (60 s and 30 s of footage) that completes over `durationSeconds`
   * clock seconds, the shorter one first. Returns the job reference a caller passes to jobwatch.
   */
  createDemoJob(durationSeconds: number): VdgDemoJob {
    const spec = demoExportSpec(durationSeconds);
    const exportId = this.createExport(spec);
    return {
      exportId,
      path: spec.path,
      devices: spec.devices.map(({ serverId, deviceId, startTime, endTime }) => ({
        serverId,
        deviceId,
        startTime,
        endTime,
      })),
    };
  }

  /** Replaces a device's script from now on (steps relative to now). */
  scriptDevice(exportId: string, deviceIndex: number, steps: TimelineStep<VdgDeviceStatus>[]): void {
    this.exports.script(exportId, deviceIndex, steps);
  }

  /** Every device of the export completes now. */
  complete(exportId: string): void {
    this.exports.finish(exportId);
  }

  /** The other devices complete, this one fails where it stands: the export ends COMPLETED, partial. */
  completeWithFailedDevice(exportId: string, deviceIndex: number): void {
    this.exports.finish(exportId, deviceIndex);
  }

  /** The export is removed (as a user or `exportVideo` remove would). */
  remove(exportId: string): void {
    this.exports.remove(exportId);
  }

  /** The SensePluginManager restarts: every export and session is forgotten, ids start again at 1. */
  restart(): void {
    this.exports.restart();
    this.sessions.expire();
  }

  /** Another export takes over this id, as happens after a restart. */
  reuseId(exportId: string, spec: VdgSimExportSpec): void {
    this.exports.reuse(exportId, spec);
  }

  /** The next `count` status requests answer this errorcode (default -18, general error). */
  failStatusRequests(count = 1, errorCode = -18): void {
    for (let index = 0; index < count; index += 1) this.scriptedErrorCodes.push(errorCode);
  }

  /** Forgets every session, as a manager restart or session timeout would. */
  expireSessions(): void {
    this.sessions.expire();
  }

  /** Refuses every session even right after login (a misconfigured licence, say). */
  refuseAllSessions(refuse = true): void {
    this.sessions.refuseAll = refuse;
  }
}
