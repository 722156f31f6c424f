import { describe, expect, it } from 'vitest';
import { runToSuccess } from '../../local/simulators/avid-ctms/index.js';
import { startAvidStack } from '../support/avid-stack.js';
import { waitUntil } from '../support/wait.js';

describe('closing the local stack', () => {
  it('waits for a poll that was in flight, so its write never meets a closed store', async () => {
    // Prepare: the first status read of the command answers only after 400 ms
    const env = await startAvidStack();
    const reference = env.simulator.createCommand({ steps: runToSuccess(600) });
    env.simulator.server.inject({ kind: 'delay', ms: 400 }, { pathIncludes: 'commands' });
    await env.watch(reference);
    await waitUntil(async () =>
      env.simulator.server.requests.some((request) => request.path.includes('commands')),
    );

    // Act
    const closing = Date.now();
    await env.close();

    // Assess: close returned only after the slow poll had finished
    expect(Date.now() - closing).toBeGreaterThanOrEqual(250);
  });
});
