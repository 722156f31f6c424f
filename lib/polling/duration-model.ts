/**
 * Learned durations: how long a connection's jobs (of one kind) take from the start of their watch
 * to their end, kept as a small fixed sketch — counts in log-spaced buckets, decayed at every
 * ending so the recent jobs weigh most. Queue and run together: a job that reports no progress
 * shows nothing else to measure by, and its watch's age is known at every poll.
 *
 * With it, a job that shows no progress is polled where its end is likely rather than on a blind
 * back-off: sparse while few jobs of its kind end at its age, every delay bound where many do.
 * Pure: the store that keeps sketches is a port (`DurationModelStore`).
 */

/** Bucket edges: 10 s · 2^(i/4), i = 0…BUCKETS — 10 s to about 38 days, each 19 % wider. */
const FIRST_EDGE_SECONDS = 10;
const EDGES_PER_DOUBLING = 4;
export const DURATION_BUCKETS = 72;
/** Every ending multiplies the older weights by this: a half-life of about 140 endings. */
export const DURATION_DECAY = 0.995;
/** Fewer endings than this and the model is not used: today's schedule holds. */
export const MIN_ENDINGS = 20;
/**
 * The chance, given the job has not ended yet, that it ends in a stretch polled later than the
 * delay bound allows. Summed over a job's polls it stays near the 5 % a p95 target leaves.
 */
export const LATE_TOLERANCE = 0.006;
/** Older than all but this share of the jobs seen: the model knows nothing more of when it ends. */
const SURVIVAL_FLOOR = 0.02;
const BEYOND_BACKOFF = 0.25;

/** The upper edge of the longest bucket that holds weight. */
function longestSeen(sketch: DurationSketch): number {
  const weights = normalized(sketch);
  for (let index = DURATION_BUCKETS - 1; index >= 0; index -= 1)
    if ((weights[index] ?? 0) > 0) return edge(index + 1);
  return 0;
}

export interface DurationSketch {
  /** How many endings were recorded (not decayed). */
  endings: number;
  /** Decayed weight per bucket; index i holds durations in [edge(i), edge(i + 1)), 0 below 10 s. */
  weights: number[];
}

export function emptySketch(): DurationSketch {
  return { endings: 0, weights: new Array<number>(DURATION_BUCKETS).fill(0) };
}

function edge(index: number): number {
  return FIRST_EDGE_SECONDS * 2 ** (index / EDGES_PER_DOUBLING);
}

function bucketOf(seconds: number): number {
  if (!(seconds > FIRST_EDGE_SECONDS)) return 0;
  const index = Math.floor(Math.log2(seconds / FIRST_EDGE_SECONDS) * EDGES_PER_DOUBLING);
  return Math.min(DURATION_BUCKETS - 1, index);
}

/**
 * The sketch with one more ending of `seconds`, older weights decayed. Never mutates its input.
 *
 * @example recordDuration(emptySketch(), 600).endings // 1
 */
export function recordDuration(sketch: DurationSketch, seconds: number): DurationSketch {
  const weights = normalized(sketch).map((weight) => weight * DURATION_DECAY);
  const index = bucketOf(seconds);
  weights[index] = (weights[index] ?? 0) + 1;
  return { endings: sketch.endings + 1, weights };
}

/** A stored sketch of another length (an older layout) is read bucket by bucket, the rest zero. */
function normalized(sketch: DurationSketch): number[] {
  return Array.from({ length: DURATION_BUCKETS }, (_, index) => {
    const weight = sketch.weights[index];
    return typeof weight === 'number' && Number.isFinite(weight) && weight > 0 ? weight : 0;
  });
}

/**
 * The share of the recorded weight that lasted longer than `seconds`, 1 with no weight at all.
 * Within a bucket the weight is spread evenly over log time.
 */
export function survival(sketch: DurationSketch, seconds: number): number {
  const weights = normalized(sketch);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total <= 0) return 1;
  const index = bucketOf(seconds);
  let above = 0;
  for (let later = index + 1; later < DURATION_BUCKETS; later += 1) above += weights[later] ?? 0;
  const low = index === 0 ? 0 : edge(index);
  const high = edge(index + 1);
  const within =
    index === 0
      ? Math.min(1, Math.max(0, seconds) / high)
      : Math.min(1, Math.log(Math.max(seconds, low) / low) / Math.log(high / low));
  return Math.min(1, (above + (weights[index] ?? 0) * (1 - within)) / total);
}

export interface LearnedDelayOptions {
  /** The latest an end may be seen after it happens (the p95 the operator expects). */
  boundSeconds: number;
  minSeconds: number;
  maxSeconds: number;
  /** Defaults to {@link LATE_TOLERANCE}. */
  tolerance?: number | undefined;
}

/**
 * Seconds until the next poll of a job `ageSeconds` into its watch, from what the sketch learned,
 * or undefined while it has learned too little (fewer than {@link MIN_ENDINGS}). A job older than
 * nearly all seen is polled at the bound, backing off by a quarter of the time past the longest. The next poll is the delay bound plus the longest stretch in which the job ends
 * with at most `tolerance` conditional probability: a poll every bound where ends are dense, far
 * apart where they are rare.
 *
 * @example nextLearnedDelay(sketch, 300, { boundSeconds: 90, minSeconds: 15, maxSeconds: 600 }) // 90…600
 */
