/**
 * `npm run bench -- --bundles`: each deployed function's code size and cold import time, beside
 * the figures recorded before the bundles were split (bench/bundles-baseline.json).
 *
 * The bundles are the real code assets: the app synthesized with bundling, as
 * local/lambda/assembly.ts caches it for the bundled local stack. Per function it prints
 * - `loaded`: the handler module plus every chunk it imports statically — what Lambda reads at
 *   init; `+largest lazy`: that plus the largest chunk it may import later (in the poll, its
 *   biggest adapter; elsewhere an AWS SDK credential provider);
 * - `import`: median of RUNS fresh `node` processes importing the handler module, with the
 *   template's environment (its NODE_OPTIONS included), and the same with `--enable-source-maps`
 *   toggled, which shows what run-time source maps cost.
 *
 * The baseline was measured from a checkout of the commit before the split, with
 *   git worktree add <tmp> <commit> && (link node_modules into it)
 *   npm run bench -- --bundles --record-baseline <tmp>
 * which synthesizes that checkout's app (chdir into it) and writes the JSON fixture here.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { printTable } from './print-table.js';

const RUNS = 7;
const BASELINE_FILE = new URL('./bundles-baseline.json', import.meta.url);
/** One connection, so the functions that read the connections file find one. */
const CONNECTIONS = [{ name: 'avid', vendor: 'avid-ctms', baseUrl: 'http://127.0.0.1:9' }];

export interface BundleFigures {
  /** The handler module and its static imports, bytes. */
  loadedBytes: number;
  /** `loadedBytes` plus the largest chunk imported on demand (0 when there is none). */
  withVendorBytes: number;
  /** Every `.mjs` in the asset. */
  totalJsBytes: number;
  /** Every `.map` in the asset. */
  mapBytes: number;
  chunks: number;
  /** Median cold import with the template's environment. */
  importMs: number;
  /** Median cold import with `--enable-source-maps` toggled against the template's. */
  importMsToggled: number;
  /** Whether the template sets `--enable-source-maps`. */
  sourceMapsAtRunTime: boolean;
}

interface Baseline {
  measuredAt: string;
  command: string;
  commit: string;
  functions: Record<string, BundleFigures>;
}

export interface DeployedFunction {
  role: string;
  handlerFile: string;
  environment: Record<string, string>;
}

/** `import … from "./x.mjs"` / `import "./x.mjs"` (static) and `import("./x.mjs")` (on demand). */
function relativeImports(code: string): { fixed: string[]; lazy: string[] } {
  const fixed = [...code.matchAll(/(?:^|[;}\s])import\s*(?:[\w$*{},\s]+from\s*)?["'](\.\/[^"']+)["']/g)];
  const lazy = [...code.matchAll(/import\(\s*["'](\.\/[^"']+)["']\s*\)/g)];
  return { fixed: fixed.map((match) => match[1] ?? ''), lazy: lazy.map((match) => match[1] ?? '') };
}

/** The files a module loads with it (itself included), and those it may load later. */
function closure(directory: string, file: string): { loaded: Set<string>; lazy: Set<string> } {
  const loaded = new Set<string>();
  const lazy = new Set<string>();
  const visit = (name: string) => {
    if (loaded.has(name)) return;
    loaded.add(name);
    const imports = relativeImports(readFileSync(join(directory, name), 'utf8'));
    for (const next of imports.lazy) lazy.add(next.slice(2));
    for (const next of imports.fixed) visit(next.slice(2));
  };
  visit(file);
  for (const name of loaded) lazy.delete(name);
  return { loaded, lazy };
}

const bytesOf = (directory: string, names: Iterable<string>) =>
  [...names].reduce((sum, name) => sum + statSync(join(directory, name)).size, 0);

/** Milliseconds a fresh node process takes to import `files` in order, median of RUNS. */
function coldImportMs(files: string[], environment: Record<string, string>): number {
  const script =
    'const t=performance.now();for(const f of JSON.parse(process.argv[1]))await import(f);' +
    'process.stdout.write(String(performance.now()-t))';
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const output = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', script, JSON.stringify(files.map((file) => pathToFileURL(file).href))],
      { env: environment, encoding: 'utf8' },
    );
    times.push(Number(output));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

function toggleSourceMaps(options: string): string {
  return /--enable-source-maps/.test(options)
    ? options.replace(/\s*--enable-source-maps/, '').trim()
    : `${options} --enable-source-maps`.trim();
}

