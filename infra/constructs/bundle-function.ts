/**
 * How a jobwatch function's code asset is built: esbuild, ESM with code splitting, so what a
 * handler imports on demand (`import()` of one vendor's adapter) is a chunk of its own that Lambda
 * reads only when the handler asks for it. NodejsFunction cannot do this: it always passes
 * `--outfile`, and esbuild splits only into an `--outdir`.
 *
 * Run by JobwatchFunction in a child process (`node --import tsx bundle-function.ts <json>`):
 * CDK's local bundling is synchronous, and esbuild runs plugins only in its asynchronous API.
 */
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export interface BundleFunctionOptions {
  /** Absolute path of the handler module. */
  entry: string;
  /** Where `index.mjs`, its chunks and their source maps go. */
  outdir: string;
  /** Also return esbuild's metafile (which inputs went into which output). */
  metafile?: boolean;
}

/**
 * `import { z } from 'zod'` names the `z` namespace as a value, and esbuild then keeps all of it
 * (every locale, JSON-schema conversion): 454 KB of a 1.1 MB bundle, against 85 KB for the same
 * code written `import * as z from 'zod'`, whose members esbuild shakes one by one. The project
 * and Powertools' parser schemas use the first form; this rewrites it to the second as the
 * bundle is built. Both name the same objects (zod's index re-exports its namespace's members).
 */
const ZOD_NAMED_IMPORT = /import\s*\{([^}]*)\}\s*from\s*(['"])zod\2;?/g;

export function rewriteZodImports(source: string): string {
  return source.replace(ZOD_NAMED_IMPORT, (whole, names: string) => {
    const list = names
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    if (!list.includes('z')) return whole;
    const rest = list.filter((name) => name !== 'z');
    return `import * as z from 'zod';${rest.length ? ` import { ${rest.join(', ')} } from 'zod';` : ''}`;
  });
}

const zodNamespaceImports: esbuild.Plugin = {
  name: 'zod-namespace-imports',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      if (!/[/\\](lib|functions)[/\\]|@aws-lambda-powertools[/\\]parser[/\\]/.test(args.path))
        return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('zod')) return undefined;
      const loader = args.path.endsWith('.ts') ? 'ts' : 'js';
      return { contents: rewriteZodImports(source), loader };
    });
  },
};

/** esbuild's options for a jobwatch function: the defaults JobwatchFunction documents. */
export function functionBuildOptions(options: BundleFunctionOptions): esbuild.BuildOptions {
  return {
    entryPoints: { index: options.entry },
    outdir: options.outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    outExtension: { '.js': '.mjs' },
    // Chunks beside the handler (the local stack links an asset's files one level deep).
    chunkNames: '[name]-[hash]',
    minify: true,
    sourcemap: true,
    // Stack traces map to file and line without the sources: maps a third of the size.
    sourcesContent: false,
    mainFields: ['module', 'main'],
    // Some CommonJS dependencies still call require(); ESM bundles need it defined.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
    plugins: [zodNamespaceImports],
  };
}

/**
 * Builds the asset into `outdir`. esbuild writes a chunk for every `import()` it parses, also
 * where tree shaking dropped the code that would load it (the adapter loader in a function that
 * never calls it): chunks no import of the handler reaches are deleted, so an asset holds only
 * code its handler can run.
 */
export async function bundleFunction(options: BundleFunctionOptions): Promise<esbuild.Metafile | undefined> {
  const { metafile } = await esbuild.build({ ...functionBuildOptions(options), metafile: true });
  const reached = new Set<string>();
  const visit = (output: string) => {
    if (reached.has(output) || !metafile.outputs[output]) return;
    reached.add(output);
    reached.add(`${output}.map`);
    for (const imported of metafile.outputs[output].imports) if (!imported.external) visit(imported.path);
  };
  // Every import() target counts as an entry point to esbuild: start from the handler's only.
  for (const output of Object.keys(metafile.outputs)) if (/(^|\/)index\.mjs$/.test(output)) visit(output);
  const outputs: esbuild.Metafile['outputs'] = {};
  for (const [output, info] of Object.entries(metafile.outputs)) {
    if (reached.has(output)) outputs[output] = info;
    // Output paths are relative to the working directory esbuild ran in.
    else await rm(resolve(output), { force: true });
  }
  return options.metafile ? { ...metafile, outputs } : undefined;
}

/** This file, for JobwatchFunction to run. */
export const BUNDLER_FILE = fileURLToPath(import.meta.url);

if (process.argv[1] && join(process.argv[1]) === BUNDLER_FILE) {
  const options = JSON.parse(process.argv[2] ?? '{}') as BundleFunctionOptions;
  await bundleFunction(options);
}
