import { type Clock, systemClock } from '../../clock.js';
import { SimServer } from '../sim-server.js';
import type { VendorSimulator } from '../vendor-simulator.js';
import { type AdmiralCloudAuth, type AdmiralCloudSimQuirks, answer } from './routes.js';
import {
  AdmiralCloudJobs,
  type AdmiralCloudSimJobSpec,
  type AdmiralCloudSimOutcome,
  demoJobSpec,
} from './state.js';

export interface AdmiralCloudSimulatorOptions {
  clock?: Clock;
  accessKey?: string;
  accessSecret?: string;
  clientId?: string;
  /** The prefix of signature errors. Default `acsignature`. */
  errorPrefix?: string;
  /** How far rts may be off the real clock, seconds. Default 10, as the API. */
  rtsToleranceSeconds?: number;
  /**
   * Which clock rts is checked against: `real` (default, the protocol's wall-clock seconds) or
   * `simulated` — the simulator's clock, for callers that run entirely on the same compressed
   * clock (the local stack's bundled functions, whose Date follows the stack's clock).
   */
  rtsClock?: 'real' | 'simulated';
  /** The server's own clock error in seconds: makes it refuse correct timestamps as deviating. */
  serverClockSkewSeconds?: number;
  quirks?: AdmiralCloudSimQuirks;
}

/**
 * AdmiralCloud's activity controller over loopback HTTP (see routes.ts), written from the
 * activity documents and `ac-signature`'s description — it shares no code with the adapter.
 * Job progress runs on the given clock; the signature's rts is checked against *real* time,
 * because the protocol's timestamp is wall-clock seconds whatever the simulated clock does.
 * Quirks make it behave like other readings of the same documents: a server that checks only
 * one signature version, turns numeric GET parameters into numbers, has no activity listing,
 * answers an error instead of `{"ok":true}` before the result, or groups the listing by type.
 */
export class AdmiralCloudSimulator implements VendorSimulator<AdmiralCloudSimQuirks, { jobId: string }> {
  readonly vendor = 'admiralcloud';
  readonly server: SimServer;
  readonly credentials: Record<string, string>;
  /** Signature checks that failed, by message, so tests can see why. */
  readonly refusals: string[] = [];
  private readonly clock: Clock;
  private readonly auth: AdmiralCloudAuth;
  private readonly jobs: AdmiralCloudJobs;
  private quirks: AdmiralCloudSimQuirks;

  constructor(options: AdmiralCloudSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.auth = {
      accessKey: options.accessKey ?? 'AKACSIM4711',
      accessSecret: options.accessSecret ?? 'ac-secret-5f1d7e2a-sim',
      errorPrefix: options.errorPrefix ?? 'acsignature',
      rtsToleranceSeconds: options.rtsToleranceSeconds ?? 10,
      rtsClock: options.rtsClock ?? 'real',
      serverClockSkewSeconds: options.serverClockSkewSeconds ?? 0,
    };
    this.credentials = {
      accessKey: this.auth.accessKey,
      accessSecret: this.auth.accessSecret,
      ...(options.clientId ? { clientId: options.clientId } : {}),
    };
    this.quirks = { ...options.quirks };
    this.jobs = new AdmiralCloudJobs(this.clock);
    this.server = new SimServer(
      (request) =>
        answer(
          {
            jobs: this.jobs,
            clock: this.clock,
            auth: this.auth,
            quirks: this.quirks,
            refuse: (message) => this.refusals.push(message),
          },
          request,
        ),
      { clock: this.clock },
    );
  }

  start(): Promise<string> {
    return this.server.start('/');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The connection options the adapter needs for this simulator. */
  connectionOptions(): Record<string, unknown> {
    return this.quirks.numericGetParams ? { signNumericParamsAsNumbers: true } : {};
  }

  setQuirks(quirks: AdmiralCloudSimQuirks): void {
    this.quirks = { ...this.quirks, ...quirks };
  }

  /** Moves the server's clock (for rts checks) this many seconds away from real time. */
  setServerClockSkew(seconds: number): void {
    this.auth.serverClockSkewSeconds = seconds;
  }

  /** Creates a job as a batch update or createUpload would, and returns its jobId. */
  createJob(spec: AdmiralCloudSimJobSpec = {}): string {
    return this.jobs.create(spec);
  }

  /**
   * A batch update (the job and one follow-up `jobId:1`) that completes over `durationSeconds`
   * clock seconds with a small result. Returns the job reference a caller passes to jobwatch.
   */
  createDemoJob(durationSeconds: number): { jobId: string } {
    return { jobId: this.jobs.create(demoJobSpec(durationSeconds)) };
  }

  /** Finishes every part now; jobResult answers the outcome from now on. */
  complete(jobId: string, outcome?: AdmiralCloudSimOutcome): void {
    this.jobs.complete(jobId, outcome);
  }

  /** Destroys the job's activity now, as `DELETE /v5/activity/{id}` does. */
  destroy(jobId: string): void {
    this.jobs.setPhase(jobId, { kind: 'destroyed' });
  }

  /** Makes the job vanish now: unlisted, and jobResult answers 404. */
  vanish(jobId: string): void {
    this.jobs.setPhase(jobId, { kind: 'vanished' });
  }

  /** jobResult answers `{"message": message}` with `status` from now on. */
  failWith(jobId: string, status: number, message: string): void {
    this.jobs.setPhase(jobId, { kind: 'error', status, message });
  }

  /** The percent jobResult's activity shows now, for assertions. */
  percentOf(jobId: string): number | undefined {
    return this.jobs.percentOf(jobId);
  }
}
