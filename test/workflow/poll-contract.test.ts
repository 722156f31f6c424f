import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { createPollHandler } from '../../functions/poll.js';
import { loadWatchDefinition } from '../../infra/local-definition.js';
import * as jobErrors from '../../lib/jobs/errors.js';
import { ConfigurationError } from '../../lib/jobs/errors.js';
import {
  JOB_ERROR_NAMES,
  LAMBDA_TRANSIENT_ERRORS,
  POLL_FAILED_ERROR,
  POLL_INTERVAL_TIERS,
  pollAgainErrorName,
} from '../../lib/workflow/poll-contract.js';
import { SfnWorkflowStarter } from '../../lib/workflow/sfn-ports.js';
import { asWorkflowError, ExecutionAlreadyExistsError } from '../../lib/workflow/workflow-errors.js';

/**
 * The contract between the state machine and the poll function, frozen. Running executions keep
 * the definition they started with (and, since they invoke a published version, its code), but
 * a changed tier list or error name would still split old executions from new watches' tooling
 * and docs: changing any of these is a breaking change, to be made on purpose, here.
 */
const FROZEN_TIERS = [
  5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 90, 120, 150, 180, 240, 300, 420, 600, 900, 1200, 1800,
];
const FROZEN_ENDINGS = {
  FAILED: 'JobFailed',
  CANCELLED: 'JobCancelled',
  LOST: 'JobLost',
  TIMED_OUT: 'JobTimedOut',
};

type State = {
  Type: string;
  Resource?: string;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number; IntervalSeconds?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
};

describe('the poll contract', () => {
  it('keeps the frozen poll tiers and ending names', () => {
    expect([...POLL_INTERVAL_TIERS]).toEqual(FROZEN_TIERS);
    expect(JOB_ERROR_NAMES).toEqual(FROZEN_ENDINGS);
  });

  it('gives the synthesized Poll state one unbounded retrier per tier, and retries transient trouble without ending the watch', async () => {
    const definition = (await loadWatchDefinition()) as { States: Record<string, State> };
    const poll = definition.States.Poll as State;
    const retriers = poll.Retry ?? [];
    for (const tier of FROZEN_TIERS) {
      const retrier = retriers.find((candidate) =>
        candidate.ErrorEquals.includes(pollAgainErrorName(tier as never)),
      );
      expect(retrier, `PollIn${tier}s`).toMatchObject({ IntervalSeconds: tier, MaxAttempts: 99_999_999 });
    }
    // Transient trouble: a bounded per-visit retry, then a Catch that leads back into Poll.
    const transient = [...LAMBDA_TRANSIENT_ERRORS, POLL_FAILED_ERROR];
    const catcher = poll.Catch?.find((candidate) =>
      transient.every((name) => candidate.ErrorEquals.includes(name)),
    );
    expect(catcher).toBeDefined();
    const pause = definition.States[catcher?.Next ?? ''] as State & { Next?: string };
    expect(pause).toMatchObject({ Type: 'Wait', Next: 'Poll' });
    // No retrier or catcher that could swallow a job's own ending before its own catcher.
    const endings = poll.Catch?.findIndex((candidate) => candidate.ErrorEquals.includes('JobFailed')) ?? -1;
    const catchAll = poll.Catch?.findIndex((candidate) => candidate.ErrorEquals.includes('States.ALL')) ?? -1;
    expect(endings).toBeGreaterThanOrEqual(0);
    expect(endings).toBeLessThan(catchAll);
    expect(retriers.some((retrier) => retrier.ErrorEquals.some((name) => name.startsWith('States.')))).toBe(
      false,
    );
  });

  it('names every error class after itself, so classification cannot depend on minification', () => {
    for (const [exported, value] of Object.entries(jobErrors)) {
      if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
      const instance = Object.create(value.prototype) as Error;
      // Class fields run in the constructor; build one with the fewest arguments that works.
      const constructed = (() => {
        try {
          return new (value as new (...args: unknown[]) => Error)('x', {});
        } catch {
          return instance;
        }
      })();
      expect(constructed.name, exported).toBe(exported);
    }
  });

  it('classifies a ConfigurationError as retryable trouble even from a minified bundle', async () => {
    // The same minification the deployed functions get (JobwatchFunction: esbuild, minify, no keepNames).
    const entry = new URL('../../lib/workflow/workflow-errors.ts', import.meta.url).pathname;
    const errorsEntry = new URL('../../lib/jobs/errors.ts', import.meta.url).pathname;
    const bundle = await build({
      stdin: {
        contents: `import { asWorkflowError } from ${JSON.stringify(entry)}; import { ConfigurationError } from ${JSON.stringify(errorsEntry)};
          export const outcome = asWorkflowError(new ConfigurationError('secret unreadable')).name;
          export const name = new ConfigurationError('x').name;`,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      write: false,
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]?.text ?? '';
    expect(code).not.toContain('class ConfigurationError');
    const module = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
      outcome: string;
      name: string;
    };
    expect({ outcome: module.outcome, name: module.name }).toEqual({
      outcome: POLL_FAILED_ERROR,
      name: 'ConfigurationError',
    });
  });

  it('turns a failure to build the services (a Secrets Manager blip) into retryable trouble', async () => {
    const handler = createPollHandler(async () => {
      throw new ConfigurationError('The cursor signing secret is missing or too short');
    });
    const event = {
      input: { jobId: 'jw-1', continuation: 0 },
      execution: { id: 'arn:aws:states:local:0:execution:m:jw-1', startTime: new Date().toISOString() },
    };

    await expect(handler(event as never, { functionName: 'poll' } as never)).rejects.toMatchObject({
      name: POLL_FAILED_ERROR,
    });
    expect(asWorkflowError(new TypeError('boom')).name).toBe(POLL_FAILED_ERROR);
    expect(asWorkflowError(new jobErrors.JobNotFoundError('jw-1')).name).toBe('WatchCannotContinue');
  });
});

describe('the deployed workflow starter (Step Functions API)', () => {
  const sfn = mockClient(SFNClient);
  afterEach(() => sfn.reset());
  const starter = new SfnWorkflowStarter(
    'arn:aws:states:eu-west-1:123456789012:stateMachine:jobwatch-prod-watch',
    new SFNClient({ region: 'eu-west-1' }),
  );

  it('refuses to reuse the name of a closed execution', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(
      starter.start({ name: 'jw-1', input: { jobId: 'jw-1', continuation: 0 } }),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExistsError);
  });

  it('describes an execution by name, and says when there is none', async () => {
    sfn
      .on(DescribeExecutionCommand, {
        executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:jobwatch-prod-watch:jw-1-r2',
      })
      .resolves({ status: 'RUNNING' } as never);
    expect(await starter.describe('jw-1-r2')).toBe('RUNNING');
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'none', $metadata: {} }));
    expect(await starter.describe('jw-9')).toBeUndefined();
  });
});
