/**
 * `npm start`: jobwatch on the embedded local stack.
 *
 *   npm start                      vendor simulators + one demo job per vendor, live progress, API serving
 *   npm start -- --once            same, exit 0 when every demo job SUCCEEDED (non-zero otherwise)
 *   npm start -- --config FILE     your connections (or JOBWATCH_CONFIG=FILE); no simulators, no demo
 *   --speed N                      demo clock speed: N clock seconds per real second (default 30)
 *   --port N                       API port on 127.0.0.1 (demo default 8787; 0 = any free port)
 *
 * Once the demo jobs end, the demo starts a fresh one and prints the `jobwatch watch … --wait`
 * command for it; each line typed then (Enter, or a connection such as `okast`) starts another.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parseConnections } from '../lib/config/connection-registry.js';
import { describeError } from '../lib/jobs/errors.js';
import type { PublicJob } from '../lib/jobs/job.js';
import { isFinal } from '../lib/jobs/job-status.js';
import { scaledClock, systemClock } from './clock.js';
import { createDemoVendors, DemoProgressView, type DemoVendor, startDemoVendors } from './demo.js';
import { type LocalConfig, loadLocalConfig } from './local-config.js';
import { startLocalStack } from './stack.js';

const DEMO_JOB_SECONDS = 600;
/** A fresh job lasts longer (a minute at the default speed), so there is time to paste its command. */
const FRESH_JOB_SECONDS = 1800;
/** Where the CLI looks for the API unless told otherwise (`--api`). */
const DEFAULT_API_URL = 'http://127.0.0.1:8787';

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
  for (const vendor of vendors) {
    jobs.push({
      connection: vendor.connection,
      jobId: await startDemoJob(stack.apiUrl, vendor, DEMO_JOB_SECONDS),
    });
  }

  const progress = new DemoProgressView(
    process.stdout,
    jobs.map((job) => job.connection),
  );
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
  const finals = await follow(progress, async () =>
    Promise.all(
      jobs.map(async (job) => (await (await fetch(`${stack.apiUrl}/jobs/${job.jobId}`)).json()) as PublicJob),
    ),
  );

  progress.release();
  const succeeded = finals.every((job) => job.status === 'SUCCEEDED');
  console.log(`\nAll demo jobs ended: ${finals.map((job) => `${job.connection} ${job.status}`).join(', ')}`);
  if (options.once) {
    await closeAll();
    return succeeded ? 0 : 1;
  }
  printApiHelp(stack.apiUrl, jobs[0]?.connection ?? 'demo-avid', false, jobs[0]?.jobId);
  // The demo jobs have ended by now, so "try this" gets a job of its own, started just now, and
  // every line typed (Enter, or a connection's name) starts another: none points at a finished job.
  const fresh = new FreshDemoJobs(stack.apiUrl, vendors);
  await fresh.startAndPrint('');
  const input = createInterface({ input: process.stdin, terminal: false });
  input.on('line', (line) => {
    fresh
      .startAndPrint(line)
      .catch((error: unknown) => console.error(`jobwatch: ${describeError(error).message}`));
  });
  await waitForSignal();
  input.close();
  await closeAll();
  return 0;
}

async function follow(view: DemoProgressView, read: () => Promise<PublicJob[]>): Promise<PublicJob[]> {
  for (;;) {
    const jobs = await read();
    view.render(jobs);
    if (jobs.every((job) => isFinal(job.status))) return jobs;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Fresh demo jobs on demand: a new vendor job on a simulator, watched through the API. */
class FreshDemoJobs {
  private next = 0;

  constructor(
    private readonly apiUrl: string,
    private readonly vendors: readonly DemoVendor[],
  ) {}

  /** `line` names a connection or vendor (`demo-okast`, `okast`); empty takes the next in turn. */
  async startAndPrint(line: string): Promise<void> {
    const wanted = line.trim().toLowerCase();
    const vendor = wanted
      ? this.vendors.find(
          ({ connection, vendor: name }) =>
            connection === wanted || name === wanted || connection === `demo-${wanted}`,
        )
      : this.vendors[this.next++ % this.vendors.length];
    if (!vendor) {
      console.log(
        `No demo connection "${wanted}": ${this.vendors.map(({ connection }) => connection).join(', ')}`,
      );
      return;
    }
    const jobId = await startDemoJob(this.apiUrl, vendor, FRESH_JOB_SECONDS);
    console.log(`\nA fresh demo job on ${vendor.connection}; wait for it with:`);
    console.log(`  ${jobwatchCommand(this.apiUrl)} watch ${jobId} --wait`);
    const names = this.vendors.map(({ connection }) => connection.replace(/^demo-/, ''));
    console.log(`Another: Enter, or type ${names.join(', ')}. Ctrl-C stops.`);
  }
}

/** Creates a job at the vendor's simulator and starts watching it through the API (POST /jobs). */
async function startDemoJob(apiUrl: string, vendor: DemoVendor, seconds: number): Promise<string> {
  const reference = await vendor.simulator.createDemoJob(seconds);
  const response = await fetch(`${apiUrl}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ connection: vendor.connection, job: reference }),
  });
  const body = (await response.json()) as PublicJob & { detail?: string };
  if (!response.ok) {
    throw new Error(
      `Starting the ${vendor.connection} demo job failed: ${response.status} ${body.detail ?? ''}`,
    );
  }
  return body.jobId;
}

/** `npx jobwatch`, with `--api` when the stack is not where the CLI looks by default. */
function jobwatchCommand(apiUrl: string): string {
  return apiUrl === DEFAULT_API_URL ? 'npx jobwatch' : `npx jobwatch --api ${apiUrl}`;
}

function printApiHelp(apiUrl: string, connection: string, needsToken: boolean, jobId?: string): void {
  const auth = needsToken ? ` -H 'authorization: Bearer <your api.token>'` : '';
  console.log(`\nThe API keeps serving (Ctrl-C to stop); its reference: ${apiUrl}/docs. Try:`);
  console.log(`  curl -s${auth} ${apiUrl}/jobs | jq`);
  if (jobId) {
    console.log(`  curl -s${auth} ${apiUrl}/jobs/${jobId}/history | jq`);
    console.log(`  ${jobwatchCommand(apiUrl)} list`);
  } else {
    console.log(
      `  curl -s${auth} -X POST ${apiUrl}/jobs -H 'content-type: application/json' -d '{"connection":"${connection}","job":{ ... }}'`,
    );
  }
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
