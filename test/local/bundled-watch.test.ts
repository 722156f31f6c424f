import { describe, expect, it } from 'vitest';
import { runToSuccess } from '../../local/simulators/avid-ctms/index.js';
import { startAvidStack } from '../support/avid-stack.js';
import { waitUntil } from '../support/wait.js';

describe('the local stack running the bundled functions', () => {
  it('watches an Avid job to SUCCEEDED through the deployed artifacts', async () => {
    // Prepare
    const env = await startAvidStack({ functions: 'bundled' });
    try {
      const reference = env.simulator.createCommand({ steps: runToSuccess(300) });

      // Act
      const { status, body } = await env.watch(reference);
      expect(status).toBe(202);
      const outcome = await env.stack.runner.waitFor(body.jobId);

      // Assess: the execution ran the bundled poll function, in a worker, to the end
      expect(outcome.status).toBe('SUCCEEDED');
      await waitUntil(
        async () => (await env.api<{ status: string }>(`/jobs/${body.jobId}`)).body.status === 'SUCCEEDED',
      );
      expect(env.stack.bundled?.hosts.get('poll')?.coldStarts).toBeGreaterThanOrEqual(1);
      expect(env.stack.bus.published.some((event) => event['detail-type'] === 'Job Status Changed')).toBe(
        true,
      );
    } finally {
      await env.close();
    }
  });
});
