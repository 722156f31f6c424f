import type { Connection } from '../config/connections.js';
import { DETAIL_TYPES, type JobEvent, jobEvent } from '../events/job-events.js';
import {
  describeError,
  JobNotFoundAtVendorError,
  JobNotFoundError,
  VendorAuthError,
  VendorProtocolError,
  VendorTransportError,
} from '../jobs/errors.js';
import { type Job, type Observation, ObservationSchema, toPublicJob } from '../jobs/job.js';
import { isFinal } from '../jobs/job-status.js';
import {
  applyObservation,
  applyOwnVerdict,
  applyStalled,
  applyWatchIssue,
  type TransitionResult,
} from '../jobs/transitions.js';
import type { DurationSketch } from '../polling/duration-model.js';
import { nextPollForJob } from '../polling/job-schedule.js';
import { durationsForJob, learnFromEnding } from '../polling/learned-durations.js';
import type { UpdateResult } from '../store/job-store.js';
import {
  continuationName,
  DEFAULT_MAX_HISTORY_EVENTS,
  type ExecutionInput,
  executionNameOf,
  HISTORY_EVENTS_PER_POLL,
  historyEventsUsed,
  JOB_ERROR_NAMES,
  POLL_INTERVAL_TIERS,
  type PollEvent,
  type PollResult,
} from '../workflow/poll-contract.js';
import { ContinueAsNewError, JobEndedError, PollAgainError } from '../workflow/workflow-errors.js';
import { adapterCallFor, redactObservation, secretsOf } from './adapter-context.js';
import { executionOf } from './execution-names.js';
import { type PollMarks, withPollMarks } from './poll-marks.js';
import { registerWatch } from './start-watch.js';
import { answerWaiters, awaitJobResult } from './waiters.js';
import { metricsOf, tracerOf } from './watch-metrics.js';
import type { WatchServices } from './watch-services.js';

/** No change in status or progress for this long marks a job stalled, unless the connection says otherwise. */
export const DEFAULT_STALL_AFTER_SECONDS = 6 * 3600;

/**
 * One poll of one job: read the vendor, store the snapshot if it changed, emit events, and
 * decide what the state machine does next — return (final / continue as new execution) or throw
 * {@link PollAgainError} with the delay the schedule chose.
 *
 * Trouble reading the vendor (down, credentials refused, unreadable answer) is recorded on the
 * job as a watch issue and polled again with back-off: it never makes the job FAILED.
 */
export async function pollJob(services: WatchServices, event: PollEvent): Promise<PollResult> {
  const input = event.input;
  // The root of a continued watch, registering as a waiter of its job (AwaitWatchResult).
  if (event.awaitResult) return awaitJobResult(services, input.jobId, event.awaitResult.taskToken);
  const loaded = await loadJob(services, input, executionNameOf(event.execution.id));
  const scoped = withPollLogKeys(services, loaded, event);
  return countedPoll(scoped, event, loaded.jobId, () => pollLoaded(scoped, event, loaded));
}

/**
 * Runs one poll and counts it in the job's poll ledger with what it decided: the next poll's time
 * when it asks for one, none when the job ended or the watch continues elsewhere. Trouble that
 * leaves the poll for the workflow to retry is not counted: the retry is the poll. A ledger that
 * cannot be written is logged and the poll goes on — it is a count, not the watch.
 */
async function countedPoll(
  services: WatchServices,
  event: PollEvent,
  jobId: string,
  poll: () => Promise<PollResult>,
): Promise<PollResult> {
  const at = services.now();
  const count = async (delaySeconds?: number) => {
    const nextPollAt =
      delaySeconds === undefined ? undefined : new Date(at.getTime() + delaySeconds * 1000).toISOString();
    try {
      await services.store.recordPoll(jobId, {
        execution: executionOf(event.execution.id),
        at: at.toISOString(),
        nextPollAt,
      });
    } catch (error) {
      services.logger.warn("Could not count the poll in the job's poll ledger", {
        error: describeError(error),
      });
    }
  };
  try {
    const result = await poll();
    await count();
    return result;
  } catch (error) {
    if (error instanceof PollAgainError) await count(error.delaySeconds);
    else if (error instanceof JobEndedError || error instanceof ContinueAsNewError) await count();
    throw error;
  }
}

