import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidInputError } from '../../lib/jobs/errors.js';
import { isFinal } from '../../lib/jobs/job-status.js';
import type { WatchRequest } from '../../lib/jobs/watch-request.js';
import { resolveDeadline } from '../../lib/watch/duration.js';
import type { ApiClient, ApiJob } from '../api-client.js';
import { type CliContext, jsonText } from '../context.js';
import { ApiError, InterruptedError, ResponseShapeError, TransportError, UsageError } from '../errors.js';
import { EXIT_CODES, type ExitCode, exitCodeForStatus } from '../exit-codes.js';
import { parseJobReference } from '../job-reference.js';
import {
  BarProgressDisplay,
  formatOutcomeLine,
  LineProgressDisplay,
  type ProgressDisplay,
} from '../render.js';
import { fitLine, terminalWidth } from '../terminal.js';

export interface WatchCommandOptions {
  wait?: boolean;
  deadline?: string;
  idempotencyKey?: string;
  json?: boolean;
  /** Longest pause between two looks at the job while waiting, seconds. */
  maxInterval: number;
}

/** Shortest pause between two looks: the API's Retry-After is never below 1 s, but be safe. */
const MIN_INTERVAL_SECONDS = 0.1;
/** Consecutive transport failures (or 5xx/429) tolerated while waiting before giving up. */
const MAX_CONSECUTIVE_FAILURES = 6;
const MAX_FAILURE_BACKOFF_SECONDS = 30;

/**
 * `jobwatch watch <connection> <reference…>`: starts watching a vendor job and, with `--wait`,
 * blocks until it is final. `jobwatch watch <jobId>` (no reference) takes a job jobwatch watches
 * already: it shows it, or with `--wait` waits on it. Returns the exit code (0 when started, or
 * when the job SUCCEEDED).
 */
export async function watchCommand(
  context: CliContext,
  connectionOrJobId: string,
  referenceArgs: readonly string[],
  options: WatchCommandOptions,
): Promise<ExitCode> {
  if (!(options.maxInterval >= MIN_INTERVAL_SECONDS)) {
    throw new UsageError(`--max-interval must be at least ${MIN_INTERVAL_SECONDS} seconds`);
  }
  const { job, created } =
    referenceArgs.length === 0
      ? await existingJob(context, connectionOrJobId, options)
      : await context.client.startWatch(buildWatchRequest(connectionOrJobId, referenceArgs, options));
  if (!options.wait) {
    context.stdout.write(
      options.json
        ? jsonText(job)
        : `${fitLine(`${created ? 'Watching' : 'Already watching'} ${job.jobId} (${job.connection}, ${job.vendor}): ${job.status}`, terminalWidth(context.stdout))}\n`,
    );
    return EXIT_CODES.success;
  }

  // With --json, stdout carries only the final document; progress goes to stderr instead.
  const progressStream = options.json ? context.stderr : context.stdout;
  const width = terminalWidth(progressStream);
  const display: ProgressDisplay = progressStream.isTTY
    ? new BarProgressDisplay(progressStream)
    : new LineProgressDisplay((text) => progressStream.write(text), undefined, width);

  const interruption = new AbortController();
  const onInterrupt = () => interruption.abort();
  process.once('SIGINT', onInterrupt);
  let final: ApiJob;
  try {
    final = await waitUntilFinal(context.client, job, display, {
      maxIntervalSeconds: options.maxInterval,
      signal: interruption.signal,
    });
  } finally {
    display.stop();
    process.removeListener('SIGINT', onInterrupt);
  }

  context.stdout.write(
    options.json ? jsonText(final) : `${formatOutcomeLine(final, terminalWidth(context.stdout))}\n`,
  );
  if (!isFinal(final.status)) return EXIT_CODES.watchStopped;
  return exitCodeForStatus(final.status);
}

/** Job ids as the API makes them (`jw-` and a hash); anything else here is a mistyped command. */
const JOB_ID_PATTERN = /^jw-[0-9a-z-]+$/i;

/** `watch <jobId>`: the job as it is now; starting options make no sense for it. */
async function existingJob(
  context: CliContext,
  jobId: string,
  options: WatchCommandOptions,
): Promise<{ job: ApiJob; created: boolean }> {
  if (!JOB_ID_PATTERN.test(jobId)) {
    throw new UsageError(
      `"${jobId}" is not a job id (jw-…); to start a watch give a connection and the vendor job reference: watch ${jobId} key=value…`,
    );
  }
  const misplaced = [
    options.deadline !== undefined ? '--deadline' : undefined,
    options.idempotencyKey !== undefined ? '--idempotency-key' : undefined,
  ].filter(Boolean);
  if (misplaced.length) {
    throw new UsageError(`${misplaced.join(' and ')} only apply when starting a watch, not to ${jobId}`);
  }
  const { job } = await context.client.getJob(jobId);
  if (!job) throw new ResponseShapeError(`the API answered GET /jobs/${jobId} without the job`);
  return { job, created: false };
}

