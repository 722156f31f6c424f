import { randomUUID } from 'node:crypto';
import type { CallbackNotifier } from '../lib/workflow/workflow-ports.js';

export type CallbackOutcome =
  | { status: 'SUCCEEDED'; output: unknown }
  | { status: 'FAILED'; error: string; cause: string };

/**
 * Task tokens, locally: a caller that would wait in `.waitForTaskToken` gets a token here and a
 * promise that settles when jobwatch calls back — as SendTaskSuccess / SendTaskFailure would.
 */
export class LocalCallbacks implements CallbackNotifier {
  private readonly waiting = new Map<string, (outcome: CallbackOutcome) => void>();
  /** Tokens completed, with the number of attempts to complete them (the first one counted). */
  private readonly answered = new Map<string, number>();

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

  /** Attempts to complete this token: the answer, then any refused one (tests check exactly once). */
  answers(taskToken: string): number {
    return this.answered.get(taskToken) ?? 0;
  }

  private settle(taskToken: string, outcome: CallbackOutcome): void {
    const resolve = this.waiting.get(taskToken);
    if (!resolve) {
      // As Step Functions: a token already completed is refused with TaskTimedOut ("Provided task
      // does not exist anymore"), one it never issued with InvalidToken.
      if (this.answered.has(taskToken)) {
        this.answered.set(taskToken, (this.answered.get(taskToken) ?? 0) + 1);
        throw Object.assign(new Error('Task Timed Out: Provided task does not exist anymore'), {
          name: 'TaskTimedOut',
        });
      }
      throw Object.assign(new Error('Invalid Token'), { name: 'InvalidToken' });
    }
    this.waiting.delete(taskToken);
    this.answered.set(taskToken, 1);
    resolve(outcome);
  }
}
