import { randomUUID } from 'node:crypto';
import {
  type ConfigurableAuthCredentials,
  ConfigurableAuthCredentialsSchema,
} from '../../../lib/vendors/shared/configurable-auth.js';
import { type Clock, systemClock } from '../../clock.js';
import { json, type SimRequest, type SimResponse, SimServer } from '../sim-server.js';
import { Timeline } from '../timeline.js';
import { generateConfigurableAuth, satisfiesConfigurableAuth } from './configurable-auth-check.js';
import {
  ABORTED_RESULT,
  ABORTED_STATUS,
  type CinegyTaskStep,
  type CinegyTaskStepState,
  FAILURE,
  finished,
  IN_PROGRESS,
  PAUSED,
  runToSuccess,
  SUCCESS,
  SUSPENDED,
  unknownStatus,
} from './task-scripts.js';
import { brokenDate, localDate, offsetDate, timeSpanObject, timeSpanText, utcDate } from './wire-format.js';

export * from './configurable-auth-check.js';
export * from './task-scripts.js';
export * from './wire-format.js';

/** The REST root under the simulator's host root, as PCS REST serves it. */
export const CINEGY_API_PATH = '/pcs/v1/';

/** Wire-format variations seen in the seed, switchable so tests cover each. */
export interface CinegyPcsSimQuirks {
  /** `status: "inProgress"` and `result.type: "success"` (Swagger schema) instead of numbers. */
  stringEnums?: boolean;
  /** TimeSpans as `{ ticks, totalSeconds, ... }` objects instead of `"00:06:32.8320000"`. */
  ticksObjects?: boolean;
  /** A finished task keeps its last progress sample (56%), as in the seed. */
  staleProgressOnFinish?: boolean;
  /** `result.generationTime` in the seed's broken form `2023-07-273T...`. */
  invalidResultDate?: boolean;
  /** List items show `metadata: {}` (as the seed's list does); `tasks/{id}` has it. */
  listOmitsMetadata?: boolean;
  /** Content type of answers; the server's is `application/json; charset=utf-8` [DOC]. */
  contentType?: string;
  /** Most items one `tasks/list` page returns, whatever `count` asks. Default 100. */
  maxListLimit?: number;
  /** Zone of dates written without an offset, minutes east of UTC. Default 0. */
  utcOffsetMinutes?: number;
  /** String enums in PascalCase (`InProgress`, `Finished`, `Success`), as .NET's enum names are. */
  pascalCaseEnums?: boolean;
  /** TimeSpans as bare tick counts (`3928320000`) instead of `"00:06:32.8320000"`. */
  ticksNumbers?: boolean;
  /** A UTF-8 byte order mark before every JSON body, as some .NET writers put it. */
  byteOrderMark?: boolean;
  /** How a missing task or route is answered: ASP.NET's JSON problem (default), an HTML page, or nothing. */
  notFound?: 'problem' | 'html' | 'empty';
  /** `tasks/list` as a careless server answers it [INF]. */
  listIgnoresStart?: boolean;
  listIgnoresCount?: boolean;
  listOmitsTotalCount?: boolean;
}

export interface CinegyPcsSimulatorOptions {
  clock?: Clock;
  /** Where the REST root is served: `/pcs/v1/` as PCS REST does (default), or `/` (tasks under the host). */
  apiPath?: '/pcs/v1/' | '/';
  /** Which auth the simulated proxy in front of PCS wants. Default `none`, as PCS itself [DOC]. */
  auth?: ConfigurableAuthCredentials['scheme'];
  quirks?: CinegyPcsSimQuirks;
}

export interface CreateTaskOptions {
  id?: string;
  name?: string;
  metadata?: Record<string, string>;
  priority?: number;
  /** Media duration the TimeSpan progress counts up to, seconds. Default 700 (`00:11:40`). */
  mediaDurationSeconds?: number;
  /** The task appears (in the list and by id) only this many clock seconds from now. */
  registerAfterSeconds?: number;
  /** Default: {@link runToSuccess} over 30 clock seconds. */
  steps?: CinegyTaskStep[];
}

/** The job reference a jobwatch caller would pass for a simulated task. */
export interface CinegyTaskReference extends Record<string, unknown> {
  taskId: string;
}

interface SimTask {
  id: string;
  name: string;
  metadata: Record<string, string>;
  priority: number;
  mediaDurationSeconds: number;
  /** Clock ms at which the task is registered (and its timeline starts). */
  registeredAt: number;
  timeline: Timeline<CinegyTaskStepState>;
  /** Clock ms from which PCS no longer knows the task. */
  vanishedAt?: number;
}

/** The seed's finished task shows 00:06:32.832 of 00:11:40. */
const STALE_FRACTION = 392.832 / 700;

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
export class CinegyPcsSimulator {
  readonly server: SimServer;
  readonly credentials: Record<string, string>;
  private readonly auth: ConfigurableAuthCredentials;
  private readonly clock: Clock;
  private quirks: CinegyPcsSimQuirks;
  private readonly apiPath: string;
  private readonly tasks = new Map<string, SimTask>();
  private demoCounter = 0;

