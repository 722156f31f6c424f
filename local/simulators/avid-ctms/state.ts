import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { Timeline, type TimelineStep } from '../timeline.js';

/** A CTMS lifecycle; any other string is allowed so tests can send values no mapping knows. */
export type CtmsLifecycle = 'pending' | 'running' | 'suspended' | 'finished' | 'error' | (string & {});

export interface CtmsText {
  text: string;
  code: string;
  params?: Record<string, unknown>;
}

export interface CtmsError {
  cause?: 'runtimeError' | 'timeout' | 'canceled' | 'rejected' | (string & {});
  code: string;
  text: string;
  httpCode?: number;
  params?: Record<string, unknown>;
}

/** One item of a bulk command's `payload.result`, as CTMS writes it. */
export interface CtmsBulkItem {
  success: boolean;
  data: unknown;
  httpStatus?: number;
  errorCode?: string;
  errorMessage?: string;
}

/** What a command looks like while one step of its script is in force. */
export interface CommandStepState {
  lifecycle: CtmsLifecycle;
  state?: CtmsText;
  error?: CtmsError;
  /** Bulk commands: the per-item outcome, reported once the command is finished. */
  result?: CtmsBulkItem[];
}

export type CommandStep = TimelineStep<CommandStepState>;

const RUNNING: CtmsText = { text: 'Processing', code: 'CTMS/RUNNING' };

/**
 * Pending for a moment, then running with progress rising steadily, then finished at
 * `seconds`.
 *
 * @example simulator.createCommand({ steps: runToSuccess(60) })
 */
export function runToSuccess(seconds: number, pendingSeconds = Math.min(2, seconds / 10)): CommandStep[] {
  return [
    { at: 0, progress: 0, state: { lifecycle: 'pending', state: { text: 'Waiting', code: 'CTMS/PENDING' } } },
    { at: pendingSeconds, progress: 0, state: { lifecycle: 'running', state: RUNNING } },
    {
      at: seconds,
      progress: 100,
      state: {
        lifecycle: 'finished',
        state: { text: 'Command finished successfully', code: 'CTMS/FINISHED' },
      },
    },
  ];
}

/** Runs, then ends in lifecycle `error` with the given error at `seconds` (cause `canceled` = cancelled). */
export function runToError(seconds: number, error: CtmsError, progressAtError = 40): CommandStep[] {
  return [
    { at: 0, progress: 0, state: { lifecycle: 'running', state: RUNNING } },
    { at: seconds * 0.99, progress: progressAtError, state: { lifecycle: 'running', state: RUNNING } },
    { at: seconds, progress: progressAtError, state: { lifecycle: 'error', error } },
  ];
}

/** Runs to `suspendAt` (progress 50), suspended until `resumeAt`, then finishes at `finishAt`. */
export function suspendAndResume(suspendAt: number, resumeAt: number, finishAt: number): CommandStep[] {
  return [
    { at: 0, progress: 0, state: { lifecycle: 'running', state: RUNNING } },
    {
      at: suspendAt,
      progress: 50,
      state: { lifecycle: 'suspended', state: { text: 'Suspended', code: 'CTMS/SUSPENDED' } },
    },
    { at: resumeAt, progress: 50, state: { lifecycle: 'running', state: RUNNING } },
    {
      at: finishAt,
      progress: 100,
      state: { lifecycle: 'finished', state: { text: 'Done', code: 'CTMS/FINISHED' } },
    },
  ];
}

/** A bulk command: runs, then `finished` with per-item results (which may all have failed). */
export function bulkCommand(seconds: number, items: CtmsBulkItem[]): CommandStep[] {
  const succeeded = items.filter((item) => item.success).length;
  return [
    { at: 0, progress: 0, state: { lifecycle: 'running', state: RUNNING } },
    {
      at: seconds,
      progress: 100,
      state: {
        lifecycle: 'finished',
        state: {
          text: `Deleted ${succeeded} of ${items.length} items`,
          code: 'avid.mam.assets.access/DELETE_ITEMS_DONE',
          params: {
            totalCount: items.length,
            successCount: succeeded,
            failureCount: items.length - succeeded,
          },
        },
        result: items,
      },
    },
  ];
}

/** A command that stays in one lifecycle (e.g. one no mapping knows). */
export function stayIn(lifecycle: CtmsLifecycle, progress?: number): CommandStep[] {
  return [{ at: 0, progress, state: { lifecycle, state: { text: `In ${lifecycle}`, code: 'CTMS/STATE' } } }];
}

