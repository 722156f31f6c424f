import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicJob } from '../../lib/jobs/job.js';
import { runToError, runToSuccess, stayIn } from '../../local/simulators/avid-ctms/index.js';
import { type AvidStack, startAvidStack } from '../support/avid-stack.js';
import { runCli, startCli } from './run-cli.js';

/**
 * The CLI as a pipeline runs it: a child process against the whole local stack (dynalite, the
 * synthesized state machine, the API over loopback HTTP, an Avid CTMS simulator). The stack's
 * clock runs TEST_SPEED times faster, so a "2 minute" command ends in half a second.
 */
describe('the jobwatch CLI against the local stack', () => {
  let env: AvidStack;
  const cliOptions = () => ({ api: env.stack.apiUrl });
  const cli = (...args: string[]) => runCli(args, cliOptions());
  /** Polls quickly: the API's Retry-After is in the stack's (compressed) seconds. */
  const FAST = ['--max-interval', '0.2'];

  beforeAll(async () => {
    env = await startAvidStack();
  });
  afterAll(async () => {
    await env.close();
  });

  describe.concurrent('watch --wait ends with the exit code of the final status', () => {
    it('exits 0 when the job SUCCEEDED, printing one line per change on a non-TTY', async () => {
      // Held running until the CLI has shown it, then let finish: no race with the CLI's start-up.
      const { commandId } = env.simulator.createCommand({ steps: stayIn('running', 25) });

      const running = startCli(['watch', 'avid', `commandId=${commandId}`, '--wait', ...FAST], cliOptions());
      await running.waitForOutput(/ RUNNING 25%/);
      env.simulator.resume(commandId, 60);
      const run = await running.done;

      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(lines.some((line) => / RUNNING /.test(line))).toBe(true);
      expect(lines.at(-1)).toMatch(/ SUCCEEDED/);
    });

    it('exits 10 when the vendor says FAILED, and --json prints the final job', async () => {
      const { commandId } = env.simulator.createCommand({
        steps: runToError(60, { cause: 'runtimeError', code: 'TRANSCODE/FAILED', text: 'Transcode failed' }),
      });

      const run = await cli('watch', 'avid', `commandId=${commandId}`, '--wait', '--json', ...FAST);

      expect(run.code).toBe(10);
      const job = JSON.parse(run.stdout) as PublicJob;
      expect(job).toMatchObject({ status: 'FAILED', connection: 'avid', reference: { commandId } });
      expect(job.error?.message).toContain('Transcode failed');
    });

    it('exits 11 when the job is cancelled through the API while the CLI waits', async () => {
      const reference = env.simulator.createCommand({ steps: stayIn('running', 10) });
      const { body } = await env.watch({ commandId: reference.commandId });

      const running = startCli(
        ['watch', 'avid', `commandId=${reference.commandId}`, '--wait', ...FAST],
        cliOptions(),
      );
      await running.waitForOutput(/ RUNNING /);
      const cancel = await env.api(`/jobs/${body.jobId}/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'test' }),
      });
      const run = await running.done;

      expect(cancel.status).toBe(200);
      expect(run.code).toBe(11);
      expect(run.stdout).toMatch(/CANCELLED/);
    });

    it('exits 11 when the vendor ends the command as canceled', async () => {
      const { commandId } = env.simulator.createCommand({
        steps: runToError(30, { cause: 'canceled', code: 'CTMS/CANCELED', text: 'Canceled by user' }),
      });

      const run = await cli('watch', 'avid', `commandId=${commandId}`, '--wait', ...FAST);

      expect(run.code).toBe(11);
    });

    it('exits 12 when the vendor forgets the job (LOST)', async () => {
      const { commandId } = env.simulator.createCommand({ steps: stayIn('running', 20) });

      const running = startCli(['watch', 'avid', `commandId=${commandId}`, '--wait', ...FAST], cliOptions());
      await running.waitForOutput(/ RUNNING /);
      env.simulator.expire(commandId);
      const run = await running.done;

      expect(run.code).toBe(12);
      expect(run.stdout).toMatch(/LOST/);
    });

    it('exits 13 when the deadline passes first (TIMED_OUT)', async () => {
      const { commandId } = env.simulator.createCommand({ steps: stayIn('running', 5) });

      const run = await cli('watch', 'avid', `commandId=${commandId}`, '--wait', '--deadline', '2m', ...FAST);

      expect(run.code).toBe(13);
      expect(run.stdout).toMatch(/TIMED_OUT/);
    });
  });

  it('without --wait, starts the watch and prints the started job with --json', async () => {
    const { commandId } = env.simulator.createCommand({ steps: stayIn('pending') });

    const run = await cli('watch', 'avid', JSON.stringify({ commandId }), '--json');

    expect(run.code).toBe(0);
    const job = JSON.parse(run.stdout) as PublicJob;
    expect(job).toMatchObject({ connection: 'avid', vendor: 'avid-ctms', reference: { commandId } });
  });

  it('gets, lists and shows the history of a finished job, as tables and as JSON', async () => {
    const { commandId } = env.simulator.createCommand({ steps: runToSuccess(40) });
    const started = JSON.parse(
      (await cli('watch', 'avid', `commandId=${commandId}`, '--wait', '--json', ...FAST)).stdout,
    ) as PublicJob;

    const [getTable, getJson, historyTable, historyJson, listTable, listJson] = await Promise.all([
      cli('get', started.jobId),
      cli('get', started.jobId, '--json'),
      cli('history', started.jobId),
      cli('history', started.jobId, '--json'),
      cli('list', '--connection', 'avid', '--status', 'succeeded', '--limit', '100', '--wide'),
      cli('list', '--connection', 'avid', '--status', 'SUCCEEDED', '--all', '--json', '--limit', '2'),
    ]);

    expect(getTable.code).toBe(0);
    expect(getTable.stdout).toMatch(new RegExp(`^job\\s+${started.jobId}$`, 'm'));
    expect(getTable.stdout).toMatch(/^status\s+SUCCEEDED$/m);
    expect(JSON.parse(getJson.stdout)).toMatchObject({ jobId: started.jobId, status: 'SUCCEEDED' });

    expect(historyTable.code).toBe(0);
    expect(historyTable.stdout.split('\n')[0]).toMatch(/^VERSION\s+STATUS\s+PROGRESS/);
    const history = JSON.parse(historyJson.stdout) as { items: PublicJob[] };
    const versions = history.items.map((snapshot) => snapshot.version);
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(history.items.at(-1)?.status).toBe('SUCCEEDED');

    expect(listTable.code).toBe(0);
    expect(listTable.stdout.split('\n')[0]).toMatch(/^JOB\s+STATUS\s+PROGRESS\s+CONNECTION\s+VENDOR/);
    expect(listTable.stdout).toContain(started.jobId);
    expect(listTable.stdout).toContain(started.updatedAt);
    const listed = JSON.parse(listJson.stdout) as { items: PublicJob[]; next?: string };
    expect(listed.next).toBeUndefined();
    expect(listed.items.map((job) => job.jobId)).toContain(started.jobId);
    expect(listed.items.every((job) => job.status === 'SUCCEEDED')).toBe(true);
  });

  it('lists in 80 columns by default, with how long ago each job changed', async () => {
    const run = await cli('list', '--connection', 'avid', '--limit', '100');

    expect(run.code).toBe(0);
    const rows = run.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^JOB\s+STATUS\s+PROGRESS\s+CONNECTION\s+UPDATED$/);
    expect(rows.every((row) => row.length <= 80)).toBe(true);
    expect(rows.slice(1).every((row) => /(ago|just now)$/.test(row))).toBe(true);
  });

  it('waits on a job watched already, given its id', async () => {
    const { commandId } = env.simulator.createCommand({ steps: stayIn('running', 30) });
    const { body } = await env.watch({ commandId });

    const running = startCli(['watch', body.jobId, '--wait', ...FAST], cliOptions());
    await running.waitForOutput(/ RUNNING 30%/);
    env.simulator.resume(commandId, 30);
    const run = await running.done;

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`Waiting for ${body.jobId} (avid, avid-ctms)`);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(new RegExp(`^${body.jobId} SUCCEEDED`));
    expect(run.stdout.split('\n').every((line) => line.length <= 80)).toBe(true);
  });

  it('refuses a job id it does not know (exit 3) and a connection without a reference (exit 2)', async () => {
    const [unknown, noReference] = await Promise.all([
      cli('watch', 'jw-00000000000000000000aa', '--wait'),
      cli('watch', 'avid', '--wait'),
    ]);

    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/^jobwatch: 404 /);
    expect(noReference.code).toBe(2);
    expect(noReference.stderr).toMatch(/"avid" is not a job id \(jw-…\)/);
  });

  it('lists connections and cancels a job', async () => {
    const { commandId } = env.simulator.createCommand({ steps: stayIn('running') });
    const { body } = await env.watch({ commandId });

    const [connections, cancelled] = await Promise.all([
      cli('connections'),
      cli('cancel', body.jobId, '--reason', 'not needed', '--json'),
    ]);

    expect(connections.code).toBe(0);
    expect(connections.stdout).toMatch(/^NAME\s+VENDOR$/m);
    expect(connections.stdout).toMatch(/^avid\s+avid-ctms$/m);
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ job: { jobId: body.jobId, status: 'CANCELLED' } });
  });

  it('refuses a malformed reference with exit code 2 and one line saying why', async () => {
    const run = await cli('watch', 'avid', 'commandId');

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(
      'jobwatch: "commandId" is not a key=value pair (example: commandId=c296e0f1)',
    );
  });

  it("exits 3 with the API's own message for an unknown connection", async () => {
    const run = await cli('watch', 'no-such-connection', 'commandId=abc');

    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^jobwatch: 400 unknown connection: Unknown connection "no-such-connection"/);
  });
});