/** One poll of a job already loaded; every log line of it names the job (see withPollLogKeys). */
async function pollLoaded(services: WatchServices, event: PollEvent, job: Job): Promise<PollResult> {
  const input = event.input;
  if (isFinal(job.status)) return finish(services, input, job);

  const now = services.now();
  if (job.deadline && now.getTime() >= Date.parse(job.deadline)) {
    return finish(services, input, await timeOut(services, job, now));
  }

  const connection = services.connections.get(job.connection);
  // One draw of the jitter for the whole poll: the nextPollAt stored with a change and the
  // delay thrown below are the same decision.
  const random = oneDraw(services.random);
  const durations = await durationsForJob(services.durations, connection, job);
  const marks = pollMarksFor(services, { connection, event, now, random, durations });
  const read = await readVendor(services, connection, job, now, marks);
  const hints = withConnectionPause(services, connection, read.hints, now);
  if (isFinal(read.job.status)) {
    if (!(await learnFromEnding(services.durations, connection, read.job)))
      services.logger.warn('Could not record the job duration', { connection: connection.name });
    return finish(services, input, read.job);
  }
  const latest = await checkStall(services, connection, read.job, now, marks(read.hints));
  if (isFinal(latest.status)) return finish(services, input, latest);

  if (historyBudgetSpent(event, now)) throw continueAsNew(services, event, latest);

  const decision = nextPollForJob(latest, connection, now, { hints, random, durations });
  throw new PollAgainError(decision.delaySeconds, decision.reason);
}

/** The job's own deadline passed before the vendor finished: jobwatch's verdict, TIMED_OUT. */
async function timeOut(services: WatchServices, job: Job, now: Date): Promise<Job> {
  const { job: timedOut } = await updateAndAnnounce(services, job.jobId, (current) =>
    applyOwnVerdict(
      current,
      { status: 'TIMED_OUT', message: `Deadline ${job.deadline} passed before the vendor finished` },
      now,
    ),
  );
  return timedOut;
}

/** Polls the vendor and stores what came of it: the observation, or the watch issue instead. */
async function readVendor(
  services: WatchServices,
  connection: Connection,
  job: Job,
  now: Date,
  marks: (hints: Observation['hints']) => PollMarks,
): Promise<{ job: Job; hints: Observation['hints'] }> {
  const scope = { vendor: connection.vendor, connection: connection.name };
  metricsOf(services).poll(scope);
  const read = await observe(services, connection, job).then(
    (observation) => ({ observation }),
    (failure: unknown) => ({ failure }),
  );
  if (!('observation' in read)) {
    // Reading the vendor failed, or preparing to (its options, its credentials, an adapter that
    // tripped over what the vendor sent): a watch issue, polled again with back-off until the
    // deadline — an operator can fix a connection while its watches wait. The store's own
    // failures are not caught here: they leave the poll for the workflow to retry.
    metricsOf(services).vendorOutcome(scope, watchIssueKind(read.failure) ?? 'internal');
    const latest = await recordWatchIssue(services, connection, job, read.failure, now, marks(undefined));
    return { job: latest, hints: undefined };
  }
  const { observation } = read;
  metricsOf(services).vendorOutcome(scope, 'ok');
  const result = await updateAndAnnounce(services, job.jobId, (current) =>
    withPollMarks(applyObservation(current, observation, now), marks(observation.hints)),
  );
  recordDetectionDelay(services, result, observation, now);
  return { job: result.job, hints: observation.hints };
}

