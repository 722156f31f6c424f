import { randomUUID } from 'node:crypto';
import type { CallbackNotifier } from '../lib/watch/ports.js';

export type CallbackOutcome =
  | { status: 'SUCCEEDED'; output: unknown }
  | { status: 'FAILED'; error: string; cause: string };

/**
 * Task tokens, locally: a caller that would wait in `.waitForTaskToken` gets a token here and a
 * promise that settles when jobwatch calls back — as SendTaskSuccess / SendTaskFailure would.
 */
export class LocalCallbacks implements CallbackNotifier {
  private readonly waiting = new Map<string, (outcome: CallbackOutcome) => void>();

  /** A new token and the promise of its outcome. */
  issue(): { taskToken: string; outcome: Promise<CallbackOutcome> } {
    const taskToken = `local-token-${randomUUID()}`;
    const outcome = new Promise<CallbackOutcome>((resolve) => this.waiting.set(taskToken, resolve));
    return { taskToken, outcome };
  }

  async succeed(taskToken: string, output: unknown): Promise<void> {
    this.settle(taskToken, { status: 'SUCCEEDED', output });
  }

  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    this.settle(taskToken, { status: 'FAILED', error, cause });
  }

  private settle(taskToken: string, outcome: CallbackOutcome): void {
    const resolve = this.waiting.get(taskToken);
    // Step Functions answers TaskTimedOut / InvalidToken for a token it does not know.
    if (!resolve)
      throw Object.assign(new Error('Task token is invalid or already used'), { name: 'InvalidToken' });
    this.waiting.delete(taskToken);
    resolve(outcome);
  }
}