/** The figures of one asset, by its handler module and the environment it runs with. */
export function measureOne(fn: DeployedFunction): BundleFigures {
  const directory = dirname(fn.handlerFile);
  const entry = fn.handlerFile.slice(directory.length + 1);
  const { loaded, lazy } = closure(directory, entry);
  const largestLazy = [...lazy]
    .map((name) => ({ name, bytes: bytesOf(directory, closure(directory, name).loaded) }))
    .sort((a, b) => b.bytes - a.bytes)[0];
  const files = readdirSync(directory);
  const environment: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'eu-west-1',
    ...fn.environment,
    LAMBDA_TASK_ROOT: directory,
  };
  const options = environment.NODE_OPTIONS ?? '';
  return {
    loadedBytes: bytesOf(directory, loaded),
    withVendorBytes: largestLazy ? bytesOf(directory, loaded) + largestLazy.bytes : 0,
    totalJsBytes: bytesOf(
      directory,
      files.filter((name) => name.endsWith('.mjs')),
    ),
    mapBytes: bytesOf(
      directory,
      files.filter((name) => name.endsWith('.map')),
    ),
    chunks: files.filter((name) => name.endsWith('.mjs')).length,
    importMs: coldImportMs([fn.handlerFile], environment),
    importMsToggled: coldImportMs([fn.handlerFile], {
      ...environment,
      NODE_OPTIONS: toggleSourceMaps(options),
    }),
    sourceMapsAtRunTime: /--enable-source-maps/.test(options),
  };
}

/** Synthesizes the app of the checkout at `root` with bundling and measures every function. */
export async function measureBundles(root: string): Promise<Record<string, BundleFigures>> {
  const previous = process.cwd();
  // The app resolves its entries against the working directory, as the CDK CLI runs it.
  process.chdir(root);
  try {
    const assembly = (await import(pathToFileURL(join(root, 'local/lambda/assembly.ts')).href)) as {
      loadLocalDeployment(
        connections: readonly object[],
        names: { tableName: string },
      ): Promise<{ functions: DeployedFunction[] }>;
    };
    const { functions } = await assembly.loadLocalDeployment(CONNECTIONS, { tableName: 'jobwatch-bench' });
    return Object.fromEntries(functions.map((fn) => [fn.role, measureOne(fn)]));
  } finally {
    process.chdir(previous);
  }
}

const kb = (bytes: number) => (bytes ? `${(bytes / 1024).toFixed(0)} KB` : '-');
const ms = (value: number | undefined) => (value === undefined ? '-' : `${value.toFixed(0)} ms`);

function print(now: Record<string, BundleFigures>, baseline: Baseline | undefined): void {
  const header = [
    'function',
    'loaded before',
    'loaded now',
    '+largest lazy now',
    'import before',
    'import now',
    'now, maps toggled',
    'chunks',
  ];
  const rows = Object.entries(now).map(([role, figures]) => {
    const before = baseline?.functions[role];
    return [
      role,
      before ? kb(before.loadedBytes) : '-',
      kb(figures.loadedBytes),
      kb(figures.withVendorBytes),
      ms(before?.importMs),
      ms(figures.importMs),
      `${ms(figures.importMsToggled)} (${figures.sourceMapsAtRunTime ? 'without' : 'with'})`,
      String(figures.chunks),
    ];
  });
  printTable(header, rows);
  if (baseline) console.log(`\nbefore: ${baseline.measuredAt}, ${baseline.commit}: ${baseline.command}`);
  console.log(`import: median of ${RUNS} fresh node processes, the template's environment`);
}

export async function runBundleBenchmark(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { bundles: { type: 'boolean' }, 'record-baseline': { type: 'string' } },
  });
  const recordFrom = values['record-baseline'];
  if (recordFrom) {
    const root = resolve(recordFrom);
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
    const baseline: Baseline = {
      measuredAt: new Date().toISOString(),
      command: `npm run bench -- --bundles --record-baseline <checkout of ${commit.trim()}>`,
      commit: commit.trim(),
      functions: await measureBundles(root),
    };
    writeFileSync(BASELINE_FILE, `${JSON.stringify(baseline, null, 2)}\n`);
    print(baseline.functions, undefined);
    return;
  }
  const baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
  print(await measureBundles(resolve(new URL('..', import.meta.url).pathname)), baseline);
}
