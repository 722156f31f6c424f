/**
 * `npm start`: jobwatch on the embedded local stack.
 *
 *   npm start                      vendor simulators + one demo job per vendor, live progress, API serving
 *   npm start -- --once            same, exit 0 when every demo job SUCCEEDED (non-zero otherwise)
 *   npm start -- --config FILE     your connections (or JOBWATCH_CONFIG=FILE); no simulators, no demo
 *   --speed N                      demo clock speed: N clock seconds per real second (default 30)
 *   --port N                       API port on 127.0.0.1 (demo default 8787; 0 = any free port)
 */
import { parseArgs } from 'node:util';
import { parseConnections } from '../lib/config/connection-registry.js';
import { describeError } from '../lib/jobs/errors.js';
import type { PublicJob } from '../lib/jobs/job.js';
import { isFinal } from '../lib/jobs/job-status.js';
import { scaledClock, systemClock } from './clock.js';
import { createDemoVendors, startDemoVendors } from './demo.js';
import { type LocalConfig, loadLocalConfig } from './local-config.js';
import { startLocalStack } from './stack.js';

const DEMO_JOB_SECONDS = 600;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      once: { type: 'boolean', default: false },
      speed: { type: 'string', default: '30' },
      port: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log('Usage: npm start [-- --once] [-- --config FILE] [-- --speed N] [-- --port N]');
    return 0;
  }
  const configPath = values.config ?? process.env.JOBWATCH_CONFIG;
  if (configPath) return serveConfigured(loadLocalConfig(configPath), values.port);
  return runDemo({ once: values.once, speed: Number(values.speed), port: values.port });
}

async function serveConfigured(config: LocalConfig, port: string | undefined): Promise<number> {
  const stack = await startLocalStack({
    config: {
      ...config,
      api: { ...config.api, port: port !== undefined ? Number(port) : (config.api?.port ?? 8787) },
    },
    clock: systemClock,
    logLevel: 'WARN',
    functions: 'bundled',
  });
  console.log(`jobwatch is running locally with ${config.connections.length} connection(s).`);
  printApiHelp(stack.apiUrl, config.connections[0]?.name ?? 'my-connection', Boolean(config.api?.token));
  stack.bus.on((event) => console.log(`event  ${event['detail-type']}  ${JSON.stringify(event.detail)}`));
  await waitForSignal();
  await stack.close();
  return 0;
}

