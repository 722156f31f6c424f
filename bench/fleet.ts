import type { VendorName } from '../lib/jobs/job.js';
import type { Clock } from '../local/clock.js';
import { AdmiralCloudSimulator } from '../local/simulators/admiralcloud/index.js';
import { AvidCtmsSimulator } from '../local/simulators/avid-ctms/index.js';
import {
  CinegyPcsSimulator,
  finished,
  IN_PROGRESS,
  REGISTERED,
  SUCCESS,
} from '../local/simulators/cinegy-pcs/index.js';
import { OkastSimulator } from '../local/simulators/okast/index.js';
import type { TimelineStep } from '../local/simulators/timeline.js';
import { VdgSenseSimulator, vdgTime } from '../local/simulators/vdg-sense/index.js';

/** How a job's progress moves (the shapes that make polling hard). */
export type ProgressProfile = 'steady' | 'bursty' | 'stalling' | 'none';

export interface FleetJobSpec {
  vendor: VendorName;
  profile: ProgressProfile;
  /** Clock seconds after the benchmark starts that the pipeline submits the job and asks for a watch. */
  submittedAt: number;
  /** Clock seconds after the benchmark starts that the vendor starts the job (after its queue). */
  startsAt: number;
  durationSeconds: number;
}

export interface FleetJob extends FleetJobSpec {
  reference: Record<string, unknown>;
  /** Clock ms at which both designs are asked to watch the job. */
  watchAt: number;
  /** Clock ms at which the vendor finishes the job. */
  vendorEndsAt: number;
}

/** A small seeded generator, so every run benchmarks the same fleet. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What each simulated vendor can do: which progress shapes its wire format can express. */
const VENDOR_PROFILES: Record<string, readonly ProgressProfile[]> = {
  'avid-ctms': ['steady', 'bursty', 'stalling'],
  'cinegy-pcs': ['steady', 'stalling'],
  'vdg-sense': ['steady', 'bursty'],
  admiralcloud: ['steady', 'none'],
  // Okast reports no progress at all.
  okast: ['none'],
};

/** The longest a fleet job waits in its vendor's queue after it was submitted. */
export const MAX_QUEUE_SECONDS = 120;

/**
 * The benchmark fleet: durations log-uniform between one minute and `maxHours`, submissions
 * spread over the first ten minutes, each followed by up to two minutes in the vendor's queue,
 * vendors in turn, each with the progress shapes it can show.
 */
export function planFleet(options: {
  jobs: number;
  maxHours: number;
  seed: number;
  vendors: VendorName[];
}): FleetJobSpec[] {
  const random = seededRandom(options.seed);
  const minSeconds = 60;
  const maxSeconds = options.maxHours * 3600;
  return Array.from({ length: options.jobs }, (_, index) => {
    const vendor = options.vendors[index % options.vendors.length] as VendorName;
    const profiles = VENDOR_PROFILES[vendor] ?? ['steady'];
    const roll = random();
    const profile: ProgressProfile =
      profiles.length === 1
        ? (profiles[0] as ProgressProfile)
        : roll < 0.6
          ? (profiles[0] as ProgressProfile)
          : (profiles[1 + Math.floor(random() * (profiles.length - 1))] as ProgressProfile);
    const submittedAt = Math.round(random() * 600);
    const durationSeconds = Math.round(minSeconds * (maxSeconds / minSeconds) ** random());
    // Up to two minutes in the vendor's queue before the job starts.
    const startsAt = submittedAt + Math.round(random() * MAX_QUEUE_SECONDS);
    return { vendor, profile, submittedAt, startsAt, durationSeconds };
  });
}

/** Progress over time for a shape: [seconds after start, percent] pairs ending at (duration, 100). */
export function progressCurve(
  profile: ProgressProfile,
  durationSeconds: number,
  random: () => number,
): Array<[number, number]> {
  switch (profile) {
    case 'steady':
      return [
        [0, 0],
        [durationSeconds, 100],
      ];
    case 'bursty': {
      // Progress moves in 4–8 jumps at irregular times, flat in between.
      const jumps = 4 + Math.floor(random() * 5);
      // Jumps stay strictly inside the run: a step scripted after the end would reopen the job.
      const times = Array.from({ length: jumps }, () => 1 + random() * (durationSeconds - 4)).sort(
        (a, b) => a - b,
      );
      const points: Array<[number, number]> = [[0, 0]];
      times.forEach((time, index) => {
        const before = points[points.length - 1]?.[1] ?? 0;
        points.push([time, before]);
        points.push([time + 1, Math.round(((index + 1) / (jumps + 1)) * 100)]);
      });
      points.push([durationSeconds - 1, points[points.length - 1]?.[1] ?? 0]);
      points.push([durationSeconds, 100]);
      return points;
    }
    case 'stalling': {
      // Steady, then no progress at all for a third of the run, then steady again.
      const stallFrom = durationSeconds * 0.3;
      const stallTo = durationSeconds * 0.63;
      return [
        [0, 0],
        [stallFrom, 40],
        [stallTo, 40],
        [durationSeconds, 100],
      ];
    }
    case 'none':
      return [
        [0, 0],
        [durationSeconds, 100],
      ];
  }
}

