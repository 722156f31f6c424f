import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { Timeline, type TimelineStep } from '../timeline.js';
import { type ExportView, vdgTime } from './wire-format.js';

/** A device's own status. FAILED is invented: VDG documents no failure value for a device. */
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

/**
 * The reference of a demo export, as a caller passes it to jobwatch. A type, not an interface:
 * callers hold it as a plain `Record<string, unknown>`.
 */
export type VdgDemoJob = {
  exportId: string;
  path: string;
  devices: { serverId: string; deviceId: string; startTime: string; endTime: string }[];
};

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

/**
 * The exports a SensePluginManager knows, with their devices' timelines on the clock. Ids count
 * up from 1 and start again at a restart (the status article: "after a restart of the
 * SensePluginManager, the exportid will be reset").
 */
export class ExportBook {
  private readonly exports = new Map<string, SimExport>();
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  /** Creates an export as `exportVideo` would and returns its id. */
  create(spec: VdgSimExportSpec): string {
    const id = String(this.nextId);
    this.nextId += 1;
    this.exports.set(id, this.build(id, spec));
    return id;
  }

  /** Another export takes over this id, as happens after a restart. */
  reuse(exportId: string, spec: VdgSimExportSpec): void {
    this.exports.set(exportId, this.build(exportId, spec));
    this.nextId = Math.max(this.nextId, Number(exportId) + 1);
  }

  /** Every export is forgotten and ids start again at 1. */
  restart(): void {
    this.exports.clear();
    this.nextId = 1;
  }

  has(exportId: string): boolean {
    return this.exports.has(exportId);
  }

  /** The export as a status answer shows it, or every export when no id is given. */
  views(exportId?: string): ExportView[] {
    const entries = exportId === undefined ? [...this.exports.values()] : [this.exports.get(exportId)];
    return entries.flatMap((entry) => (entry ? [this.view(entry)] : []));
  }

  /** The export's status now: PENDING, SYNCING, COMPLETED, or REMOVED. */
  status(exportId: string): string {
    const entry = this.export(exportId);
    if (entry.removed) return 'REMOVED';
    const now = this.clock.now();
    const states = entry.devices.map((device) => device.timeline.at(now).step.state);
    const finished = states.filter((state) => state === 'COMPLETED' || state === 'FAILED').length;
    if (finished === states.length) return 'COMPLETED';
    if (finished > 0 || states.includes('SYNCING')) return 'SYNCING';
    return 'PENDING';
  }

  remove(exportId: string): void {
    this.export(exportId).removed = true;
  }

  /** Replaces a device's script from now on (steps relative to now). */
  script(exportId: string, deviceIndex: number, steps: TimelineStep<VdgDeviceStatus>[]): void {
    const device = this.export(exportId).devices[deviceIndex];
    if (!device) throw new Error(`Export ${exportId} has no device ${deviceIndex}`);
    device.timeline.interrupt(this.clock.now(), steps);
  }

  /** Every device ends now: completed, but for `failedIndex`, which fails where it stands. */
  finish(exportId: string, failedIndex?: number): void {
    const now = this.clock.now();
    this.export(exportId).devices.forEach((device, index) => {
      const progress = Math.round(device.timeline.at(now).progress ?? 0);
      device.timeline.interrupt(
        now,
        index === failedIndex
          ? [{ at: 0, state: 'FAILED', progress }]
          : [{ at: 0, state: 'COMPLETED', progress: 100 }],
      );
    });
  }

  private view(entry: SimExport): ExportView {
    const now = this.clock.now();
    return {
      id: entry.id,
      path: entry.path,
      status: this.status(entry.id),
      bandwidth: entry.bandwidth,
      devices: entry.devices.map((device) => {
        const position = device.timeline.at(now);
        return {
          serverId: device.spec.serverId,
          deviceId: device.spec.deviceId,
          startTime: device.spec.startTime,
          endTime: device.spec.endTime,
          progress: position.progress ?? 0,
          status: position.step.state,
        };
      }),
    };
  }

  private export(exportId: string): SimExport {
    const entry = this.exports.get(exportId);
    if (!entry) throw new Error(`No export ${exportId} in the simulator`);
    return entry;
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
}

function defaultSteps(durationSeconds: number): TimelineStep<VdgDeviceStatus>[] {
  const queued = Math.max(0.001, durationSeconds * 0.1);
  return [
    { at: 0, state: 'PENDING', progress: 0 },
    { at: queued, state: 'SYNCING', progress: 0 },
    { at: Math.max(queued + 0.001, durationSeconds), state: 'COMPLETED', progress: 100 },
  ];
}

/**
 * A demo export of two cameras (60 s and 30 s of footage) that completes over `durationSeconds`
 * clock seconds, the shorter one first; device ids carry a random suffix so demos never collide.
 */
export function demoExportSpec(durationSeconds: number): VdgSimExportSpec {
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
  return { path: `D:\\Exports\\demo-${suffix}`, bandwidth: 4000, devices };
}

/** What the manager knows of its clients: the sessions it issued and how many logins it took. */
export class SessionBook {
  private readonly issued = new Set<string>();
  /** Successful logins, so tests can see when a session was reused or renewed. */
  logins = 0;
  /** Refuses every session even right after login (a misconfigured licence, say). */
  refuseAll = false;

  issue(): string {
    const session = randomBytes(16).toString('hex');
    this.issued.add(session);
    this.logins += 1;
    return session;
  }

  accepts(session: string): boolean {
    return !this.refuseAll && this.issued.has(session);
  }

  /** Forgets every session, as a manager restart or a session timeout would. */
  expire(): void {
    this.issued.clear();
  }
}
