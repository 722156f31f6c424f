/**
 * `npm run bench`: jobwatch's polling against the classic fixed-30-second poller, on the same
 * simulated fleet, through the synthesized state machine run locally with compressed time.
 *
 *   npm run bench -- [--jobs 200] [--max-hours 2] [--speed 25] [--seed 7]
 *   npm run bench -- --quick    (60 jobs up to 30 min: for development, not for the record)
 *   npm run bench -- --parse    (2 MB adversarial vs benign bodies per adapter: bench/parse.ts)
 *   npm run bench -- --scale    (job starts and changes/s the table holds per partition: bench/scale.ts)
 *   npm run bench -- --bundles  (code size and cold import per function: bench/bundles.ts)
 *
 * The speed is what two cores sustain with ~400 watches at once; faster, the event loop lags and
 * every design's detection delay is inflated (the run prints the lag).
 *
 * Prints per design: polls per job (p50/p95), state transitions per poll, Lambda invocations,
 * DynamoDB writes per job, detection delay (vendor end → jobwatch final, p50/p95), $ per 1,000
 * jobs from public prices — and whether each target is met — and, per duration bucket and vendor,
 * each design's polls over the oracle's (bench/oracle.ts): the gap to the physical limit.
 * Not a timed test: a benchmark.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseConnections } from '../lib/config/connection-registry.js';
import type { ConnectionInput } from '../lib/config/connections.js';
import type { PublicJob, VendorName } from '../lib/jobs/job.js';
import { scaledClock } from '../local/clock.js';
import { type LocalStack, startLocalStack } from '../local/stack.js';
import { CLASSIC_DEFINITION, CLASSIC_INTERVAL_SECONDS, createClassicPollHandler } from './classic-poller.js';
import { createFleetJobs, createFleetSimulators, type FleetJob, planFleet } from './fleet.js';
import { delayBoundFor, oraclePolls } from './oracle.js';

/** Public list prices (us-east-1). */
const PRICES = {
  stepFunctionsPerTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1_000_000,
  dynamoPerWriteUnit: 0.625 / 1_000_000,
};

/** Clock seconds before the first job is submitted: room for both stacks to take their first watches. */
const LEAD_IN_SECONDS = 30;

interface DesignResult {
  name: string;
  jobs: Array<{ job: FleetJob; final?: PublicJob | undefined; polls: number; transitions: number }>;
  writeRequests: number;
  writeUnits: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '200' },
      'max-hours': { type: 'string', default: '2' },
      speed: { type: 'string', default: '25' },
      seed: { type: 'string', default: '7' },
      quick: { type: 'boolean', default: false },
    },
  });
  // A fleet small and short enough to try a schedule change in about two minutes.
  if (values.quick) Object.assign(values, { jobs: '60', 'max-hours': '0.5' });
  const jobCount = Number(values.jobs);
  const speed = Number(values.speed);
  const clock = scaledClock(speed);
  const simulators = createFleetSimulators(clock);
  const vendors = Object.keys(simulators) as VendorName[];
  const connections: ConnectionInput[] = [];
  for (const vendor of vendors) {
    const simulator = simulators[vendor as keyof typeof simulators];
    connections.push({
      name: vendor,
      vendor,
      baseUrl: await simulator.start(),
      credentials: simulator.credentials,
      options: simulator.connectionOptions(),
      // Both designs get the same bounds: jobwatch may back off up to 10 minutes.
      polling: { minIntervalSeconds: 15, maxIntervalSeconds: 600, stallAfterSeconds: 86_400 },
    });
  }
  const parsedConnections = parseConnections(connections, 'benchmark connections');
  const plan = planFleet({
    jobs: jobCount,
    maxHours: Number(values['max-hours']),
    seed: Number(values.seed),
    vendors,
  });
  console.log(
    `Fleet: ${plan.length} jobs on ${vendors.join(', ')}; ${summarize(plan.map((job) => job.durationSeconds / 60)).join(' / ')} min (min/p50/max); clock x${speed}`,
  );

  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  const jobwatchStack = await startLocalStack({
    config: { connections: parsedConnections },
    clock,
    logLevel: 'SILENT',
  });
  const classicStack = await startLocalStack({
    config: { connections: parsedConnections },
    clock,
    logLevel: 'SILENT',
    workflow: {
      definition: CLASSIC_DEFINITION,
      createPollHandler: (services) => createClassicPollHandler(services) as never,
      waitSeconds: { Wait: CLASSIC_INTERVAL_SECONDS },
    },
  });
  // Created only now that both stacks are up: synthesis and start-up cost many clock minutes.
  const fleet = createFleetJobs(simulators, plan, clock, Number(values.seed), LEAD_IN_SECONDS);
  const started = Date.now();
  const [jobwatch, classic] = await Promise.all([
    runDesign('jobwatch', jobwatchStack, fleet),
    runDesign('classic 30 s', classicStack, fleet),
  ]);
  lag.disable();
  console.log(
    `Ran in ${Math.round((Date.now() - started) / 1000)} s real; event-loop lag p99 ${Math.round(lag.percentile(99) / 1e6)} ms (= ${Math.round((lag.percentile(99) / 1e9) * speed)} s of clock time)\n`,
  );
  report(jobwatch, classic);

  await Promise.all([jobwatchStack.close(), classicStack.close()]);
  await Promise.all(Object.values(simulators).map((simulator) => simulator.close()));
}

