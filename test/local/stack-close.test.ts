import { describe, expect, it } from 'vitest';
import { runToSuccess, stayIn } from '../../local/simulators/avid-ctms/index.js';
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

  it('stops polling an execution once it is aborted (the library only checks between states)', async () => {
    const env = await startAvidStack();
    try {
      const { body } = await env.watch(env.simulator.createCommand({ steps: stayIn('pending') }));
      await waitUntil(async () => (env.stack.runner.executionsOf(body.jobId)[0]?.polls ?? 0) >= 2);

      env.stack.runner.abortAll();
      await env.stack.runner.waitFor(body.jobId);
      await env.stack.runner.drain(); // the poll that was running may finish
      // Stopping an execution cancels the job (the execution-ended rule); let that finish too.
      await waitUntil(
        async () => (await env.api<{ status: string }>(`/jobs/${body.jobId}`)).body.status === 'CANCELLED',
      );
      // (The cancel asked the vendor too: count only the status reads.)
      const statusReads = () =>
        env.simulator.server.requests.filter(
          (request) => request.method === 'GET' && request.path.includes('commands'),
        ).length;
      const requestsWhenAborted = statusReads();
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect((await env.stack.runner.waitFor(body.jobId)).status).toBe('ABORTED');
      expect(statusReads()).toBe(requestsWhenAborted);
    } finally {
      await env.close();
    }
  });
});