async function recordWatchIssue(
  services: WatchServices,
  connection: Connection,
  job: Job,
  failure: unknown,
  now: Date,
  marks: PollMarks,
): Promise<Job> {
  const kind = watchIssueKind(failure) ?? 'internal';
  // The failure may quote the vendor, and a vendor may echo a token or a key: redacted before
  // it reaches the log, the snapshot, its history and the events.
  const described = secretsOf(services, connection).redactDeep(describeError(failure));
  services.logger[kind === 'internal' ? 'error' : 'warn']('Vendor could not be read; will poll again', {
    jobId: job.jobId,
    connection: connection.name,
    kind,
    error: described,
  });
  const message = kind === 'internal' ? `${described.name}: ${described.message}` : described.message;
  const retryAt = services.sessions.of(connection).throttle.pausedUntil(services.now().getTime());
  const { job: latest } = await services.store.update(job.jobId, (current) =>
    withPollMarks(
      applyWatchIssue(
        current,
        { kind, message, ...(retryAt !== undefined ? { retryAt: new Date(retryAt).toISOString() } : {}) },
        now,
      ),
      marks,
    ),
  );
  return latest;
}

/**
 * The vendor asked this connection to wait (Retry-After on a 429 or 503), on this poll's
 * requests or another job's: whatever the adapter made of the refusal — rethrown, wrapped, or
 * swallowed because the poll stood without that request — the next poll waits it out.
 */
function withConnectionPause(
  services: WatchServices,
  connection: Connection,
  hints: Observation['hints'],
  now: Date,
): Observation['hints'] {
  const pausedUntil = services.sessions.of(connection).throttle.pausedUntil(now.getTime());
  if (pausedUntil === undefined) return hints;
  const seconds = Math.ceil((pausedUntil - now.getTime()) / 1000);
  return { ...hints, retryAfterSeconds: Math.max(seconds, hints?.retryAfterSeconds ?? 0) };
}

/** The state machine's signal to go on in a fresh execution, before the history limit. */
function continueAsNew(services: WatchServices, event: PollEvent, latest: Job): ContinueAsNewError {
  const input = event.input;
  const continuation = input.continuation + 1;
  const next: ExecutionInput = {
    jobId: latest.jobId,
    continuation,
    isContinuation: true,
    callback: input.callback ?? null,
    ...(input.maxHistoryEvents ? { maxHistoryEvents: input.maxHistoryEvents } : {}),
  };
  services.logger.info('Continuing the watch in a new execution', { jobId: latest.jobId, continuation });
  return new ContinueAsNewError({
    name: continuationName(executionNameOf(event.execution.id), continuation),
    input: { ...next, AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: event.execution.id },
  });
}

async function loadJob(services: WatchServices, input: ExecutionInput, executionName: string): Promise<Job> {
  if (input.jobId) {
    const job = await services.store.getJob(input.jobId);
    if (!job) throw new JobNotFoundError(input.jobId);
    return job;
  }
  // Started directly by a parent state machine or an event, with a reference instead of a job id.
  const { job } = await registerWatch(
    services,
    {
      connection: input.connection,
      job: input.job,
      ...(input.deadline ? { deadline: input.deadline } : {}),
      ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    },
    // A parent named this execution, not jobwatch: recorded, so the reconciler looks for it.
    { executionName },
  );
  return job;
}

/**
 * The vendor's view of the job, with every secret of the connection redacted — configured and
 * derived (tokens, sessions, signatures) — from every string in it, adapterState included: a
 * vendor may echo what it was sent in a successful answer too, and the observation becomes the
 * snapshot, its history, the list, the events and the task-token answers.
 */
async function observe(services: WatchServices, connection: Connection, job: Job): Promise<Observation> {
  const observation = await observeRaw(services, connection, job);
  return redactObservation(secretsOf(services, connection), observation);
}

async function observeRaw(services: WatchServices, connection: Connection, job: Job): Promise<Observation> {
  const { adapter, context, job: watched } = await adapterCallFor(services, connection, job);
  try {
    const observation = await tracerOf(services).vendorCall(
      { vendor: connection.vendor, connection: connection.name, operation: 'poll' },
      () => adapter.poll(context, watched),
    );
    const checked = ObservationSchema.safeParse(observation);
    if (!checked.success) {
      throw new VendorProtocolError(
        `The ${connection.vendor} adapter produced an invalid observation: ${checked.error.message}`,
      );
    }
    return checked.data;
  } catch (error) {
    // Adapters should report a vanished job as LOST themselves; this is the safety net.
    if (error instanceof JobNotFoundAtVendorError) {
      return { status: 'LOST', rawStatus: 'not found', message: error.message };
    }
    throw error;
  }
}

