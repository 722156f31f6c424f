import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('npm start', () => {
  it('runs one demo job per vendor through the local stack and exits 0 with --once', async () => {
    // The same command `npm start -- --once` runs, on this test's Node (the project's Node 24).
    const { stdout } = await run(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'local/start.ts', '--once', '--speed', '60'],
      {
        cwd: root,
        timeout: 150_000,
        env: { ...process.env, CI: 'true' },
      },
    );

    expect(stdout).toContain('All demo jobs ended');
    for (const connection of ['demo-avid', 'demo-cinegy', 'demo-okast', 'demo-vdg', 'demo-admiralcloud']) {
      expect(stdout).toContain(`${connection} SUCCEEDED`);
    }
    expect(stdout).toContain('Job Status Changed');
    // What the functions print for CloudWatch (EMF metric documents) stays off the terminal.
    expect(stdout).not.toContain('"_aws"');
  }, 180_000);
});
