import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `npm start -- --config FILE` (tsx local/start.ts) and collects how it ended. */
function start(configPath: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      join(root, 'node_modules/.bin/tsx'),
      ['local/start.ts', '--config', configPath, '--port', '0'],
      { cwd: root, timeout: 60_000 },
      (error, _stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
    );
  });
}

/** The operator's view: a bad setting stops `npm start` at once, one line per problem. */
describe('npm start with a bad config file', () => {
  const directory = mkdtempSync(join(tmpdir(), 'jobwatch-bad-config-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('exits 1 before anything runs, each problem on its own line naming file, connection and field', async () => {
    const configPath = join(directory, 'jobwatch.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        connections: [
          {
            name: 'pcs-main',
            vendor: 'cinegy-pcs',
            baseUrl: 'http://ops:s3cret@pcs.example.com:8666/',
            polling: { minIntervalSeconds: 1 },
          },
          { name: 'ac', vendor: 'admiralcloud', baseUrl: 'https://api.admiralcloud.com/', credentials: {} },
        ],
      }),
    );

    const { code, stderr } = await start(configPath);

    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `jobwatch: ${configPath}: connection "pcs-main": polling.minIntervalSeconds: Too small: expected number to be >=5`,
      `jobwatch: ${configPath}: connection "pcs-main": baseUrl: must not hold a user name or password (user:password@host): put them in credentials (scheme "basic") instead`,
      `jobwatch: ${configPath}: connection "ac": credentials.accessKey: accessKey is required`,
      `jobwatch: ${configPath}: connection "ac": credentials.accessSecret: accessSecret is required`,
    ]);
    expect(stderr).not.toContain('s3cret');
  }, 60_000);
});
