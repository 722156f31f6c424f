/**
 * `npm run bench`: jobwatch's polling against the classic fixed-30-second poller, on the same
 * simulated fleet, through the synthesized state machine run locally with compressed time.
 *
 *   npm run bench -- [--jobs 200] [--max-hours 2] [--speed 25] [--seed 7]
 *   npm run bench -- --quick    (60 jobs up to 30 min: for development, not for the record)
 *   npm run bench -- --cold     (no warm-up fleet: jobwatch measured without learned durations)
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
import { ALL_KINDS, MIN_ENDINGS } from '../lib/polling/duration-model.js';
import { scaledClock } from '../local/clock.js';
import { type LocalStack, startLocalStack } from '../local/stack.js';
import { CLASSIC_DEFINITION, CLASSIC_INTERVAL_SECONDS, createClassicPollHandler } from './classic-poller.js';
import { createFleetJobs, createFleetSimulators, type FleetJob, planFleet } from './fleet.js';
import { delayBoundFor, oraclePolls } from './oracle.js';
import { printTable } from './print-table.js';

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
      cold: { type: 'boolean', default: false },
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
  // The model learns from a first fleet of the same shape (another seed), on jobwatch's stack
  // only; the benchmark's own fleet is measured once every connection saw enough of them end.
  if (!values.cold) {
    const warmSeed = Number(values.seed) + 1000;
    // Enough jobs that every connection sees MIN_ENDINGS end near the fleet's median duration.
    const warmPlan = planFleet({
      jobs: Math.max(jobCount, 2 * MIN_ENDINGS * vendors.length),
      maxHours: Number(values['max-hours']),
      seed: warmSeed,
      vendors,
    });
    await warmUp(
      jobwatchStack,
      createFleetJobs(simulators, warmPlan, clock, warmSeed, LEAD_IN_SECONDS),
      vendors,
    );
  }
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
  const vendorRequests = Object.values(simulators).reduce(
    (sum, simulator) => sum + simulator.server.requests.length,
    0,
  );
  const allPolls = [jobwatchStack, classicStack]
    .flatMap((stack) => [...stack.runner.executions.values()])
    .reduce((sum, execution) => sum + execution.polls, 0);
  report(jobwatch, classic, vendorRequests / Math.max(1, allPolls));

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

function report(jobwatch: DesignResult, classic: DesignResult, requestsPerPoll: number): void {
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

  printTargets(jobwatch, classic, metrics, {
    sfn: costs.classic.sfn / costs.jobwatch.sfn,
    transitionsPerPoll: all.jobwatch.transitions / all.jobwatch.totalPolls,
    requestsPerPoll,
  });
}

/**
 * Submits the warm-up fleet to jobwatch and waits until every connection's model saw
 * MIN_ENDINGS of its jobs end (or the whole fleet ended). The rest keep running meanwhile.
 */
async function warmUp(stack: LocalStack, fleet: FleetJob[], vendors: VendorName[]): Promise<void> {
  const started = Date.now();
  const startedAt = stack.clock.now();
  for (const job of fleet) {
    void sleepUntil(stack.clock, job.watchAt).then(() =>
      fetch(`${stack.apiUrl}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ connection: job.vendor, job: job.reference }),
      }).then((response) => response.body?.cancel()),
    );
  }
  const giveUpAt = Math.max(...fleet.map((job) => job.vendorEndsAt)) + 600_000;
  for (;;) {
    const endings = await Promise.all(
      vendors.map(async (vendor) => (await stack.services.durations?.get(vendor, ALL_KINDS))?.endings ?? 0),
    );
    if (endings.every((count) => count >= MIN_ENDINGS) || stack.clock.now() > giveUpAt) {
      console.log(
        `Warm-up: ${endings.join(' / ')} endings learned per connection after ${Math.round((stack.clock.now() - startedAt) / 60_000)} clock min (${Math.round((Date.now() - started) / 1000)} s real); measuring the fleet`,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The issue's targets, each printed as met or not with its value. */
function printTargets(
  jobwatch: DesignResult,
  classic: DesignResult,
  metrics: Metrics,
  totals: { sfn: number; transitionsPerPoll: number; requestsPerPoll: number },
): void {
  const progress = (job: FleetJob) => job.profile !== 'none';
  const all = { j: metrics(jobwatch), c: metrics(classic) };
  const oracleProgress = metrics(jobwatch, progress).jobs.reduce(
    (sum, entry) => sum + oracleOf(entry.job),
    0,
  );
  const p95 = (values: number[]) => percentiles(values)[1];
  const targets: Array<[string, boolean, string]> = [
    [
      '≥ 6× fewer polls than classic (all jobs)',
      all.c.totalPolls / Math.max(1, all.j.totalPolls) >= 6,
      `${(all.c.totalPolls / Math.max(1, all.j.totalPolls)).toFixed(1)}×`,
    ],
    ['Step Functions cost ≥ 20× lower overall', totals.sfn >= 20, `${totals.sfn.toFixed(1)}×`],
    [
      'polls ≤ 2× the oracle (jobs with progress)',
      metrics(jobwatch, progress).totalPolls <= 2 * oracleProgress,
      `${(metrics(jobwatch, progress).totalPolls / Math.max(1, oracleProgress)).toFixed(2)}×`,
    ],
  ];
  for (const [label, from, to] of DURATION_BUCKETS) {
    const inBucket = (job: FleetJob) =>
      progress(job) && job.durationSeconds >= from && job.durationSeconds < to;
    const j = p95(metrics(jobwatch, inBucket).delays);
    const c = p95(metrics(classic, inBucket).delays);
    targets.push([
      `p95 detection ≤ 30 s and ≤ classic + 5 s (with progress, ${label})`,
      j <= 30 && j <= c + 5,
      `${j.toFixed(1)} s vs classic ${c.toFixed(1)} s`,
    ]);
  }
  const silent = p95(metrics(jobwatch, (job) => !progress(job)).delays);
  targets.push(['p95 detection ≤ 90 s (no progress, model warmed)', silent <= 90, `${silent.toFixed(1)} s`]);
  const short = (job: FleetJob) => job.durationSeconds >= 120 && job.durationSeconds < 600;
  const js = metrics(jobwatch, short);
  const cs = metrics(classic, short);
  targets.push([
    '2–10 min jobs: ≤ 0.7× classic polls at its p95 (+5 s)',
    js.totalPolls <= 0.7 * cs.totalPolls && p95(js.delays) <= p95(cs.delays) + 5,
    `${(js.totalPolls / Math.max(1, cs.totalPolls)).toFixed(2)}× at ${p95(js.delays).toFixed(1)} s vs ${p95(cs.delays).toFixed(1)} s`,
  ]);
  targets.push([
    '≤ 1.2 state transitions per poll',
    totals.transitionsPerPoll <= 1.2,
    totals.transitionsPerPoll.toFixed(2),
  ]);
  console.log('\nTargets:');
  for (const [target, met, value] of targets)
    console.log(`  ${met ? 'MET    ' : 'NOT MET'}  ${target}: ${value}`);
  console.log(`  (info)   vendor requests per poll, both designs: ${totals.requestsPerPoll.toFixed(2)}`);
}

const DURATION_BUCKETS = [
  ['< 2 min', 0, 120],
  ['2–10 min', 120, 600],
  ['10–60 min', 600, 3600],
  ['≥ 60 min', 3600, Number.POSITIVE_INFINITY],
] as const;

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
  for (const progress of [true, false]) {
    const rows = DURATION_BUCKETS.map(([label, from, to]) =>
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
