import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
/** The command npm start prints for a fresh demo job. */
const PRINTED =
  /wait for it with:\n {2}(npx jobwatch --api http:\/\/127\.0\.0\.1:\d+ watch (jw-[0-9a-f]+) --wait)\n/g;

/**
 * `npm start` as a newcomer uses it: once the demo jobs end it prints a command for a fresh
 * job, and a line typed into it starts another. Each printed command, pasted into a shell as it
 * is, must wait on a job that is still running and end with exit 0.
 */
describe('npm start: fresh demo jobs on demand', () => {
  let child: ChildProcess;
  let output = '';
  let stdout = '';
  const printed = () =>
    [...output.matchAll(PRINTED)].map((match) => ({ command: match[1], jobId: match[2] }));

  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', '--speed', '120', '--port', '0'], {
      cwd: root,
      env: { ...process.env, CI: 'true' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitUntil(async () => printed().length === 1, 120_000);
  }, 150_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });

  /** Runs a printed line as a user's shell would, with this test's Node first on the PATH. */
  const paste = (command: string) =>
    run('bash', ['-c', command], {
      cwd: root,
      timeout: 90_000,
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    });

  it('prints plain lines of at most 80 columns when stdout is not a terminal', () => {
    const demo = stdout.slice(0, stdout.indexOf('All demo jobs ended'));
    const progressLines = demo.split('\n').filter((line) => /^(demo-|event )/.test(line));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no cursor movement in a log
    expect(demo).not.toMatch(/\u001b/);
    expect(progressLines.length).toBeGreaterThan(5);
    expect(progressLines.filter((line) => line.length > 80)).toEqual([]);
    // One line per change of each job (how many changes a loaded machine sees varies).
    for (const connection of ['demo-avid', 'demo-okast', 'demo-admiralcloud']) {
      expect(demo).toMatch(new RegExp(`^${connection}\\s+[A-Z_]+ `, 'm'));
    }
  });

  it('starts a fresh job per typed line, and each printed command waits on it to SUCCEEDED', async () => {
    child.stdin?.write('okast\n');
    await waitUntil(async () => printed().length === 2, 30_000);
    const [first, second] = printed();

    const [firstRun, secondRun] = await Promise.all([
      paste(first?.command ?? ''),
      paste(second?.command ?? ''),
    ]);

    expect(second?.jobId).not.toBe(first?.jobId);
    for (const [{ stdout }, job] of [
      [firstRun, first],
      [secondRun, second],
    ] as const) {
      const lines = stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^Waiting for ${job?.jobId} \\(demo-`));
      // The job was still running when the command ran: it saw progress before the end.
      expect(lines.some((line) => / RUNNING /.test(line))).toBe(true);
      expect(lines.at(-1)).toMatch(new RegExp(`^${job?.jobId} SUCCEEDED`));
    }
    expect(secondRun.stdout).toContain('(demo-okast, okast)');
  }, 120_000);
});