async function runDesign(name: string, stack: LocalStack, fleet: FleetJob[]): Promise<DesignResult> {
  let writeRequests = 0;
  let writeUnits = 0;
  stack.dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      if (/Put|Update|Delete|BatchWrite/.test(command)) {
        writeRequests += 1;
        // A put of the latest item also writes each index it appears in (four, ALL projection).
        const isLatest = JSON.stringify((args.input as { Item?: unknown }).Item ?? {}).includes('"LATEST"');
        writeUnits += isLatest ? 5 : 1;
      }
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  const jobIds = await Promise.all(
    fleet.map(async (job) => {
      // A pipeline asks for the watch when it submits the job, not before.
      await sleepUntil(stack.clock, job.watchAt);
      const response = await fetch(`${stack.apiUrl}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ connection: job.vendor, job: job.reference }),
      });
      return ((await response.json()) as PublicJob).jobId;
    }),
  );
  await untilAllEnded(name, stack, fleet);
  const jobs = await Promise.all(
    fleet.map(async (job, index) => {
      const jobId = jobIds[index] ?? '';
      const final = await stack.services.store.getJob(jobId);
      const executions = stack.runner.executionsOf(jobId);
      return {
        job,
        final: final as PublicJob | undefined,
        polls: executions.reduce((sum, execution) => sum + execution.polls, 0),
        transitions: executions.reduce((sum, execution) => sum + execution.transitions, 0),
      };
    }),
  );
  return { name, jobs, writeRequests, writeUnits };
}

function sleepUntil(clock: LocalStack['clock'], at: number): Promise<void> {
  const realMs = Math.max(0, ((at - clock.now()) / 1000) * clock.realMsPerSecond);
  return new Promise((resolve) => setTimeout(resolve, realMs));
}

/**
 * Waits until every watch ended, printing how many have, and gives up an hour of clock time after
 * the last vendor job ended (those jobs then count as missed).
 */
async function untilAllEnded(name: string, stack: LocalStack, fleet: FleetJob[]): Promise<void> {
  const giveUpAt = Math.max(...fleet.map((job) => job.vendorEndsAt)) + 3_600_000;
  let lastReport = Date.now();
  for (;;) {
    const executions = [...stack.runner.executions.values()];
    const running = executions.filter((execution) => execution.status === 'RUNNING').length;
    if (running === 0 && executions.length > 0) return;
    if (stack.clock.now() > giveUpAt) {
      console.log(
        `${name}: giving up on ${running} watches still running an hour after the last vendor job ended`,
      );
      stack.runner.abortAll();
      return;
    }
    if (Date.now() - lastReport > 15_000) {
      console.log(`${name}: ${running} of ${fleet.length} watches still running`);
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function report(jobwatch: DesignResult, classic: DesignResult): void {
  const rows: Array<[string, string, string, string]> = [];
  const metrics = (design: DesignResult, filter: (job: FleetJob) => boolean = () => true) => {
    const jobs = design.jobs.filter((entry) => filter(entry.job));
    const polls = jobs.map((entry) => entry.polls);
    const transitions = jobs.reduce((sum, entry) => sum + entry.transitions, 0);
    const totalPolls = polls.reduce((sum, value) => sum + value, 0);
    const delays = jobs
      .filter((entry) => entry.final?.finishedAt)
      .map((entry) => (Date.parse(entry.final?.finishedAt ?? '') - entry.job.vendorEndsAt) / 1000);
    return { jobs, polls, totalPolls, transitions, delays };
  };
  const all = { jobwatch: metrics(jobwatch), classic: metrics(classic) };
  const withProgress = (job: FleetJob) => job.profile !== 'none';
  const progressJobs = { jobwatch: metrics(jobwatch, withProgress), classic: metrics(classic, withProgress) };
  const perThousand = (value: number, jobs: number) => (value / jobs) * 1000;
  const cost = (design: DesignResult, m: ReturnType<typeof metrics>) => {
    const sfn = perThousand(m.transitions, m.jobs.length) * PRICES.stepFunctionsPerTransition;
    const lambda = perThousand(m.totalPolls, m.jobs.length) * PRICES.lambdaPerRequest;
    const dynamo = perThousand(design.writeUnits, m.jobs.length) * PRICES.dynamoPerWriteUnit;
    return { sfn, lambda, dynamo, total: sfn + lambda + dynamo };
  };
  const costs = { jobwatch: cost(jobwatch, all.jobwatch), classic: cost(classic, all.classic) };
  const [jp50, jp95] = percentiles(all.jobwatch.polls);
  const [cp50, cp95] = percentiles(all.classic.polls);
  const ratio = (a: number, b: number) => (b === 0 ? '∞' : `${(a / b).toFixed(1)}×`);
  rows.push([
    'polls per job p50 / p95',
    `${jp50} / ${jp95}`,
    `${cp50} / ${cp95}`,
    `${ratio(cp50, jp50)} fewer (p50)`,
  ]);
  rows.push([
    'state transitions per poll',
    (all.jobwatch.transitions / all.jobwatch.totalPolls).toFixed(2),
    (all.classic.transitions / all.classic.totalPolls).toFixed(2),
    '',
  ]);
  rows.push([
    'Lambda invocations (total)',
    String(all.jobwatch.totalPolls),
    String(all.classic.totalPolls),
    ratio(all.classic.totalPolls, all.jobwatch.totalPolls),
  ]);
  rows.push([
    'DynamoDB write requests per job',
    (jobwatch.writeRequests / all.jobwatch.jobs.length).toFixed(1),
    (classic.writeRequests / all.classic.jobs.length).toFixed(1),
    '',
  ]);
  const [jd50, jd95] = percentiles(all.jobwatch.delays);
  const [cd50, cd95] = percentiles(all.classic.delays);
  rows.push([
    'detection delay p50 / p95 (s)',
    `${jd50.toFixed(1)} / ${jd95.toFixed(1)}`,
    `${cd50.toFixed(1)} / ${cd95.toFixed(1)}`,
    '',
  ]);
  rows.push([
    '$ / 1,000 jobs: Step Functions',
    costs.jobwatch.sfn.toFixed(3),
    costs.classic.sfn.toFixed(3),
    ratio(costs.classic.sfn, costs.jobwatch.sfn),
  ]);
  rows.push([
    '$ / 1,000 jobs: Lambda requests',
    costs.jobwatch.lambda.toFixed(4),
    costs.classic.lambda.toFixed(4),
    '',
  ]);
  rows.push([
    '$ / 1,000 jobs: DynamoDB writes',
    costs.jobwatch.dynamo.toFixed(4),
    costs.classic.dynamo.toFixed(4),
    '',
  ]);
  rows.push([
    '$ / 1,000 jobs: total',
    costs.jobwatch.total.toFixed(3),
    costs.classic.total.toFixed(3),
    ratio(costs.classic.total, costs.jobwatch.total),
  ]);
  printTable(['metric', 'jobwatch', 'classic 30 s', 'ratio'], rows);

  const byProfile = ['steady', 'bursty', 'stalling', 'none'].map((profile) => {
    const j = metrics(jobwatch, (job) => job.profile === profile);
    const c = metrics(classic, (job) => job.profile === profile);
    const [, d95] = percentiles(j.delays);
    return [
      profile,
      String(j.jobs.length),
      `${percentiles(j.polls)[0]} vs ${percentiles(c.polls)[0]}`,
      d95.toFixed(1),
    ] as [string, string, string, string];
  });
  console.log('');
  printTable(['profile', 'jobs', 'polls p50 jobwatch vs classic', 'jobwatch delay p95 (s)'], byProfile);

  // Where the savings come from: short jobs cost a few polls either way, long ones are where the
  // schedule pays (progress-reporting jobs only).
  const byDuration = (
    [
      ['< 10 min', 0, 600],
      ['10–60 min', 600, 3600],
      ['≥ 1 h', 3600, Number.POSITIVE_INFINITY],
    ] as const
  ).map(([label, from, to]) => {
    const inBucket = (job: FleetJob) =>
      withProgress(job) && job.durationSeconds >= from && job.durationSeconds < to;
    const j = metrics(jobwatch, inBucket);
    const c = metrics(classic, inBucket);
    return [
      label,
      String(j.jobs.length),
      `${j.totalPolls} vs ${c.totalPolls}`,
      ratio(c.totalPolls, j.totalPolls),
      `${percentiles(j.delays)[1].toFixed(1)} vs ${percentiles(c.delays)[1].toFixed(1)}`,
    ] as string[];
  });
  console.log('');
  printTable(
    [
      'duration (with progress)',
      'jobs',
      'polls jobwatch vs classic',
      'fewer',
      'delay p95 (s) jobwatch vs classic',
    ],
    byDuration,
  );

  const byVendor = [...new Set(jobwatch.jobs.map((entry) => entry.job.vendor))].map((vendor) => {
    const j = metrics(jobwatch, (job) => job.vendor === vendor);
    const c = metrics(classic, (job) => job.vendor === vendor);
    const unfinished = j.jobs.filter((entry) => !entry.final?.finishedAt).length;
    return [
      vendor,
      String(j.jobs.length),
      `${percentiles(j.polls)[0]} vs ${percentiles(c.polls)[0]}`,
      `${percentiles(j.delays)[1].toFixed(1)} vs ${percentiles(c.delays)[1].toFixed(1)}`,
      String(unfinished),
    ] as string[];
  });
  console.log('');
  printTable(
    ['vendor', 'jobs', 'polls p50 jobwatch vs classic', 'delay p95 (s) jobwatch vs classic', 'unfinished'],
    byVendor,
  );

  reportOracle(jobwatch, classic, metrics);

  const endings = new Map<string, number>();
  for (const entry of jobwatch.jobs)
    endings.set(entry.final?.status ?? 'missing', (endings.get(entry.final?.status ?? 'missing') ?? 0) + 1);
  console.log(
    `\njobwatch endings: ${[...endings].map(([status, count]) => `${status} ${count}`).join(', ')}`,
  );

  // Polls are compared in total over the progress-reporting jobs: that is what is paid for.
  const progressPolls = progressJobs.jobwatch.totalPolls;
  const classicProgressPolls = progressJobs.classic.totalPolls;
  const [, pd95] = percentiles(progressJobs.jobwatch.delays);
  const targets: Array<[string, boolean, string]> = [
    [
      '≥ 5× fewer polls than classic (progress-reporting jobs, all polls)',
      classicProgressPolls / Math.max(1, progressPolls) >= 5,
      ratio(classicProgressPolls, progressPolls),
    ],
    ['p95 detection delay ≤ 30 s (progress-reporting jobs)', pd95 <= 30, `${pd95.toFixed(1)} s`],
    [
      '≤ 1.2 state transitions per poll',
      all.jobwatch.transitions / all.jobwatch.totalPolls <= 1.2,
      (all.jobwatch.transitions / all.jobwatch.totalPolls).toFixed(2),
    ],
    [
      'Step Functions cost ≥ 20× lower overall',
      costs.classic.sfn / costs.jobwatch.sfn >= 20,
      ratio(costs.classic.sfn, costs.jobwatch.sfn),
    ],
  ];
  console.log('\nTargets:');
  for (const [target, met, value] of targets)
    console.log(`  ${met ? 'MET    ' : 'NOT MET'}  ${target}: ${value}`);
}

/** Polls the oracle needs for one fleet job, at the bound the targets use for its kind. */
function oracleOf(job: FleetJob): number {
  const progress = job.profile !== 'none';
  return oraclePolls({
    queueSeconds: job.startsAt - job.submittedAt,
    runSeconds: job.durationSeconds,
    progress,
    boundSeconds: delayBoundFor(progress),
  });
}

type Metrics = (
  design: DesignResult,
  filter?: (job: FleetJob) => boolean,
) => { totalPolls: number; delays: number[]; jobs: DesignResult['jobs'] };

/** Each design's polls over the oracle's, per duration bucket (by signal) and per vendor. */
function reportOracle(jobwatch: DesignResult, classic: DesignResult, metrics: Metrics): void {
  const row = (label: string, filter: (job: FleetJob) => boolean): string[] => {
    const j = metrics(jobwatch, filter);
    const c = metrics(classic, filter);
    const oracle = j.jobs.reduce((sum, entry) => sum + oracleOf(entry.job), 0);
    const over = (polls: number) => (oracle === 0 ? '–' : `${(polls / oracle).toFixed(2)}×`);
    return [
      label,
      String(j.jobs.length),
      String(oracle),
      `${j.totalPolls} (${over(j.totalPolls)})`,
      `${c.totalPolls} (${over(c.totalPolls)})`,
      `${percentiles(j.delays)[1].toFixed(1)} vs ${percentiles(c.delays)[1].toFixed(1)}`,
    ];
  };
  const header = [
    '',
    'jobs',
    'oracle polls',
    'jobwatch (÷ oracle)',
    'classic (÷ oracle)',
    'delay p95 (s) j vs c',
  ];
  const buckets = [
    ['< 2 min', 0, 120],
    ['2–10 min', 120, 600],
    ['10–60 min', 600, 3600],
    ['≥ 60 min', 3600, Number.POSITIVE_INFINITY],
  ] as const;
  for (const progress of [true, false]) {
    const rows = buckets.map(([label, from, to]) =>
      row(
        label,
        (job) =>
          (job.profile !== 'none') === progress && job.durationSeconds >= from && job.durationSeconds < to,
      ),
    );
    rows.push(row('all', (job) => (job.profile !== 'none') === progress));
    console.log(
      `\nOracle, ${progress ? 'jobs with progress' : 'jobs without progress'} (bound ${delayBoundFor(progress)} s):`,
    );
    printTable(['duration', ...header.slice(1)], rows);
  }
  const vendors = [...new Set(jobwatch.jobs.map((entry) => entry.job.vendor))];
  console.log('\nOracle per vendor (each job at its own bound):');
  printTable(
    ['vendor', ...header.slice(1)],
    [...vendors.map((vendor) => row(vendor, (job) => job.vendor === vendor)), row('all', () => true)],
  );
}

function percentiles(values: number[]): [number, number] {
  if (values.length === 0) return [0, 0];
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
  return [at(0.5), at(0.95)];
}

function summarize(values: number[]): string[] {
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[0] ?? 0, sorted[Math.floor(sorted.length / 2)] ?? 0, sorted[sorted.length - 1] ?? 0].map(
    (value) => value.toFixed(1),
  );
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

// `--parse` runs the parse benchmark instead of the fleet (bench/parse.ts).
(process.argv.includes('--parse')
  ? import('./parse.js').then(({ runParseBenchmark }) => runParseBenchmark())
  : process.argv.includes('--bundles')
    ? import('./bundles.js').then(({ runBundleBenchmark }) => runBundleBenchmark())
    : process.argv.includes('--scale')
      ? import('./scale.js').then(({ runScaleBenchmark }) => runScaleBenchmark())
      : main()
).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