function watchIssueKind(error: unknown): 'transport' | 'auth' | 'protocol' | undefined {
  if (error instanceof VendorTransportError) return 'transport';
  if (error instanceof VendorAuthError) return 'auth';
  if (error instanceof VendorProtocolError) return 'protocol';
  return undefined;
}

/** Stores a transition and, when the status moved, announces it. */
async function updateAndAnnounce(
  services: WatchServices,
  jobId: string,
  transition: (current: Job) => TransitionResult,
): Promise<UpdateResult> {
  const result = await services.store.update(jobId, transition);
  if (result.changed && isFinal(result.job.status) && !isFinal(result.previous.status)) {
    metricsOf(services).jobEnded(
      { vendor: result.job.vendor, connection: result.job.connection },
      result.job.status,
    );
  }
  if (result.changed && result.job.status !== result.previous.status) {
    await publish(services, [jobEvent(DETAIL_TYPES.statusChanged, result.job, result.previous.status)]);
  }
  return result;
}

async function publish(services: WatchServices, events: JobEvent[]): Promise<void> {
  try {
    await services.events.publish(events);
  } catch (error) {
    // The snapshot is stored; the API and the history still show the change. Failing the poll
    // here would not bring the event back, so it is logged loudly instead.
    services.logger.error('Could not publish job events', {
      error: describeError(error),
      count: events.length,
    });
  }
}

async function checkStall(
  services: WatchServices,
  connection: Connection,
  job: Job,
  now: Date,
  marks: PollMarks,
): Promise<Job> {
  const stallAfter = connection.polling?.stallAfterSeconds ?? DEFAULT_STALL_AFTER_SECONDS;
  // updatedAt moves with every stored change of status, progress or message.
  const unchangedSeconds = (now.getTime() - Date.parse(job.updatedAt)) / 1000;
  // Trouble reading the vendor is already reported as a watch issue; a suspended job is meant to sit still.
  const stalled = !job.watchIssue && job.status !== 'SUSPENDED' && unchangedSeconds >= stallAfter;
  if (!stalled || job.stalled) return job;
  if (connection.polling?.failOnStall) {
    const { job: failed } = await updateAndAnnounce(services, job.jobId, (current) =>
      applyOwnVerdict(
        current,
        { status: 'TIMED_OUT', message: `No change for ${Math.round(unchangedSeconds)} s: stalled` },
        now,
      ),
    );
    return failed;
  }
  const result = await services.store.update(job.jobId, (current) =>
    withPollMarks(applyStalled(current, true, now), marks),
  );
  if (result.changed)
    await publish(services, [jobEvent(DETAIL_TYPES.stalled, result.job, result.previous.status)]);
  return result.job;
}

/**
 * Continue as a new execution before the history limit. The history this execution used is
 * bounded from its Poll visit (see {@link historyEventsUsed}); an execution started with an
 * older definition sends no visit, and falls back to the time since it started, at one poll
 * per smallest tier.
 */
function historyBudgetSpent(event: PollEvent, now: Date): boolean {
  const budget = event.input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const executionStart = event.execution.startTime;
  if (event.state) {
    const used = historyEventsUsed({
      executionStart,
      visitEntered: event.state.enteredTime,
      retryCount: event.state.retryCount,
    });
    return used >= budget;
  }
  const started = Date.parse(executionStart);
  if (Number.isNaN(started)) return false;
  const elapsed = Math.max(0, (now.getTime() - started) / 1000);
  const pollsAtMost = elapsed / POLL_INTERVAL_TIERS[0] + 1;
  return pollsAtMost * HISTORY_EVENTS_PER_POLL >= budget;
}

