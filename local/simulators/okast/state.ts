import type { Clock } from '../../clock.js';
import { Timeline, type TimelineStep } from '../timeline.js';

/** A status the simulator writes. [DOC] Only DONE and ERRORED are documented; the others are [INF]. */
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

export const ECHOED_PARAMETERS = [
  'filePath',
  'metadataPath',
  'destinationFolder',
  'destinationFolderKind',
  'destinationFolderIndex',
  'destinationFolderIndexReplace',
  'reschedule',
] as const;
/** `validate` is taken but never echoed: the published example never shows it. */
export const ACCEPTED_PARAMETERS = [...ECHOED_PARAMETERS, 'validate'] as const;

const DESTINATION_FOLDER_KINDS = ['queueBottom', 'queueTop', 'indexed'];

export interface OkastSimIngestOptions {
  /** Clock ms of the request; default now. */
  requestedAt?: number;
  /** The script, seconds after the request; default: what Okast would do with the parameters. */
  steps?: TimelineStep<OkastSimState>[];
  /** Seconds after the request before the entry shows up in the list at all. */
  listedAfterSeconds?: number;
}

/** One ingest request the instance took. */
export interface SimIngest {
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

function refused(statusError: string): TimelineStep<OkastSimState>[] {
  return [
    { at: 0, state: { status: 'PENDING' } },
    { at: 3, state: { status: 'ERRORED', statusError } },
  ];
}

/**
 * Every ingest request an instance ever took, in request order — what `_getIngestStatus.php`
 * lists — and entries loaded verbatim (e.g. the published example) before them.
 */
export class OkastIngestBook {
  private readonly ingests: SimIngest[] = [];
  private staticEntries: unknown[] = [];
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  load(entries: readonly unknown[]): void {
    this.staticEntries = [...entries];
  }

  add(
    parameters: OkastSimRequestParameters,
    options: OkastSimIngestOptions,
    behaviour: { refuseDuplicates: boolean },
  ): SimIngest {
    const requestedAt = options.requestedAt ?? this.clock.now();
    const request: Record<string, string> = {};
    for (const name of ECHOED_PARAMETERS) {
      const value = parameters[name];
      if (value !== undefined) request[name] = value;
    }
    const steps = options.steps ?? this.stepsFor(parameters, requestedAt, behaviour.refuseDuplicates);
    const ingest: SimIngest = {
      id: this.nextId,
      request,
      requestedAt,
      listedAfterSeconds: options.listedAfterSeconds ?? 0,
      timeline: new Timeline(steps, requestedAt),
      removed: false,
    };
    this.nextId += 1;
    this.ingests.push(ingest);
    return ingest;
  }

  find(id: number): SimIngest {
    const ingest = this.ingests.find((candidate) => candidate.id === id);
    if (!ingest) throw new Error(`No simulated Okast ingest ${id}`);
    return ingest;
  }

  /** Replaces an ingest's script from now on (steps relative to now). */
  script(id: number, steps: TimelineStep<OkastSimState>[]): void {
    this.find(id).timeline.interrupt(this.clock.now(), steps);
  }

  /** What the list shows at `now`: the loaded entries, then every ingest already listed and not purged. */
  listed(now: number): { loaded: readonly unknown[]; ingests: SimIngest[] } {
    const ingests = this.ingests.filter(
      (ingest) => !ingest.removed && now >= ingest.requestedAt + ingest.listedAfterSeconds * 1000,
    );
    return { loaded: this.staticEntries, ingests };
  }

  /** What Okast would do with these parameters, as far as the published example shows. */
  private stepsFor(
    parameters: OkastSimRequestParameters,
    requestedAt: number,
    refuseDuplicates: boolean,
  ): TimelineStep<OkastSimState>[] {
    // [DOC] The published example ends a request without filePath ERRORED "file path missing".
    if (!parameters.filePath) return refused('file path missing');
    const kind = parameters.destinationFolderKind;
    // [INF] wording: the example shows no refused destinationFolderKind.
    if (kind && !DESTINATION_FOLDER_KINDS.includes(kind)) return refused('invalid destinationFolderKind');
    const alreadyDone = this.ingests.some(
      (ingest) =>
        ingest.request.filePath === parameters.filePath &&
        ingest.timeline.at(requestedAt).step.state.status === 'DONE',
    );
    // [DOC] The published example: a file ingested DONE, then ERRORED "File already exists in database" twice.
    if (refuseDuplicates && alreadyDone) return refused('File already exists in database');
    return demoSteps(60);
  }
}
