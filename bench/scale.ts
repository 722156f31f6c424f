/**
 * `npm run bench -- --scale`: the job-start and stored-change rates the job table holds before
 * its hottest partition reaches DynamoDB's per-partition limit of 1,000 write units a second
 * (GSIs included; a throttled index throttles the table), for today's design beside the one
 * before issue 12.
 *
 * Nothing is measured against a service: it is counted. A fleet's lifecycles run through the
 * real transitions (`lib/jobs/transitions.ts`), every item the store writes is built by the real
 * item functions (`lib/store/job-item.ts`) and sized by DynamoDB's rules, a write costs
 * ceil(KB) units (a replaced or updated item: the larger of before and after), an index entry
 * whose key moves costs a delete plus a put, and the units are summed per partition key of the
 * table and of each index. At a steady start rate r, a partition that takes W units over the
 * fleet's N lifecycles takes r × W / N units a second; the rate the design holds is where the
 * hottest partition reaches 1,000.
 */
import type { Job, Observation, VendorName } from '../lib/jobs/job.js';
import { initialJob, VENDORS } from '../lib/jobs/job.js';
import { isFinal } from '../lib/jobs/job-status.js';
import { applyObservation, applyWatchIssue, type TransitionResult } from '../lib/jobs/transitions.js';
import { historyItem, type Item, latestItem, retentionSeconds, waitersKey } from '../lib/store/job-item.js';
import {
  ALL_JOBS_PARTITION,
  GSI_SORT_KEY,
  INDEXES,
  type ListingIndexKey,
  PARTITION_KEY,
  TTL_ATTRIBUTE,
  WAITER_TOKENS_ATTRIBUTE,
} from '../lib/store/table-design.js';
import { deriveJobId } from '../lib/watch/job-identity.js';

const PARTITION_WRITE_UNITS_PER_SECOND = 1000;
/** The default on-demand throughput quota per table (and per index), a Service Quotas request away. */
const ON_DEMAND_TABLE_QUOTA = 40_000;
const FLEET_JOBS = 20_000;
const CONNECTIONS_PER_VENDOR = 4;
const RETENTION = retentionSeconds(90);
/** A Step Functions task token as callers hand them over: opaque, about this long. */
const TASK_TOKEN_LENGTH = 700;
const POLL_SECONDS = 30;

/** Step Functions `StartExecution`, a token bucket per account and region (AWS's quota page). */
const START_EXECUTION = {
  largeRegions: { refillPerSecond: 300, bucket: 1300 },
  otherRegions: { refillPerSecond: 150, bucket: 800 },
};

type IndexKeys = Record<ListingIndexKey, string>;

interface Design {
  name: string;
  /** The listing partition values this design gives a latest item. */
  indexKeys(job: Job): IndexKeys;
}

/**
 * BEFORE ISSUE 12 — a faithful copy of the old key rule of `latestItem`, kept here only to
 * compare: one constant partition per index value (`ALL`, the status, the vendor, the connection).
 */
const CONSTANT_KEYS: Design = {
  name: 'before (constant keys)',
  indexKeys: (job) => ({
    byConnection: job.connection,
    byVendor: job.vendor,
    byStatus: job.status,
    allJobs: ALL_JOBS_PARTITION,
  }),
};

/** Today: whatever the real `latestItem` writes. */
const SHARDED_KEYS: Design = {
  name: 'now (write-sharded)',
  indexKeys: (job) => {
    const item = latestItem(job, RETENTION);
    const keys = {} as IndexKeys;
    for (const [key, index] of Object.entries(INDEXES))
      keys[key as ListingIndexKey] = String(item[index.partitionKey]);
    return keys;
  },
};

/** DynamoDB's item size: names and values in UTF-8, numbers by digits, 3 bytes per list or map. */
function attributeSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number')
    return Math.ceil(String(Math.abs(value)).replace(/[.-]|^0+/g, '').length / 2) + 1;
  if (value instanceof Set)
    return [...value].reduce((sum: number, element) => sum + attributeSize(element), 0);
  if (Array.isArray(value))
    return 3 + value.reduce((sum: number, element) => sum + 1 + attributeSize(element), 0);
  if (typeof value === 'object') {
    return (
      3 +
      Object.entries(value).reduce(
        (sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + attributeSize(element),
        0,
      )
    );
  }
  return 0;
}