async function runDemo(options: { once: boolean; speed: number; port: string | undefined }): Promise<number> {
  if (!(options.speed > 0)) throw new Error('--speed must be a positive number');
  const clock = scaledClock(options.speed);
  const vendors = createDemoVendors(clock);
  const connections = parseConnections(await startDemoVendors(vendors), 'demo connections');
  const port = options.port !== undefined ? Number(options.port) : options.once ? 0 : 8787;
  // The functions run as they deploy: the synthesized bundles, each in a Lambda-like worker.
  const stack = await startLocalStack({
    config: { connections, api: { port } },
    clock,
    logLevel: 'ERROR',
    functions: 'bundled',
  });
  const closeAll = async () => {
    await stack.close();
    await Promise.allSettled(vendors.map(({ simulator }) => simulator.close()));
  };

  console.log(`jobwatch local demo: ${vendors.length} vendor simulators, clock x${options.speed}`);
  console.log(`API: ${stack.apiUrl}\n`);

  const jobs: Array<{ connection: string; jobId: string }> = [];
  for (const { connection, simulator } of vendors) {
    const reference = await simulator.createDemoJob(DEMO_JOB_SECONDS);
    const response = await fetch(`${stack.apiUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connection, job: reference }),
    });
    const body = (await response.json()) as PublicJob & { detail?: string };
    if (!response.ok)
      throw new Error(`Starting the ${connection} demo job failed: ${response.status} ${body.detail ?? ''}`);
    jobs.push({ connection, jobId: body.jobId });
  }

  stack.bus.on((event) => {
    const detail = event.detail as {
      jobId: string;
      connection: string;
      previousStatus: string;
      status: string;
    };
    progress.note(
      `event  ${event['detail-type']}: ${detail.connection} ${detail.previousStatus ?? '-'} → ${detail.status}`,
    );
  });
  const progress = new ProgressView(jobs.map((job) => job.connection));
  const finals = await progress.follow(async () =>
    Promise.all(
      jobs.map(async (job) => (await (await fetch(`${stack.apiUrl}/jobs/${job.jobId}`)).json()) as PublicJob),
    ),
  );

  const succeeded = finals.every((job) => job.status === 'SUCCEEDED');
  console.log(`\nAll demo jobs ended: ${finals.map((job) => `${job.connection} ${job.status}`).join(', ')}`);
  if (options.once) {
    await closeAll();
    return succeeded ? 0 : 1;
  }
  // A fresh job on the first simulator, so the printed POST example works as it is.
  const first = vendors[0];
  const tryIt = first
    ? { connection: first.connection, job: await first.simulator.createDemoJob(DEMO_JOB_SECONDS) }
    : undefined;
  printApiHelp(stack.apiUrl, jobs[0]?.connection ?? 'demo-avid', false, jobs[0]?.jobId, tryIt);
  await waitForSignal();
  await closeAll();
  return 0;
}

/** Live progress: redraws in place on a terminal, prints changes line by line otherwise. */
class ProgressView {
  private readonly interactive = Boolean(process.stdout.isTTY);
  private drawnLines = 0;
  private readonly lastLine = new Map<string, string>();
  private readonly notes: string[] = [];

  constructor(private readonly connections: string[]) {}

  note(line: string): void {
    if (this.interactive) this.notes.push(line);
    else console.log(line);
  }

  async follow(read: () => Promise<PublicJob[]>): Promise<PublicJob[]> {
    for (;;) {
      const jobs = await read();
      this.render(jobs);
      if (jobs.every((job) => isFinal(job.status))) return jobs;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  private render(jobs: PublicJob[]): void {
    const width = Math.max(...this.connections.map((name) => name.length));
    const lines = jobs.map((job) => {
      const percent = job.progress ?? (job.status === 'SUCCEEDED' ? 100 : undefined);
      const bar = percent === undefined ? ' '.repeat(20) : progressBar(percent);
      const issue = job.watchIssue
        ? `  (${job.watchIssue.kind}: ${job.watchIssue.message.slice(0, 60)})`
        : '';
      return `${job.connection.padEnd(width)}  ${job.status.padEnd(9)} ${bar} ${percent === undefined ? '  - ' : `${String(percent).padStart(3)}%`}  ${job.rawStatus ?? ''}${issue}`;
    });
    if (this.interactive) {
      if (this.drawnLines) process.stdout.write(`\x1b[${this.drawnLines}A\x1b[J`);
      const block = [...this.notes.splice(0), ...lines];
      process.stdout.write(`${block.join('\n')}\n`);
      this.drawnLines = lines.length;
      return;
    }
    for (const [index, line] of lines.entries()) {
      const key = jobs[index]?.jobId ?? String(index);
      if (this.lastLine.get(key) !== line) console.log(line);
      this.lastLine.set(key, line);
    }
  }
}

function progressBar(percent: number): string {
  const filled = Math.round(percent / 5);
  return `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}]`;
}

function printApiHelp(
  apiUrl: string,
  connection: string,
  needsToken: boolean,
  jobId?: string,
  tryIt?: { connection: string; job: Record<string, unknown> },
): void {
  const auth = needsToken ? ` -H 'authorization: Bearer <your api.token>'` : '';
  console.log(`\nThe API keeps serving (Ctrl-C to stop); its reference: ${apiUrl}/docs. Try:`);
  console.log(`  curl -s${auth} ${apiUrl}/jobs | jq`);
  if (jobId) console.log(`  curl -s${auth} ${apiUrl}/jobs/${jobId}/history | jq`);
  const body = tryIt ? JSON.stringify(tryIt) : `{"connection":"${connection}","job":{ ... }}`;
  console.log(`  curl -s${auth} -X POST ${apiUrl}/jobs -H 'content-type: application/json' -d '${body}'`);
  if (tryIt) console.log(`  npx jobwatch watch ${tryIt.connection} '${JSON.stringify(tryIt.job)}' --wait`);
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A configuration error has one line per problem: each gets the prefix.
    for (const line of describeError(error).message.split('\n')) console.error(`jobwatch: ${line}`);
    process.exit(1);
  },
);