  constructor(options: CinegyPcsSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.quirks = { ...options.quirks };
    this.apiPath = options.apiPath ?? CINEGY_API_PATH;
    this.credentials = generateConfigurableAuth(options.auth ?? 'none');
    this.auth = ConfigurableAuthCredentialsSchema.parse(this.credentials);
    this.server = new SimServer((request) => this.handle(request), { clock: this.clock });
  }

  /** Starts on a loopback port; the returned base URL is the REST root (`…/pcs/v1/` by default). */
  start(): Promise<string> {
    return this.server.start(this.apiPath);
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
    const id = options.id ?? randomUUID();
    const registeredAt = this.clock.now() + (options.registerAfterSeconds ?? 0) * 1000;
    const name = options.name ?? `Task ${id.slice(0, 8)}.mp4 - ${localDate(registeredAt, 0).slice(0, 19)}`;
    this.tasks.set(id, {
      id,
      name,
      metadata: options.metadata ?? {},
      priority: options.priority ?? 50,
      mediaDurationSeconds: options.mediaDurationSeconds ?? 700,
      registeredAt,
      timeline: new Timeline(options.steps ?? runToSuccess(30), registeredAt),
    });
    return { taskId: id, name };
  }

  /** A task that runs to success over `durationSeconds` clock seconds with visible progress. */
  createDemoJob(durationSeconds: number): CinegyTaskReference {
    this.demoCounter += 1;
    const file = `demo-${this.demoCounter}.mp4`;
    const { taskId } = this.createTask({
      name: `Task ${file} - ${localDate(this.clock.now(), 0).slice(0, 19)}`,
      metadata: { 'src.name': file, 'src.ext': 'mp4', 'src.shortname': `demo-${this.demoCounter}` },
      steps: runToSuccess(durationSeconds),
    });
    return { taskId };
  }

  /** Old finished tasks, so lookups have pages to walk. */
  addFinishedTasks(count: number, namePrefix = 'Task archive'): void {
    const now = this.clock.now();
    for (let index = 0; index < count; index += 1) {
      const id = randomUUID();
      const registeredAt = now - (count - index) * 60_000;
      this.tasks.set(id, {
        id,
        name: `${namePrefix} ${index}.mxf`,
        metadata: { 'src.name': `${namePrefix} ${index}.mxf` },
        priority: 50,
        mediaDurationSeconds: 600,
        registeredAt,
        timeline: new Timeline([{ at: 0, state: finished(SUCCESS), progress: 100 }], registeredAt),
      });
    }
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
    this.task(id).vanishedAt = this.clock.now();
  }

  /** The task as `tasks/{id}` would answer it now (for tests that compare). */
  render(id: string): Record<string, unknown> {
    return this.taskJson(this.task(id), this.clock.now(), false);
  }

