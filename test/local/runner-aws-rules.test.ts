import { describe, expect, it } from 'vitest';
import { ExecutionAlreadyExistsError } from '../../lib/workflow/workflow-errors.js';
import { manualClock } from '../../local/clock.js';
import {
  type LocalWorkflowHandlers,
  LocalWorkflowRunner,
  MAX_PAYLOAD_BYTES,
} from '../../local/workflow-runner.js';

/**
 * The local runner must never be kinder than Step Functions: each rule here is one AWS behaviour
 * (../shared/aws-rules.md) that jobwatch's definition depends on.
 */
const failing = (name: string): Error => Object.assign(new Error(`${name} (test)`), { name });

function runnerFor(definition: object, poll: LocalWorkflowHandlers['poll']) {
  return new LocalWorkflowRunner({
    definition,
    clock: manualClock(),
    handlers: { poll, recordWatchFailure: async () => ({ recorded: true }) },
  });
}

/** A Poll task that retries `Flaky` twice and catches everything into a Caught state. */
const retryingDefinition = {
  StartAt: 'Poll',
  States: {
    Poll: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Retry: [
        { ErrorEquals: ['Again'], IntervalSeconds: 1, MaxAttempts: 99_999_999, BackoffRate: 1 },
        { ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught', ResultPath: '$.failure' }],
      End: true,
    },
    Caught: { Type: 'Pass', End: true },
  },
};

describe('the local runner, held to Step Functions rules', () => {
  it('counts a retrier’s attempts across one visit of a state, not per incident', async () => {
    // Three isolated Flaky errors, each followed by a success-then-Again: per incident each
    // would be retried, but two attempts are all the visit has.
    const script = ['Flaky', 'Again', 'Flaky', 'Again', 'Flaky', 'done'];
    let call = 0;
    const runner = runnerFor(retryingDefinition, async () => {
      const step = script[call++];
      if (step === 'done') return { done: true };
      throw failing(step as string);
    });
    await runner.start({ name: 'visit-counting', input: { jobId: 'jw-1', continuation: 0 } });
    const outcome = await runner.waitFor('visit-counting');

    expect(outcome.status).toBe('SUCCEEDED');
    // The third Flaky was not retried but caught: Caught's output carries the failure.
    expect(outcome.output).toMatchObject({ failure: { Error: 'Flaky' } });
    expect(call).toBe(5);
  });

  it('gives the context object’s State.RetryCount and EnteredTime per visit, reset when the state is entered again', async () => {
    // Step Functions' RetryCount counts every retry of the visit, whichever retrier took it;
    // a Catch that leads back into the state starts a new visit at 0 with a new EnteredTime.
    const definition = {
      StartAt: 'Poll',
      States: {
        Poll: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { 'retryCount.$': '$$.State.RetryCount', 'enteredTime.$': '$$.State.EnteredTime' },
          Retry: [
            { ErrorEquals: ['Again'], IntervalSeconds: 1, MaxAttempts: 99_999_999, BackoffRate: 1 },
            { ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 1, BackoffRate: 1 },
          ],
          Catch: [{ ErrorEquals: ['Flaky'], Next: 'Pause', ResultPath: '$.failure' }],
          End: true,
        },
        Pause: { Type: 'Wait', Seconds: 60, Next: 'Poll' },
      },
    };
    const clock = manualClock();
    const started = clock.now();
    const script = ['Again', 'Flaky', 'Flaky', 'Again', 'done'];
    const seen: { retryCount: number; enteredTime: string }[] = [];
    const runner = new LocalWorkflowRunner({
      definition,
      clock,
      waitSeconds: { Pause: 0 },
      handlers: {
        poll: async (payload: never) => {
          seen.push(payload);
          clock.advance(10);
          const step = script[seen.length - 1];
          if (step === 'done') return { done: true };
          throw failing(step as string);
        },
        recordWatchFailure: async () => ({}),
      },
    });
    await runner.start({ name: 'retry-count', input: { continuation: 0 } });

    expect(await runner.waitFor('retry-count')).toMatchObject({ status: 'SUCCEEDED' });
    expect(seen.map((payload) => payload.retryCount)).toEqual([0, 1, 2, 0, 1]);
    const entered = seen.map((payload) => (Date.parse(payload.enteredTime) - started) / 1000);
    expect(entered).toEqual([0, 0, 0, 30, 30]);
  });

  it('keeps execution names unique: same name and input while running is the same start, anything else ExecutionAlreadyExists', async () => {
    let release: (() => void) | undefined;
    const runner = runnerFor(
      retryingDefinition,
      () =>
        new Promise((resolve) => {
          release = () => resolve({});
        }),
    );
    const input = { jobId: 'jw-2', continuation: 0 };

    expect(await runner.start({ name: 'jw-2', input })).toEqual({ started: true });
    expect(await runner.start({ name: 'jw-2', input: { ...input } })).toEqual({ started: false });
    await expect(runner.start({ name: 'jw-2', input: { ...input, continuation: 1 } })).rejects.toBeInstanceOf(
      ExecutionAlreadyExistsError,
    );
    expect(await runner.describe('jw-2')).toBe('RUNNING');
    await new Promise((resolve) => setTimeout(resolve, 20));
    release?.();
    await runner.waitFor('jw-2');

    expect(await runner.describe('jw-2')).toBe('SUCCEEDED');
    // A closed execution's name is never reused, not even with the same input.
    await expect(runner.start({ name: 'jw-2', input })).rejects.toBeInstanceOf(ExecutionAlreadyExistsError);
    expect(await runner.describe('jw-never')).toBeUndefined();
  });

  it('refuses execution names Step Functions would refuse', async () => {
    const runner = runnerFor(retryingDefinition, async () => ({}));
    await expect(runner.start({ name: 'a'.repeat(81), input: { continuation: 0 } })).rejects.toMatchObject({
      name: 'InvalidName',
    });
    await expect(runner.start({ name: 'jw:1', input: { continuation: 0 } })).rejects.toMatchObject({
      name: 'InvalidName',
    });
  });

  it('fails the execution on a failed intrinsic function (States.Runtime), which no Catch can catch', async () => {
    const definition = {
      StartAt: 'Poll',
      States: {
        Poll: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          ResultSelector: { 'parsed.$': 'States.StringToJson($.text)' },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    };
    const runner = runnerFor(definition, async () => ({ text: 'not json' }));
    await runner.start({ name: 'runtime-error', input: { continuation: 0 } });

    expect(await runner.waitFor('runtime-error')).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
    });
  });

  it('fails the execution when a task result is over 256 KiB (States.DataLimitExceeded), past any Catch', async () => {
    const runner = runnerFor(retryingDefinition, async () => ({ blob: 'x'.repeat(MAX_PAYLOAD_BYTES) }));
    await runner.start({ name: 'too-large', input: { continuation: 0 } });

    expect(await runner.waitFor('too-large')).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
    });
  });

  it('refuses an execution input over 256 KiB', async () => {
    const runner = runnerFor(retryingDefinition, async () => ({}));
    await expect(
      runner.start({
        name: 'big-input',
        input: { continuation: 0, pad: 'x'.repeat(MAX_PAYLOAD_BYTES) } as never,
      }),
    ).rejects.toMatchObject({ name: 'States.DataLimitExceeded' });
  });
});