/**
 * The `POST /jobs` body from the command line. Checks what can be checked here (reference
 * syntax, deadline syntax) so a typo is a usage error, not a round trip.
 */
export function buildWatchRequest(
  connection: string,
  referenceArgs: readonly string[],
  options: Pick<WatchCommandOptions, 'deadline' | 'idempotencyKey'>,
): WatchRequest {
  const job = parseJobReference(referenceArgs);
  if (options.deadline !== undefined) {
    try {
      resolveDeadline(options.deadline, new Date());
    } catch (error) {
      if (error instanceof InvalidInputError) {
        throw new UsageError(`--deadline ${error.message}`, { cause: error });
      }
      throw error;
    }
  }
  return {
    connection,
    job,
    // Sent as written: the API resolves a relative deadline on its own clock, not ours.
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
  };
}

/**
 * Polls `GET /jobs/{id}` until the job is final, or jobwatch stopped watching it. Conditional
 * requests (`If-None-Match`) keep unchanged polls cheap; `Retry-After` says when the API expects
 * news, capped so a long estimate never hides a change for long. Transport trouble is retried
 * with back-off: losing sight of the API for a moment is not the job failing.
 */
export async function waitUntilFinal(
  client: ApiClient,
  started: ApiJob,
  display: ProgressDisplay,
  options: WaitOptions,
): Promise<ApiJob> {
  const state: WaitState = { current: started, delaySeconds: MIN_INTERVAL_SECONDS, failures: 0 };
  display.update(state.current);
  while (!isFinal(state.current.status) && state.current.watch?.state !== 'STOPPED') {
    await pause(state.delaySeconds, options.signal, state.current);
    try {
      await lookAgain(client, state, display, options);
    } catch (error) {
      if (options.signal.aborted) throw interrupted(state.current);
      backOffOrGiveUp(client, state, error, display);
    }
  }
  return state.current;
}

interface WaitOptions {
  maxIntervalSeconds: number;
  signal: AbortSignal;
}

/** What the wait loop carries from one look to the next. */
interface WaitState {
  current: ApiJob;
  etag?: string;
  delaySeconds: number;
  /** Consecutive failed looks; any answer from the API resets it. */
  failures: number;
}

/** One conditional `GET /jobs/{id}`; updates the job (unless 304) and the pause before the next. */
async function lookAgain(
  client: ApiClient,
  state: WaitState,
  display: ProgressDisplay,
  options: WaitOptions,
): Promise<void> {
  const lookup = await client.getJob(state.current.jobId, {
    ...(state.etag ? { ifNoneMatch: state.etag } : {}),
    signal: options.signal,
  });
  state.failures = 0;
  display.clearNote();
  if (lookup.etag) state.etag = lookup.etag;
  if (lookup.job) {
    state.current = lookup.job;
    display.update(state.current);
  }
  const hint = lookup.retryAfterSeconds ?? options.maxIntervalSeconds;
  state.delaySeconds = Math.min(Math.max(hint, MIN_INTERVAL_SECONDS), options.maxIntervalSeconds);
}

/**
 * After a failed look: rethrows what retrying cannot fix (a 4xx, or too many failures in a row),
 * else doubles the pause before the next look.
 */
function backOffOrGiveUp(
  client: ApiClient,
  state: WaitState,
  error: unknown,
  display: ProgressDisplay,
): void {
  const retryable = error instanceof TransportError || (error instanceof ApiError && error.isRetryable);
  state.failures += 1;
  if (!retryable || state.failures >= MAX_CONSECUTIVE_FAILURES) throw error;
  state.delaySeconds = Math.min(2 ** state.failures, MAX_FAILURE_BACKOFF_SECONDS);
  // Shown at once (on the bar, or as a line), so an outage is never silence until the give-up.
  const trouble =
    error instanceof ApiError
      ? `API answered ${error.status} at ${client.apiUrl}`
      : `API unreachable at ${client.apiUrl}`;
  display.note(
    `${trouble}, retrying in ${state.delaySeconds}s… (${state.failures}/${MAX_CONSECUTIVE_FAILURES - 1})`,
  );
}

async function pause(seconds: number, signal: AbortSignal, job: ApiJob): Promise<void> {
  try {
    await sleep(seconds * 1000, undefined, { signal });
  } catch (error) {
    if (signal.aborted) throw interrupted(job);
    throw error;
  }
}

function interrupted(job: ApiJob): InterruptedError {
  return new InterruptedError(
    `stopped waiting; ${job.jobId} is still being watched (last seen ${job.status}); ` +
      `\`jobwatch cancel ${job.jobId}\` cancels it`,
  );
}