export interface FleetSimulators {
  'avid-ctms': AvidCtmsSimulator;
  'cinegy-pcs': CinegyPcsSimulator;
  okast: OkastSimulator;
  'vdg-sense': VdgSenseSimulator;
  admiralcloud: AdmiralCloudSimulator;
}

export function createFleetSimulators(clock: Clock): FleetSimulators {
  return {
    'avid-ctms': new AvidCtmsSimulator({ clock, auth: 'static-token' }),
    'cinegy-pcs': new CinegyPcsSimulator({ clock }),
    okast: new OkastSimulator({ clock }),
    'vdg-sense': new VdgSenseSimulator({ clock }),
    admiralcloud: new AdmiralCloudSimulator({ clock }),
  };
}

/**
 * Creates the fleet's jobs at the vendors, scripted from now, and returns what to watch and when.
 * Every job is submitted `leadInSeconds` after now or later (its `submittedAt`), so the stacks are
 * ready before the first watch; the vendor holds it as queued until its `startsAt`.
 */
export function createFleetJobs(
  simulators: FleetSimulators,
  specs: FleetJobSpec[],
  clock: Clock,
  seed: number,
  leadInSeconds: number,
): FleetJob[] {
  const random = seededRandom(seed + 1);
  const origin = clock.now();
  return specs.map((planned) => {
    const spec = {
      ...planned,
      submittedAt: planned.submittedAt + leadInSeconds,
      startsAt: planned.startsAt + leadInSeconds,
    };
    const curve = progressCurve(spec.profile, spec.durationSeconds, random);
    const reference = createAtVendor(simulators, spec, curve, origin);
    return {
      ...spec,
      reference,
      watchAt: origin + spec.submittedAt * 1000,
      vendorEndsAt: origin + (spec.startsAt + spec.durationSeconds) * 1000,
    };
  });
}

function createAtVendor(
  simulators: FleetSimulators,
  spec: FleetJobSpec,
  curve: Array<[number, number]>,
  origin: number,
): Record<string, unknown> {
  const offset = spec.startsAt;
  const end = offset + spec.durationSeconds;
  switch (spec.vendor) {
    case 'avid-ctms': {
      const running = { text: 'Processing', code: 'CTMS/RUNNING' };
      const steps = [
        {
          at: 0,
          progress: 0,
          state: { lifecycle: 'pending' as const, state: { text: 'Waiting', code: 'CTMS/PENDING' } },
        },
        ...curve.slice(0, -1).map(([at, progress]) => ({
          at: offset + at,
          progress,
          state: { lifecycle: 'running' as const, state: running },
        })),
        {
          at: end,
          progress: 100,
          state: { lifecycle: 'finished' as const, state: { text: 'Done', code: 'CTMS/FINISHED' } },
        },
      ];
      return simulators['avid-ctms'].createCommand({ steps });
    }
    case 'vdg-sense': {
      const footageStart = Date.UTC(2024, 0, 19, 10, 0, 0);
      const steps: TimelineStep<'PENDING' | 'SYNCING' | 'COMPLETED'>[] = [
        { at: 0, progress: 0, state: 'PENDING' },
        ...curve
          .slice(0, -1)
          .map(([at, progress]) => ({ at: offset + at, progress, state: 'SYNCING' as const })),
        { at: end, progress: 100, state: 'COMPLETED' },
      ];
      const path = `D:\\Exports\\bench-${Math.round(random01() * 1e9)}`;
      const device = {
        serverId: 'srv-1',
        deviceId: `cam-${Math.round(random01() * 1e9)}`,
        startTime: vdgTime(footageStart),
        endTime: vdgTime(footageStart + 60_000),
      };
      const exportId = simulators['vdg-sense'].createExport({ path, devices: [{ ...device, steps }] });
      return { exportId, path, devices: [device] };
    }
    case 'cinegy-pcs': {
      const steps = [
        { at: 0, state: REGISTERED },
        ...curve.slice(0, -1).map(([at, progress]) => ({ at: offset + at, progress, state: IN_PROGRESS })),
        { at: end, progress: 100, state: finished(SUCCESS) },
      ];
      const { taskId } = simulators['cinegy-pcs'].createTask({ steps });
      return { taskId };
    }
    case 'okast': {
      const name = `bench-${Math.round(random01() * 1e9)}`;
      const files = {
        filePath: `https://storage.example.com/okast/${name}.mp4`,
        metadataPath: `https://storage.example.com/okast/${name}.json`,
      };
      // Okast has no job id: the watch matches the entry by file and by when it was submitted.
      const reference = { ...files, submittedAt: new Date(origin).toISOString() };
      simulators.okast.addIngest(files, {
        requestedAt: origin,
        steps: [
          { at: 0, state: { status: 'PENDING' } },
          { at: offset, state: { status: 'PROCESSING' } },
          { at: end, state: { status: 'DONE' } },
        ],
      });
      return reference;
    }
    case 'admiralcloud': {
      const jobId = simulators.admiralcloud.createJob({
        parts: [{ durationSeconds: spec.durationSeconds, startAfterSeconds: offset }],
        listed: spec.profile !== 'none',
      });
      return { jobId };
    }
    default:
      throw new Error(`No fleet factory for ${spec.vendor}`);
  }
}

let counter = 0;
function random01(): number {
  counter += 1;
  return (counter * 0.6180339887) % 1;
}
