import { type Clock, systemClock } from '../../clock.js';
import { SimServer } from '../sim-server.js';
import type { VendorSimulator } from '../vendor-simulator.js';
import {
  type CinegyRouteState,
  credentialsOf,
  generateProxyAuth,
  listAnswer,
  type ProxyAuthScheme,
  route,
} from './routes.js';
import {
  ABORTED_RESULT,
  ABORTED_STATUS,
  type CinegyTaskStep,
  CinegyTaskStore,
  type CreateTaskOptions,
  FAILURE,
  finished,
  IN_PROGRESS,
  PAUSED,
  runToSuccess,
  SUCCESS,
  SUSPENDED,
  unknownStatus,
} from './state.js';
import { type CinegyPcsSimQuirks, taskJson } from './wire-format.js';

/** The REST root under the simulator's host root, as PCS REST serves it. */
export const CINEGY_API_PATH = '/pcs/v1/';

export interface CinegyPcsSimulatorOptions {
  clock?: Clock;
  /** Where the REST root is served: `/pcs/v1/` as PCS REST does (default), or `/` (tasks under the host). */
  apiPath?: '/pcs/v1/' | '/';
  /** Which auth the simulated proxy in front of PCS wants. Default `none`, as PCS itself [DOC]. */
  auth?: ProxyAuthScheme;
  quirks?: CinegyPcsSimQuirks;
}

/** The job reference a jobwatch caller would pass for a simulated task. */
export interface CinegyTaskReference extends Record<string, unknown> {
  taskId: string;
}

/**
 * A local Cinegy PCS REST API (`/pcs/v1/tasks/list`, `/pcs/v1/tasks/{id}`) speaking the seed's
 * task resource: numeric (or, switched, string) status and result type, TimeSpan progress, .NET
 * dates, null progress and result before an agent picks the task up. Tasks move on the given
 * clock and can be scripted to finish, fail, abort, pause, show an unpublished status, vanish,
 * or be registered later (for lookups by name).
 *
 * @example
 * const simulator = new CinegyPcsSimulator({ clock: scaledClock(60) });
 * const baseUrl = await simulator.start(); // http://127.0.0.1:<port>/pcs/v1/
 * const reference = simulator.createDemoJob(120); // { taskId }
 */
export class CinegyPcsSimulator implements VendorSimulator<CinegyPcsSimQuirks, CinegyTaskReference> {
  readonly vendor = 'cinegy-pcs';
  readonly server: SimServer;
  readonly credentials: Record<string, string>;
  private readonly clock: Clock;
  private readonly store: CinegyTaskStore;
  private readonly routes: CinegyRouteState;
  private quirks: CinegyPcsSimQuirks;
  private demoCounter = 0;

  constructor(options: CinegyPcsSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.quirks = { ...options.quirks };
    this.store = new CinegyTaskStore(this.clock);
    const auth = generateProxyAuth(options.auth ?? 'none');
    this.credentials = credentialsOf(auth);
    this.routes = {
      store: this.store,
      now: () => this.clock.now(),
      quirks: () => this.quirks,
      apiPath: options.apiPath ?? CINEGY_API_PATH,
      auth,
    };
    this.server = new SimServer((request) => route(this.routes, request), { clock: this.clock });
  }

  /** Starts on a loopback port; the returned base URL is the REST root (`…/pcs/v1/` by default). */
  start(): Promise<string> {
    return this.server.start(this.routes.apiPath);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The base URL is the REST root, so the adapter needs no options. */
  connectionOptions(): Record<string, unknown> {
    return {};
  }

  setQuirks(quirks: CinegyPcsSimQuirks): void {
    this.quirks = { ...this.quirks, ...quirks };
  }

  /** Registers a task (now, or after `registerAfterSeconds`) following `steps`. */
  createTask(options: CreateTaskOptions = {}): CinegyTaskReference & { name: string } {
    return this.store.create(options);
  }

  /** A task that runs to success over `durationSeconds` clock seconds with visible progress. */
  createDemoJob(durationSeconds: number): CinegyTaskReference {
    this.demoCounter += 1;
    const file = `demo-${this.demoCounter}.mp4`;
    const { taskId } = this.store.create({
      name: `Task ${file} - ${new Date(this.clock.now()).toISOString().slice(0, 19)}`,
      metadata: { 'src.name': file, 'src.ext': 'mp4', 'src.shortname': `demo-${this.demoCounter}` },
      steps: runToSuccess(durationSeconds),
    });
    return { taskId };
  }

  /** Old finished tasks, so lookups have pages to walk. */
  addFinishedTasks(count: number, namePrefix = 'Task archive'): void {
    this.store.addFinished(count, namePrefix);
  }

  /** Finishes the task now with a success result. */
  finish(id: string): void {
    this.interrupt(id, [{ at: 0, state: finished(SUCCESS), progress: 100 }]);
  }

  /** Finishes the task now with a failure result. */
  fail(id: string, details = FAILURE.details): void {
    this.interrupt(id, [{ at: 0, state: finished({ ...FAILURE, details }) }]);
  }

  /** Aborts the task now: as a finished task with an "aborted" result, or as an unpublished status. */
  abort(id: string, via: 'result' | 'status' = 'result'): void {
    this.interrupt(id, [{ at: 0, state: via === 'result' ? finished(ABORTED_RESULT) : ABORTED_STATUS }]);
  }

  pause(id: string): void {
    this.interrupt(id, [{ at: 0, state: PAUSED }]);
  }

  suspend(id: string): void {
    this.interrupt(id, [{ at: 0, state: SUSPENDED }]);
  }

  /** Resumes processing and finishes with success after `remainingSeconds`. */
  resume(id: string, remainingSeconds: number): void {
    this.interrupt(id, [
      { at: 0, state: IN_PROGRESS },
      { at: remainingSeconds, state: finished(SUCCESS), progress: 100 },
    ]);
  }

  /** Shows a status number Cinegy does not publish, with its description. */
  setUnknownStatus(id: string, status: number, statusDescription: string): void {
    this.interrupt(id, [{ at: 0, state: unknownStatus(status, statusDescription) }]);
  }

  /** PCS forgets the task now: `tasks/{id}` answers 404 and the list omits it. */
  vanish(id: string): void {
    this.store.vanish(id);
  }

  /** The task as `tasks/{id}` would answer it now (for tests that compare). */
  render(id: string): Record<string, unknown> {
    return taskJson(this.store.task(id), this.clock.now(), false, this.quirks);
  }

  /** One `tasks/list` page as the server would answer it now (for tests that rewrite it). */
  renderList(start: number, count: number): { items: Record<string, unknown>[]; [key: string]: unknown } {
    const answer = listAnswer(
      this.routes,
      new URLSearchParams({ start: String(start), count: String(count) }),
    );
    return JSON.parse(answer.body.replace(/^\uFEFF/, ''));
  }

  private interrupt(id: string, steps: CinegyTaskStep[]): void {
    this.store.interrupt(id, steps);
  }
}
