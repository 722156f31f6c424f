import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaledClock } from '../../local/clock.js';
import { OkastSimulator } from '../../local/simulators/okast/index.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { TEST_SPEED } from '../support/avid-stack.js';
import { runCli } from './run-cli.js';

/**
 * `jobwatch cancel` on a vendor whose API has no cancel (Okast): the API records CANCELLED and
 * stops watching, but the vendor job runs on, which the exit code must not hide.
 */
describe('jobwatch cancel where the vendor cannot cancel', () => {
  const clock = scaledClock(TEST_SPEED);
  const simulator = new OkastSimulator({ clock });
  let stack: LocalStack;

  beforeAll(async () => {
    const baseUrl = await simulator.start();
    stack = await startLocalStack({
      logLevel: 'SILENT',
      clock,
      config: {
        connections: [
          {
            name: 'okast',
            vendor: 'okast',
            baseUrl,
            credentials: simulator.credentials,
            options: simulator.connectionOptions(),
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await stack.close();
    await simulator.close();
  });

  it('exits 15 and says the vendor job goes on; cancelling again says so again', async () => {
    const reference = simulator.createDemoJob(100_000);
    const started = await runCli(['watch', 'okast', JSON.stringify(reference), '--json'], {
      api: stack.apiUrl,
    });
    const { jobId } = JSON.parse(started.stdout) as { jobId: string };

    const cancelled = await runCli(['cancel', jobId], { api: stack.apiUrl });
    const again = await runCli(['cancel', jobId, '--json'], { api: stack.apiUrl });

    expect(started.code).toBe(0);
    expect(cancelled.code).toBe(15);
    expect(cancelled.stdout).toContain(`${jobId}: CANCELLED (not cancelled at the vendor)`);
    expect(cancelled.stdout).toContain('The vendor job goes on');
    expect(cancelled.stdout.split('\n').every((line) => line.length <= 80)).toBe(true);
    expect(again.code).toBe(15);
    expect(JSON.parse(again.stdout)).toMatchObject({ vendorCancelled: false, job: { status: 'CANCELLED' } });
  });
});