/** Lifecycles after which CTMS changes nothing any more. */
export function isFinalLifecycle(lifecycle: CtmsLifecycle): boolean {
  return lifecycle === 'finished' || lifecycle === 'error';
}

export interface CreateCommandOptions {
  /** Caller-chosen id (CTMS `?commandid=`); default a fresh UUID. */
  id?: string;
  type?: string;
  steps?: CommandStep[];
  /** `payload.command-parameters`. */
  parameters?: Record<string, unknown>;
}

export interface SimCommand {
  id: string;
  type: string;
  timeline: Timeline<CommandStepState>;
  parameters?: Record<string, unknown>;
  /** Clock ms; set by `expire()`: the command is gone from then on. */
  expiredAt?: number;
}

/**
 * The simulated CTMS's memory: its commands, each following its script on the shared clock, and
 * the access tokens it issued with the clock ms at which each expires.
 */
export class CtmsState {
  private readonly commands = new Map<string, SimCommand>();
  private readonly tokens = new Map<string, number>();
  /** How many tokens the token endpoints issued. */
  tokensIssued = 0;

  constructor(
    private readonly clock: Clock,
    /** How long a final command's status is kept, clock seconds ("a few hours"). */
    private readonly retentionSeconds: number,
  ) {}

  /** Starts a command, unless one with that id exists (a caller-chosen id is idempotent). */
  create(options: CreateCommandOptions = {}): SimCommand {
    const id = options.id ?? randomUUID();
    const existing = this.commands.get(id);
    if (existing) return existing;
    const command: SimCommand = {
      id,
      type: options.type ?? 'aa:set-thumb-command',
      timeline: new Timeline(options.steps ?? runToSuccess(30), this.clock.now()),
      ...(options.parameters ? { parameters: options.parameters } : {}),
    };
    this.commands.set(id, command);
    return command;
  }

  /** A command the tests drive; throws for an id the simulator never started. */
  command(id: string): SimCommand {
    const command = this.commands.get(id);
    if (!command) throw new Error(`The simulator has no command ${id}`);
    return command;
  }

  /** The command as a client may still see it: undefined once it expired or was never started. */
  visible(id: string): SimCommand | undefined {
    const command = this.commands.get(id);
    return command && !this.isExpired(command) ? command : undefined;
  }

  /** The step the command is in now. */
  current(command: SimCommand): CommandStepState {
    return command.timeline.at(this.clock.now()).step.state;
  }

  /** Replaces the rest of the command's script, from now. */
  interrupt(id: string, steps: CommandStep[]): void {
    this.command(id).timeline.interrupt(this.clock.now(), steps);
  }

  suspend(id: string): void {
    const progress = this.command(id).timeline.at(this.clock.now()).progress;
    this.interrupt(id, [
      {
        at: 0,
        progress,
        state: { lifecycle: 'suspended', state: { text: 'Suspended', code: 'CTMS/SUSPENDED' } },
      },
    ]);
  }

  resume(id: string, remainingSeconds: number): void {
    const progress = this.command(id).timeline.at(this.clock.now()).progress ?? 0;
    this.interrupt(id, [
      { at: 0, progress, state: { lifecycle: 'running', state: RUNNING } },
      {
        at: remainingSeconds,
        progress: 100,
        state: { lifecycle: 'finished', state: { text: 'Done', code: 'CTMS/FINISHED' } },
      },
    ]);
  }

  fail(id: string, error: CtmsError): void {
    this.interrupt(id, [{ at: 0, state: { lifecycle: 'error', error } }]);
  }

  expire(id: string): void {
    this.command(id).expiredAt = this.clock.now();
  }

  /** Issues an access token valid for `lifetimeSeconds` of the clock. */
  issueToken(lifetimeSeconds: number): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, this.clock.now() + lifetimeSeconds * 1000);
    this.tokensIssued += 1;
    return token;
  }

  tokenValid(token: string): boolean {
    const expiresAt = this.tokens.get(token);
    return expiresAt !== undefined && this.clock.now() < expiresAt;
  }

  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Gone: expired by a test, or final for longer than the retention time. */
  private isExpired(command: SimCommand): boolean {
    const now = this.clock.now();
    if (command.expiredAt !== undefined && now >= command.expiredAt) return true;
    const position = command.timeline.at(now);
    if (!isFinalLifecycle(position.step.state.lifecycle)) return false;
    const endedAt = command.timeline.startedAt + position.step.at * 1000;
    return now - endedAt > this.retentionSeconds * 1000;
  }
}
