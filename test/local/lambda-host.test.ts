import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Clock, manualClock, scaledClock } from '../../local/clock.js';
import { type HostedFunction, LambdaHost } from '../../local/lambda/lambda-host.js';

/** A stand-in bundle: counts its invocations in module state, sleeps or throws on request. */
const HANDLER = `
let invocations = 0;
export const handler = async (event, context) => {
  invocations += 1;
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  if (event.throwName) {
    class Minified extends Error {}
    const error = new Minified('refused on purpose');
    error.name = event.throwName;
    throw error;
  }
  return {
    invocations,
    now: Date.now(),
    remainingMs: context.getRemainingTimeInMillis(),
    env: process.env.ONLY_IN_TEMPLATE,
    echo: event.reply ? 'x'.repeat(event.reply) : undefined,
  };
};
`;

describe('the Lambda host', () => {
  const directory = mkdtempSync(join(tmpdir(), 'jobwatch-host-'));
  const handlerFile = join(directory, 'index.mjs');
  writeFileSync(handlerFile, HANDLER);
  const fn = (overrides: Partial<HostedFunction> = {}): HostedFunction => ({
    name: 'TestFunction',
    handlerFile,
    handlerExport: 'handler',
    timeoutSeconds: 1,
    memoryMb: 128,
    environment: { ONLY_IN_TEMPLATE: 'from-the-template' },
    ...overrides,
  });
  const hosts: LambdaHost[] = [];
  const host = (options: Partial<HostedFunction> = {}, clock: Clock = manualClock()) => {
    const created = new LambdaHost({ fn: fn(options), clock });
    hosts.push(created);
    return created;
  };
  afterAll(async () => {
    await Promise.all(hosts.map((created) => created.close()));
    rmSync(directory, { recursive: true, force: true });
  });

  it('refuses an environment over 4 KB at creation, naming the function and the size', () => {
    expect(() => host({ name: 'BigEnvFunction', environment: { BIG: 'x'.repeat(4_100) } })).toThrow(
      /BigEnvFunction.*4KB limit \(4\d{3} bytes of 4096\)/,
    );
  });

  it('runs an invocation in a worker with its own environment and the stack clock', async () => {
    // Prepare: a clock an hour behind real time
    const clock = manualClock(Date.now() - 3_600_000);
    const warm = host({}, clock);

    // Act
    const result = (await warm.invoke({})) as { now: number; remainingMs: number; env: string };

    // Assess
    expect(Math.abs(result.now - clock.now())).toBeLessThan(1_000);
    expect(result.remainingMs).toBeGreaterThan(0);
    expect(result.remainingMs).toBeLessThanOrEqual(1_000);
    expect(result.env).toBe('from-the-template');
    expect(process.env.ONLY_IN_TEMPLATE).toBeUndefined();
  });

  it('runs Date at the stack clock speed inside the worker', async () => {
    const clock = scaledClock(100);
    const fast = host({}, clock);
    const before = clock.now();
    const result = (await fast.invoke({ sleepMs: 100 })) as { now: number };
    // 100 real ms are 10 clock seconds
    expect(result.now - before).toBeGreaterThanOrEqual(9_000);
  });

  it('keeps the thrown error name as errorType', async () => {
    await expect(host().invoke({ throwName: 'ConfigurationError' })).rejects.toMatchObject({
      name: 'ConfigurationError',
      errorType: 'ConfigurationError',
      errorMessage: 'refused on purpose',
    });
  });

  it('ends an invocation past its timeout as Sandbox.Timedout and starts the next one cold', async () => {
    // Prepare
    const slow = host();
    expect(((await slow.invoke({})) as { invocations: number }).invocations).toBe(1);

    // Act
    const timedOut = slow.invoke({ sleepMs: 3_000 });

    // Assess: Lambda's error, then a fresh container with fresh module state
    await expect(timedOut).rejects.toMatchObject({
      name: 'Sandbox.Timedout',
      message: expect.stringMatching(/Task timed out after 1\.00 seconds$/),
    });
    expect(((await slow.invoke({})) as { invocations: number }).invocations).toBe(1);
    expect(slow.coldStarts).toBe(2);
  });

  it('refuses payloads over the Step Functions and synchronous limits', async () => {
    const limited = host();
    await expect(limited.invoke({ padding: 'x'.repeat(262_144) }, 'stepFunctions')).rejects.toMatchObject({
      name: 'States.DataLimitExceeded',
    });
    await expect(limited.invoke({ reply: 300_000 }, 'stepFunctions')).rejects.toMatchObject({
      name: 'States.DataLimitExceeded',
    });
    await expect(limited.invoke({ padding: 'x'.repeat(6_291_456) }, 'sync')).rejects.toMatchObject({
      name: 'RequestTooLargeException',
    });
    // Under the synchronous limit, the same response is fine
    expect(((await limited.invoke({ reply: 300_000 }, 'sync')) as { echo: string }).echo).toHaveLength(
      300_000,
    );
  });
});