export function nextLearnedDelay(
  sketch: DurationSketch,
  ageSeconds: number,
  options: LearnedDelayOptions,
): number | undefined {
  if (sketch.endings < MIN_ENDINGS) return undefined;
  const age = Math.max(0, ageSeconds);
  const alive = survival(sketch, age);
  const tolerance = options.tolerance ?? LATE_TOLERANCE;
  const max = Math.max(options.minSeconds, options.maxSeconds);
  const bound = Math.min(max, Math.max(options.minSeconds, options.boundSeconds));
  // Older than nearly every job seen: its end may come any moment and nothing says when. Poll at
  // the bound, backing off slowly (a quarter of the time past the longest job seen) in case the
  // job is stuck rather than long.
  if (alive < SURVIVAL_FLOOR)
    return Math.min(max, bound + BEYOND_BACKOFF * Math.max(0, age - longestSeen(sketch)));
  const endsWithin = (gap: number) => (alive - survival(sketch, age + gap)) / alive;
  // Survival only falls with time: the longest quiet stretch is found by bisection.
  let quiet = 0;
  let loud = max - bound;
  if (endsWithin(loud) <= tolerance) return max;
  for (let step = 0; step < 30 && loud - quiet > 0.5; step += 1) {
    const middle = (quiet + loud) / 2;
    if (endsWithin(middle) <= tolerance) quiet = middle;
    else loud = middle;
  }
  return Math.min(max, bound + quiet);
}

/** What a job's vendor says its kind is (Avid's command type, a task type), bounded; else undefined. */
export function jobKindOf(details: Record<string, unknown> | undefined): string | undefined {
  const kind = details?.commandType ?? details?.taskType;
  if (typeof kind !== 'string' && typeof kind !== 'number') return undefined;
  const text = String(kind).trim();
  return text.length > 0 && text.length <= 64 ? text : undefined;
}

/** The sketch of every kind of a connection together. */
export const ALL_KINDS = '*';

/**
 * Where the sketches live: DynamoDB when deployed, the same over dynalite locally. `get` may answer
 * from a short cache; `record` adds one ending to that one sketch.
 */
export interface DurationModelStore {
  get(connection: string, kind: string): Promise<DurationSketch | undefined>;
  record(connection: string, kind: string, seconds: number): Promise<void>;
}

/**
 * A process-local store: the sketches of one Lambda container or one local run, bounded to
 * `maxKinds` kinds per connection (more go to the connection's own sketch only).
 */
export class InMemoryDurationModelStore implements DurationModelStore {
  private readonly sketches = new Map<string, DurationSketch>();

  constructor(private readonly maxKinds = 32) {}

  async get(connection: string, kind: string): Promise<DurationSketch | undefined> {
    return this.sketches.get(`${connection}#${kind}`);
  }

  async record(connection: string, kind: string, seconds: number): Promise<void> {
    const key = `${connection}#${kind}`;
    const known = this.sketches.has(key);
    const kinds = [...this.sketches.keys()].filter((name) => name.startsWith(`${connection}#`)).length;
    if (!known && kind !== ALL_KINDS && kinds > this.maxKinds) return;
    this.sketches.set(key, recordDuration(this.sketches.get(key) ?? emptySketch(), seconds));
  }
}

/** The stored form a {@link SketchBackedDurationStore} reads and writes (lib/store/duration-sketches.ts). */
export interface SketchTable {
  get(connection: string, kind: string): Promise<DurationSketch | undefined>;
  /** Replaces the sketch by `next(current)`, retrying on a concurrent write. */
  update(
    connection: string,
    kind: string,
    next: (current: DurationSketch | undefined) => DurationSketch,
  ): Promise<void>;
}

/** Sketches kept in a table, read through a cache of `cacheMs` so a poll rarely pays a read. */
export class SketchBackedDurationStore implements DurationModelStore {
  private readonly cache = new Map<string, { at: number; sketch: DurationSketch | undefined }>();

  constructor(
    private readonly table: SketchTable,
    private readonly options: { cacheMs?: number; now?: () => number } = {},
  ) {}

  async get(connection: string, kind: string): Promise<DurationSketch | undefined> {
    const key = `${connection}#${kind}`;
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(key);
    if (cached && now - cached.at < (this.options.cacheMs ?? 60_000)) return cached.sketch;
    const sketch = await this.table.get(connection, kind);
    this.cache.set(key, { at: now, sketch });
    return sketch;
  }

  async record(connection: string, kind: string, seconds: number): Promise<void> {
    await this.table.update(connection, kind, (current) => recordDuration(current ?? emptySketch(), seconds));
    this.cache.delete(`${connection}#${kind}`);
  }
}

/**
 * The sketch to schedule a job by: its kind's once that learned enough, else its connection's.
 *
 * @example await sketchFor(store, 'avid', 'transcode') // the 'transcode' sketch, or the '*' one
 */
export async function sketchFor(
  store: DurationModelStore,
  connection: string,
  kind: string | undefined,
): Promise<DurationSketch | undefined> {
  if (kind !== undefined) {
    const own = await store.get(connection, kind);
    if (own && own.endings >= MIN_ENDINGS) return own;
  }
  return store.get(connection, ALL_KINDS);
}

/** Records one ending in the connection's sketch and, when the vendor named one, its kind's. */
export async function recordEnding(
  store: DurationModelStore,
  connection: string,
  kind: string | undefined,
  seconds: number,
): Promise<void> {
  await store.record(connection, ALL_KINDS, seconds);
  if (kind !== undefined) await store.record(connection, kind, seconds);
}