  /** One `tasks/list` page as the server would answer it now (for tests that rewrite it). */
  renderList(start: number, count: number): { items: Record<string, unknown>[]; [key: string]: unknown } {
    const answer = this.list(new URLSearchParams({ start: String(start), count: String(count) }));
    return JSON.parse(answer.body.replace(/^\uFEFF/, ''));
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private handle(request: SimRequest): SimResponse {
    const path = request.url.pathname;
    if (!path.startsWith(this.apiPath)) return this.notFound();
    if (!satisfiesConfigurableAuth(this.auth, request)) {
      return {
        status: 401,
        body: '',
        contentType: 'text/plain',
        headers: this.auth.scheme === 'basic' ? { 'www-authenticate': 'Basic realm="Cinegy PCS"' } : {},
      };
    }
    if (request.method !== 'GET') return this.answer(405, { title: 'Method Not Allowed', status: 405 });
    const rest = path.slice(this.apiPath.length);
    if (rest === 'tasks/list') return this.list(request.url.searchParams);
    const match = /^tasks\/([^/]+)$/.exec(rest);
    if (!match?.[1]) return this.notFound();
    const task = this.tasks.get(decodeURIComponent(match[1]));
    const now = this.clock.now();
    if (!task || !this.isVisible(task, now)) return this.notFound();
    return this.answer(200, this.taskJson(task, now, false));
  }

  private list(query: URLSearchParams): SimResponse {
    const now = this.clock.now();
    const start = this.quirks.listIgnoresStart ? 0 : Math.max(0, Number(query.get('start') ?? 0) || 0);
    const asked = Number(query.get('count') ?? 20) || 20;
    let limit = Math.max(0, Math.min(asked, this.quirks.maxListLimit ?? 100));
    const statusFilter = query.get('status')?.toLowerCase();
    let visible = [...this.tasks.values()].filter((task) => this.isVisible(task, now));
    if (statusFilter) {
      visible = visible.filter((task) => {
        const state = task.timeline.at(now).step.state;
        return String(state.status) === statusFilter || state.statusName.toLowerCase() === statusFilter;
      });
    }
    // [INF] order values are not published; creation order ascending is the default here.
    const order = query.get('order')?.toLowerCase();
    const key = (task: SimTask): number | string =>
      order === 'name' ? task.name : order === 'priority' ? task.priority : task.registeredAt;
    visible.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (/^desc/i.test(query.get('orderDirection') ?? '')) visible.reverse();
    if (this.quirks.listIgnoresCount) limit = visible.length;
    const items = visible.slice(start, start + limit).map((task) => this.taskJson(task, now, true));
    if (this.quirks.listOmitsTotalCount) return this.answer(200, { items, start, limit });
    return this.answer(200, { items, totalCount: visible.length, start, limit });
  }

  private answer(status: number, value: unknown): SimResponse {
    const response = json(status, value);
    return {
      ...response,
      body: this.quirks.byteOrderMark ? `\uFEFF${response.body}` : response.body,
      contentType: this.quirks.contentType ?? 'application/json; charset=utf-8',
    };
  }

  private notFound(): SimResponse {
    if (this.quirks.notFound === 'empty') return { status: 404, body: '' };
    if (this.quirks.notFound === 'html') {
      // What Flask, Express or Python's http.server answer for a missing resource.
      return {
        status: 404,
        body: '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n',
        contentType: 'text/html; charset=utf-8',
      };
    }
    // [INF] ASP.NET Core's default problem details for a 404.
    return {
      ...json(404, {
        type: 'https://tools.ietf.org/html/rfc7231#section-6.5.4',
        title: 'Not Found',
        status: 404,
      }),
      contentType: 'application/problem+json; charset=utf-8',
    };
  }

  private isVisible(task: SimTask, now: number): boolean {
    return now >= task.registeredAt && (task.vanishedAt === undefined || now < task.vanishedAt);
  }

  private taskJson(task: SimTask, now: number, listed: boolean): Record<string, unknown> {
    const position = task.timeline.at(now);
    const state = position.step.state;
    const offset = this.quirks.utcOffsetMinutes ?? 0;
    const stepAt = task.registeredAt + position.step.at * 1000;
    const running = state.started && state.result === undefined && state.status === 0;
    const modifiedAt = running ? now : stepAt;
    const success = state.result?.type === 0;
    let percent = position.progress ?? (success ? 100 : 0);
    if (success && this.quirks.staleProgressOnFinish) percent = STALE_FRACTION * 100;
    const timeSpan = (seconds: number) =>
      this.quirks.ticksNumbers
        ? Math.round(seconds * 10_000_000)
        : this.quirks.ticksObjects
          ? timeSpanObject(seconds)
          : timeSpanText(seconds);
    const enumName = (name: string) =>
      this.quirks.pascalCaseEnums ? `${name.charAt(0).toUpperCase()}${name.slice(1)}` : name;
    const current = (task.mediaDurationSeconds * percent) / 100;
    const shortName = task.metadata['src.shortname'] ?? task.name;
    const progress = state.started
      ? {
          generationTime: utcDate(modifiedAt),
          globalMessage: `Processing '${shortName}'`,
          globalCurrentProgress: timeSpan(current),
          globalMaxProgress: timeSpan(task.mediaDurationSeconds),
          localMessage: null,
          localCurrentProgress: timeSpan(current % 100),
          localMaxProgress: timeSpan(Math.min(100, task.mediaDurationSeconds)),
        }
      : null;
    const result = state.result
      ? {
          details: state.result.details,
          generationTime: this.quirks.invalidResultDate
            ? brokenDate(stepAt, offset)
            : offsetDate(stepAt, offset),
          type: this.quirks.stringEnums ? enumName(state.result.typeName) : state.result.type,
        }
      : null;
    return {
      id: task.id,
      type: null,
      name: task.name,
      description: null,
      version: null,
      creatorName: 'Cinegy Convert\\Monitor',
      creatorHost: 'SIM-MONITOR',
      creatorId: '',
      creationTime: localDate(task.registeredAt, offset),
      modificationTime: localDate(modifiedAt, offset),
      timestamp: 0,
      priority: task.priority,
      status: this.quirks.stringEnums ? enumName(state.statusName) : state.status,
      statusDescription: state.statusDescription,
      requirements: [],
      metadata: listed && this.quirks.listOmitsMetadata ? {} : task.metadata,
      payload: { Payload: 'null', type: 'GenericTaskPayload' },
      handlerId: '',
      handlerName: 'Cinegy Convert\\Agent Manager',
      handlerHost: state.started ? 'SIM-AGENT' : '',
      progress,
      result,
    };
  }

  private task(id: string): SimTask {
    const task = this.tasks.get(id);
    if (!task) throw new Error(`No simulated Cinegy task ${id}`);
    return task;
  }

  private interrupt(id: string, steps: CinegyTaskStep[]): void {
    const task = this.task(id);
    const now = this.clock.now();
    const progress = task.timeline.at(now).progress;
    // Keep the progress reached so far unless the new step brings its own.
    task.timeline.interrupt(
      now,
      steps.map((step) =>
        step.progress === undefined && progress !== undefined ? { ...step, progress } : step,
      ),
    );
  }
}