const sizes = new WeakMap<Item, number>();

function itemSize(item: Item): number {
  let size = sizes.get(item);
  if (size === undefined) {
    size = Object.entries(item).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(name) + attributeSize(value),
      0,
    );
    sizes.set(item, size);
  }
  return size;
}

function writeUnits(...items: Item[]): number {
  return Math.max(1, ...items.map((item) => Math.ceil(itemSize(item) / 1024)));
}

/** Units written per partition key, per target (the table, or an index). */
class Ledger {
  readonly units = new Map<string, Map<string, number>>();
  writes = 0;

  add(target: string, partition: string, units: number): void {
    const partitions = this.units.get(target) ?? new Map<string, number>();
    partitions.set(partition, (partitions.get(partition) ?? 0) + units);
    this.units.set(target, partitions);
    this.writes += units;
  }

  hottest(target: string): { partition: string; units: number } {
    let best = { partition: '-', units: 0 };
    for (const [partition, units] of this.units.get(target) ?? [])
      if (units > best.units) best = { partition, units };
    return best;
  }
}

/** The latest item as a design writes it: the real item, with that design's partition values. */
function designLatest(design: Design, job: Job): Item {
  const item = latestItem(job, RETENTION);
  const keys = design.indexKeys(job);
  for (const [key, index] of Object.entries(INDEXES)) item[index.partitionKey] = keys[key as ListingIndexKey];
  return item;
}

/** A realistic watch: waiting, queued, running with ten progress steps and a vendor outage, done. */
interface LifecycleStep {
  kind: 'change' | 'refresh';
  job: Job;
}

function lifecycle(job: Job): LifecycleStep[] {
  const steps: LifecycleStep[] = [{ kind: 'change', job }];
  let current = job;
  let clock = Date.parse(job.createdAt);
  const apply = (transition: (at: Date) => TransitionResult) => {
    clock += POLL_SECONDS * 1000;
    const result = transition(new Date(clock));
    if (result.changed) steps.push({ kind: 'change', job: result.job });
    else if (result.refresh) steps.push({ kind: 'refresh', job: result.job });
    current = result.job;
  };
  const observe = (observation: Observation) => apply((at) => applyObservation(current, observation, at));
  const details = {
    transferredBytes: 0,
    totalBytes: 48_318_382_080,
    workers: [{ id: 'w-2', state: 'busy' }],
  };
  const adapterState = { commandLink: `/api/v1/commands/${String(job.reference.commandId)}` };
  observe({ status: 'QUEUED', rawStatus: 'PENDING', details, adapterState });
  for (let progress = 0; progress < 100; progress += 10) {
    observe({
      status: 'RUNNING',
      rawStatus: 'IN_PROGRESS',
      progress,
      message: `Transferring ${progress}%`,
      details,
      adapterState,
    });
    if (progress === 50) {
      for (const code of [503, 502, 504]) {
        apply((at) =>
          applyWatchIssue(
            current,
            { kind: 'transport', message: `GET /api/v1/commands answered ${code}` },
            at,
          ),
        );
      }
    }
  }
  observe({
    status: 'SUCCEEDED',
    rawStatus: 'COMPLETED',
    progress: 100,
    message: 'Done',
    details,
    adapterState,
  });
  return steps;
}

