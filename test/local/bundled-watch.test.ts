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

  it('cancels through the bundled API, whose read of the job loads the adapter it needs', async () => {
    // Prepare: a long job whose watch the watch-requested function starts, so the cancel is the
    // API's first request and no earlier one named the connection
    const env = await startAvidStack({ functions: 'bundled' });
    try {
      const reference = env.simulator.createCommand({ steps: runToSuccess(3_600_000) });
      const started = (await env.stack.bundled?.handler('watchRequested', 'event')(
        {
          version: '0',
          id: 'e1',
          'detail-type': 'Watch Job Requested',
          source: 'test',
          account: '000000000000',
          time: new Date().toISOString(),
          region: 'local',
          resources: [],
          detail: { connection: 'avid', job: reference },
        } as never,
        {},
      )) as { jobId: string } | undefined;
      if (!started) throw new Error('the stack runs no bundled functions');

      // Act
      const cancelled = await env.api<{ job: { status: string }; vendorCancelled: boolean }>(
        `/jobs/${started.jobId}/cancel`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
      );

      // Assess: the adapter's cancel ran and the vendor accepted
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ job: { status: 'CANCELLED' }, vendorCancelled: true });
    } finally {
      await env.close();
    }
  });
});
