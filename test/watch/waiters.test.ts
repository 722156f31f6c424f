import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../lib/jobs/job.js';
import { answerWaiters, WaitersNotAnsweredError } from '../../lib/watch/waiters.js';
import type { WatchServices } from '../../lib/watch/watch-services.js';
import type { CallbackNotifier } from '../../lib/workflow/workflow-ports.js';
import { LocalCallbacks } from '../../local/local-callbacks.js';
import { newJob, StoreFixture } from '../store/support/store-fixture.js';
import { errorOf } from '../support/watched-job.js';

const fixture = new StoreFixture();
beforeAll(() => fixture.start());
afterAll(() => fixture.stop());

/** Step Functions' SendTask* as a fake: some tokens fail for now, some are gone. */
class ScriptedCallbacks implements CallbackNotifier {
  readonly sent: Array<{ token: string; error?: string }> = [];
  constructor(private readonly fault: (token: string) => string | undefined) {}
  async succeed(token: string): Promise<void> {
    this.send(token);
  }
  async fail(token: string, error: string): Promise<void> {
    this.send(token, error);
  }
  private send(token: string, error?: string): void {
    const fault = this.fault(token);
    if (fault) throw Object.assign(new Error(`${fault} for this token`), { name: fault });
    this.sent.push({ token, ...(error ? { error } : {}) });
  }
}

async function servicesWith(callbacks: CallbackNotifier): Promise<WatchServices> {
  const { store } = await fixture.freshStore();
  return {
    store,
    callbacks,
    logger: new Logger({ logLevel: 'SILENT' }),
    now: () => new Date(),
  } as unknown as WatchServices;
}

const final = (overrides: Partial<Job> = {}): Job =>
  newJob({ status: 'SUCCEEDED', progress: 100, version: 2, watch: { state: 'ENDED' }, ...overrides });

describe('answerWaiters', () => {
  it('drops tokens Step Functions no longer knows, keeps one that failed for now, and answers it on retry', async () => {
    // Prepare
    let throttled = true;
    const callbacks = new ScriptedCallbacks((token) => {
      if (token === 'gone-1') return 'TaskTimedOut';
      if (token === 'gone-2') return 'InvalidToken';
      if (token === 'gone-3') return 'TaskDoesNotExist';
      if (token === 'later' && throttled) return 'ThrottlingException';
      return undefined;
    });
    const services = await servicesWith(callbacks);
    await services.store.createJob(newJob());
    for (const token of ['ok', 'gone-1', 'gone-2', 'gone-3', 'later'])
      await services.store.addWaiter('jw-test-1', token);

    // Act
    const error = await errorOf(answerWaiters(services, final()));
    const left = await services.store.waiters('jw-test-1');
    throttled = false;
    const retry = await answerWaiters(services, final());

    // Assess
    expect(error).toBeInstanceOf(WaitersNotAnsweredError);
    expect(error.message).not.toContain('later');
    expect(left).toEqual(['later']);
    expect(retry).toEqual({ answered: 1, dropped: 0 });
    expect(callbacks.sent.map((sent) => sent.token)).toEqual(['ok', 'later']);
    expect(await services.store.waiters('jw-test-1')).toEqual([]);
  });

  it('answers a job whose watch stopped with WatchFailed, and leaves the waiters of a watched job', async () => {
    // Prepare
    const callbacks = new ScriptedCallbacks(() => undefined);
    const services = await servicesWith(callbacks);
    await services.store.createJob(newJob());
    await services.store.addWaiter('jw-test-1', 'token');

    // Act
    const watched = await answerWaiters(services, newJob({ watch: { state: 'WATCHING' } }));
    const stopped = await answerWaiters(
      services,
      newJob({ version: 2, watch: { state: 'STOPPED', reason: 'Watch stopped: WatchCannotContinue: bad' } }),
    );

    // Assess
    expect(watched).toEqual({ answered: 0, dropped: 0 });
    expect(stopped).toEqual({ answered: 1, dropped: 0 });
    expect(callbacks.sent).toEqual([{ token: 'token', error: 'WatchFailed' }]);
  });

  it('never answers a caller twice when two answerers race (Step Functions refuses the second)', async () => {
    // Prepare
    const callbacks = new LocalCallbacks();
    const services = await servicesWith(callbacks);
    await services.store.createJob(newJob());
    const { taskToken, outcome } = callbacks.issue();
    await services.store.addWaiter('jw-test-1', taskToken);

    // Act
    const results = await Promise.all([answerWaiters(services, final()), answerWaiters(services, final())]);

    // Assess
    expect(await outcome).toMatchObject({ status: 'SUCCEEDED' });
    expect(results.reduce((sum, result) => sum + result.answered, 0)).toBe(1);
    expect(callbacks.answers(taskToken)).toBeGreaterThanOrEqual(1);
    expect(await services.store.waiters('jw-test-1')).toEqual([]);
  });
});