/** Every write the store makes over one job's life, as `versioned-writes.ts` and `waiters.ts` make them. */
function recordLifecycle(
  design: Design,
  initial: Job,
  steps: readonly LifecycleStep[],
  ledger: Ledger,
): number {
  const table = 'table';
  const jobPartition = String(latestItem(initial, RETENTION)[PARTITION_KEY]);
  const waiters = {
    ...waitersKey(initial.jobId),
    [WAITER_TOKENS_ATTRIBUTE]: new Set(['t'.repeat(TASK_TOKEN_LENGTH)]),
  };
  // A caller waits on the job (a `.sync` task token): one UpdateItem on the waiters item.
  ledger.add(table, jobPartition, writeUnits(waiters));
  let previous: Item | undefined;
  const history: Item[] = [];
  for (const step of steps) {
    const latest = designLatest(design, step.job);
    if (step.kind === 'change') {
      const item = historyItem(step.job, RETENTION);
      ledger.add(table, jobPartition, writeUnits(item));
      if (isFinal(step.job.status)) {
        // The history's expiry, stamped on every earlier version before the final one is latest.
        for (const earlier of history)
          ledger.add(table, jobPartition, writeUnits({ ...earlier, [TTL_ATTRIBUTE]: 0 }));
      }
      history.push(item);
    }
    ledger.add(table, jobPartition, writeUnits(latest, ...(previous ? [previous] : [])));
    for (const index of Object.values(INDEXES))
      recordIndexWrite(ledger, index.indexName, index.partitionKey, previous, latest);
    previous = latest;
  }
  // The watch answers the waiter: DELETE from the set, then the emptied item goes.
  ledger.add(table, jobPartition, writeUnits(waiters));
  ledger.add(table, jobPartition, writeUnits(waitersKey(initial.jobId)));
  return history.length;
}

/** An index entry: a put when new or unchanged in key, a delete plus a put when its key moves. */
function recordIndexWrite(
  ledger: Ledger,
  indexName: string,
  partitionKey: string,
  before: Item | undefined,
  after: Item,
): void {
  const keyOf = (item: Item) => `${String(item[partitionKey])}\u0000${String(item[GSI_SORT_KEY])}`;
  if (before && keyOf(before) !== keyOf(after))
    ledger.add(indexName, String(before[partitionKey]), writeUnits(before));
  ledger.add(
    indexName,
    String(after[partitionKey]),
    writeUnits(after, ...(before && keyOf(before) === keyOf(after) ? [before] : [])),
  );
}

function fleet(): Job[] {
  const start = Date.parse('2026-01-05T09:00:00.000Z');
  return Array.from({ length: FLEET_JOBS }, (_, position) => {
    const vendor = VENDORS[position % VENDORS.length] as VendorName;
    const connection = `${vendor}-${Math.floor(position / VENDORS.length) % CONNECTIONS_PER_VENDOR}`;
    const reference = { commandId: `5b0e7f2c-${String(position).padStart(8, '0')}-4d21-9a3e-8f1c2b7d6e90` };
    const at = new Date(start + position * 37).toISOString();
    return {
      ...initialJob({ jobId: deriveJobId({ connection, reference }), connection, vendor, reference, at }),
      deadline: new Date(Date.parse(at) + 86_400_000).toISOString(),
    } satisfies Job;
  });
}

interface DesignRates {
  design: Design;
  versionsPerJob: number;
  unitsPerJob: number;
  /** Units per job into the table, and into each index. */
  targetUnitsPerJob: Map<string, number>;
  hottest: Array<{ target: string; partition: string; unitsPerJob: number }>;
  startsPerSecond: number;
}

function rates(
  design: Design,
  jobs: readonly Job[],
  lifecycles: ReadonlyMap<Job, LifecycleStep[]>,
): DesignRates {
  const ledger = new Ledger();
  let versions = 0;
  for (const job of jobs) versions += recordLifecycle(design, job, lifecycles.get(job) ?? [], ledger);
  const hottest = ['table', ...Object.values(INDEXES).map((index) => index.indexName)].map((target) => {
    const { partition, units } = ledger.hottest(target);
    return { target, partition, unitsPerJob: units / jobs.length };
  });
  // The table's partitions are one per job: each takes its own job's writes, whatever the start
  // rate, so only the index partitions (shared by many jobs) bound it.
  const worst = Math.max(
    ...hottest.filter((entry) => entry.target !== 'table').map((entry) => entry.unitsPerJob),
  );
  const targetUnitsPerJob = new Map<string, number>();
  for (const [target, partitions] of ledger.units) {
    targetUnitsPerJob.set(
      target,
      [...partitions.values()].reduce((sum, units) => sum + units, 0) / jobs.length,
    );
  }
  return {
    design,
    versionsPerJob: versions / jobs.length,
    unitsPerJob: ledger.writes / jobs.length,
    targetUnitsPerJob,
    hottest,
    startsPerSecond: PARTITION_WRITE_UNITS_PER_SECOND / worst,
  };
}

