import { afterEach, describe, expect, it } from 'vitest';
import type { PublicJob } from '../../lib/jobs/job.js';
import { runToSuccess } from '../../local/simulators/avid-ctms/index.js';
import type { LocalExecution } from '../../local/workflow-runner.js';
import { type AvidStack, startAvidStack } from '../support/avid-stack.js';

/** An error as Step Functions reports a failed Lambda invocation of the given kind. */
function lambdaError(name: string): Error {
  return Object.assign(new Error(JSON.stringify({ errorType: name, errorMessage: `${name} (injected)` })), {
    name,
  });
}

const throttle = () => lambdaError('Lambda.TooManyRequestsException');

/**
 * Transient trouble over a watch's whole life. Step Functions counts a retrier's attempts across
 * one visit of a state, and the Poll state is one visit for as long as its Retry loop runs: these
 * tests make the local runner count the same way (it does) and meet more incidents than any
 * one retrier allows.
 */
describe('transient trouble over a long watch', () => {
  let env: AvidStack | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  async function watchThrough(
    durationSeconds: number,
    injectFault: (state: string, execution: LocalExecution) => Error | undefined,
    onCommand?: (commandId: string) => void,
  ) {
    env = await startAvidStack({
      speed: 2000,
      keepEventLogs: true,
      // Every poll 5 s apart: the most polls, and so the most incidents, per simulated hour.
      polling: { minIntervalSeconds: 5, maxIntervalSeconds: 5 },
      injectFault,
    });
    const reference = env.simulator.createCommand({ steps: runToSuccess(durationSeconds) });
    onCommand?.(reference.commandId);
    const { body } = await env.watch(reference);
    const outcome = await env.stack.runner.waitFor(body.jobId);
    const executions = env.stack.runner.executionsOf(body.jobId);
    const { body: job } = await env.api<PublicJob>(`/jobs/${body.jobId}`);
    const history = await env.history(body.jobId);
    return { outcome, executions, job, history };
  }

  it('ends SUCCEEDED through one Lambda throttle every 50 polls over 2,000 polls', async () => {
    // The command runs until the 2,050th attempt, however fast or slow the machine polls.
    let attempts = 0;
    let throttles = 0;
    let commandId = '';
    const { outcome, executions, job, history } = await watchThrough(
      10_000_000,
      (state) => {
        if (state !== 'Poll') return undefined;
        attempts += 1;
        if (attempts === 2_050) env?.simulator.resume(commandId, 0);
        if (attempts % 50 !== 0) return undefined;
        throttles += 1;
        return throttle();
      },
      (id) => {
        commandId = id;
      },
    );

    expect(outcome.status).toBe('SUCCEEDED');
    expect(job).toMatchObject({ status: 'SUCCEEDED', progress: 100, watch: { state: 'ENDED' } });
    const polls = executions.reduce((sum, execution) => sum + execution.polls, 0);
    expect(polls).toBeGreaterThanOrEqual(2_000);
    // Far more incidents than the retrier's four attempts per visit.
    expect(throttles).toBeGreaterThanOrEqual(40);
    expect(history.map((snapshot) => snapshot.version)).toEqual(history.map((_, index) => index + 1));
  }, 180_000);

  it('rides out a Lambda outage longer than one visit allows: pauses, then polls again in a fresh visit', async () => {
    // Attempts 5 to 24 are throttled in a row: far past the four quick retries, and well before
    // the command ends however slowly the machine polls.
    let attempts = 0;
    const { outcome, executions } = await watchThrough(3_000, (state) => {
      if (state !== 'Poll') return undefined;
      attempts += 1;
      return attempts >= 5 && attempts < 25 ? throttle() : undefined;
    });

    expect(outcome.status).toBe('SUCCEEDED');
    const entered = executions.flatMap((execution) =>
      execution.events
        .filter((event) => event.type === 'StateEntered')
        .map((event) => (event as { state?: { name?: string } }).state?.name),
    );
    expect(entered).toContain('WaitOutTrouble');
  }, 60_000);

  it('retries every kind of Lambda-side trouble per incident, timeouts included', async () => {
    const kinds = [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.ClientExecutionTimeoutException',
      'Sandbox.Timedout',
      'PollFailedUnexpectedly',
    ];
    const { outcome, job } = await watchThrough(900, (state, execution) => {
      if (state !== 'Poll' || execution.polls % 7 !== 0) return undefined;
      return lambdaError(kinds[(execution.polls / 7) % kinds.length] as string);
    });

    expect(outcome.status).toBe('SUCCEEDED');
    expect(job.status).toBe('SUCCEEDED');
  }, 60_000);

  it('keeps watching a connection whose configuration is broken, with a watch issue, until the deadline', async () => {
    // The connection's options are invalid: every poll meets a ConfigurationError before any request.
    env = await startAvidStack({
      speed: 2000,
      config: {
        connections: [
          {
            name: 'avid',
            vendor: 'avid-ctms',
            baseUrl: 'http://127.0.0.1:9/',
            credentials: { clientId: 'id', clientSecret: 'secret' },
            options: { commandUrlTemplate: 42 },
            polling: { minIntervalSeconds: 5, maxIntervalSeconds: 30 },
          },
        ],
      },
    });
    const { body, status } = await env.watch({ commandId: 'c-broken-config' }, { deadline: '10m' });
    expect(status).toBe(202);

    const outcome = await env.stack.runner.waitFor(body.jobId);
    const { body: job } = await env.api<PublicJob>(`/jobs/${body.jobId}`);

    // Retried for as long as the deadline allowed, never broken down.
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'JobTimedOut' });
    expect(job.status).toBe('TIMED_OUT');
    const history = await env.history(body.jobId);
    const issue = history.map((snapshot) => snapshot.watchIssue).find(Boolean);
    expect(issue).toMatchObject({ kind: 'internal' });
    expect(issue?.message).toMatch(/^ConfigurationError: Connection "avid" has invalid options/);
    expect(history.some((snapshot) => snapshot.watch?.state === 'STOPPED')).toBe(false);
  }, 60_000);
});