/**
 * The final answer to the state machine, after answering the job's waiters (task tokens): the
 * snapshot when the job SUCCEEDED, else a {@link JobEndedError} named after the ending. A waiter
 * that could not be answered for now makes this poll fail, so the task's retry answers it (the
 * job is final, so the retry comes straight back here); waiters already answered are not again.
 */
async function finish(services: WatchServices, input: ExecutionInput, job: Job): Promise<PollResult> {
  const errorName =
    job.status === 'SUCCEEDED'
      ? null
      : (JOB_ERROR_NAMES[job.status as keyof typeof JOB_ERROR_NAMES] ?? JOB_ERROR_NAMES.FAILED);
  const cause = errorName ? describeEnding(job) : null;
  const publicJob = toPublicJob(job);
  // An execution started before waiters lived on the job carries its caller's token in its input.
  const legacyToken = input.callback?.taskToken;
  if (legacyToken) await services.store.addWaiter(job.jobId, legacyToken);
  await answerWaiters(services, job);
  if (errorName) throw new JobEndedError(errorName, cause ?? errorName);
  return publicJob;
}

/** A one-line cause for a job that did not succeed, for Fail states and task-token callers. */
export function describeEnding(job: Job): string {
  const parts = [`${job.vendor} job ${job.jobId} ended ${job.status}`];
  if (job.rawStatus) parts.push(`(vendor status "${job.rawStatus}")`);
  if (job.error) {
    const code = [job.error.cause, job.error.code].filter(Boolean).join('/');
    parts.push(`: ${job.error.message}${code ? ` [${code}]` : ''}`);
  } else if (job.message) {
    parts.push(`: ${job.message}`);
  }
  return parts.join(' ').replace(' :', ':');
}

/**
 * The services of one poll, whose logger puts the job's correlation keys on every line — the
 * waiters', the store's, the adapter's. A child logger rather than `appendKeys` on the shared
 * one: the local stack runs many polls at once on one logger, and a child's keys end with it.
 */
function withPollLogKeys(services: WatchServices, job: Job, event: PollEvent): WatchServices {
  const logger = services.logger.createChild({
    persistentKeys: {
      jobId: job.jobId,
      connection: job.connection,
      vendor: job.vendor,
      execution: event.execution.id,
    },
  });
  return { ...services, logger };
}

/** The same jitter for every decision of one poll. */
function oneDraw(random: (() => number) | undefined): () => number {
  const value = (random ?? Math.random)();
  return () => value;
}

/** What this poll writes down about itself with each change it stores (lib/watch/poll-marks.ts). */
function pollMarksFor(
  services: WatchServices,
  poll: {
    connection: Connection;
    event: PollEvent;
    now: Date;
    random: () => number;
    durations: DurationSketch | undefined;
  },
): (hints: Observation['hints']) => PollMarks {
  const { connection, event, now, random, durations } = poll;
  return (hints) => ({
    executionId: event.execution.id,
    at: now,
    nextPollAt: (job) => {
      if (isFinal(job.status)) return undefined;
      const paused = withConnectionPause(services, connection, hints, now);
      const { delaySeconds } = nextPollForJob(job, connection, now, { hints: paused, random, durations });
      return new Date(now.getTime() + delaySeconds * 1000);
    },
  });
}

/**
 * How long the vendor's ending took to reach jobwatch: from when the vendor says the job last
 * changed (its end, on the observation that ended it) to now, when it was stored. Only when that
 * observation says so: an older vendorUpdatedAt would time something else.
 */
function recordDetectionDelay(
  services: WatchServices,
  result: UpdateResult,
  observation: Observation,
  now: Date,
): void {
  const endedNow = result.changed && isFinal(result.job.status) && !isFinal(result.previous.status);
  if (!endedNow || !observation.vendorUpdatedAt) return;
  const seconds = Math.max(0, (now.getTime() - Date.parse(observation.vendorUpdatedAt)) / 1000);
  metricsOf(services).detectionDelay(
    { vendor: result.job.vendor, connection: result.job.connection },
    seconds,
  );
}