function busiestIndexUnits(result: DesignRates): number {
  return Math.max(
    ...[...result.targetUnitsPerJob].filter(([target]) => target !== 'table').map(([, units]) => units),
  );
}

function busiestTargetUnits(result: DesignRates): number {
  return Math.max(...result.targetUnitsPerJob.values());
}

function formatRate(value: number): string {
  return Math.floor(value).toLocaleString('en-US');
}

/** Prints both designs side by side, and what binds once the table does not. */
export function runScaleBenchmark(): void {
  const jobs = fleet();
  const sample = lifecycle(jobs[0] as Job).map((step) => itemSize(latestItem(step.job, RETENTION)));
  const lifecycles = new Map(jobs.map((job) => [job, lifecycle(job)]));
  const results = [rates(CONSTANT_KEYS, jobs, lifecycles), rates(SHARDED_KEYS, jobs, lifecycles)];
  console.log(
    `Fleet: ${jobs.length.toLocaleString('en-US')} jobs, ${VENDORS.length} vendors, ${VENDORS.length * CONNECTIONS_PER_VENDOR} connections; ` +
      `latest item ${Math.min(...sample)}–${Math.max(...sample)} B; limit ${PARTITION_WRITE_UNITS_PER_SECOND} WCU/s per partition\n`,
  );
  const rows: string[][] = [['', ...results.map((result) => result.design.name)]];
  rows.push(['stored changes per job', ...results.map((result) => result.versionsPerJob.toFixed(1))]);
  rows.push([
    'write units per job (table + indexes)',
    ...results.map((result) => result.unitsPerJob.toFixed(1)),
  ]);
  rows.push([
    'table: one partition per job, WCU over its life',
    ...results.map((result) => formatRate((result.hottest[0]?.unitsPerJob ?? 0) * jobs.length)),
  ]);
  for (const [position, entry] of (results[0]?.hottest ?? []).entries()) {
    if (entry.target === 'table') continue;
    rows.push([
      `hottest ${entry.target} partition, WCU per job`,
      ...results.map((result) => {
        const hot = result.hottest[position];
        return hot ? `${hot.unitsPerJob.toFixed(4)} (${hot.partition.slice(0, 24)})` : '';
      }),
    ]);
  }
  rows.push(['sustained job starts/s', ...results.map((result) => formatRate(result.startsPerSecond))]);
  rows.push([
    'sustained stored changes/s',
    ...results.map((result) => formatRate(result.startsPerSecond * result.versionsPerJob)),
  ]);
  rows.push([
    'WCU/s at that rate: table / busiest index',
    ...results.map(
      (result) =>
        `${formatRate(result.startsPerSecond * (result.targetUnitsPerJob.get('table') ?? 0))} / ${formatRate(result.startsPerSecond * busiestIndexUnits(result))}`,
    ),
  ]);
  rows.push([
    `starts/s at ${ON_DEMAND_TABLE_QUOTA.toLocaleString('en-US')} WRU/s (table or one index)`,
    ...results.map((result) => formatRate(ON_DEMAND_TABLE_QUOTA / busiestTargetUnits(result))),
  ]);
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
  const now = results[1];
  const { largeRegions, otherRegions } = START_EXECUTION;
  console.log(
    `\nThe table is not the limit now: ${formatRate(now?.startsPerSecond ?? 0)} starts/s. Step Functions StartExecution binds first: ` +
      `a token bucket of ${largeRegions.bucket.toLocaleString('en-US')} refilled at ${largeRegions.refillPerSecond}/s in us-east-1, us-west-2 and eu-west-1 ` +
      `(${otherRegions.bucket}, ${otherRegions.refillPerSecond}/s elsewhere): that many job starts a second, bursts of the bucket size.\n` +
      "Raising it is a Service Quotas request (Step Functions, per region). Past it, the next request is DynamoDB's " +
      'per-table on-demand throughput quota (40,000 write request units a second by default; the last row).',
  );
}
