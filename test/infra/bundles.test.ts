import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterNeedsOf } from '../../functions/shared/api-adapter-needs.js';
import { bundleFunction, rewriteZodImports } from '../../infra/constructs/bundle-function.js';
import { ConfigurationError } from '../../lib/jobs/errors.js';
import { VENDORS, type VendorName } from '../../lib/jobs/job.js';
import { AdapterLoader } from '../../lib/vendors/adapter-loader.js';
import { ADAPTERS, adapterFor } from '../../lib/vendors/registry.js';

/** Each function's entry, built by the same esbuild run JobwatchFunction's asset is. */
const ENTRIES = {
  poll: 'functions/poll.ts',
  api: 'functions/api.ts',
  watchRequested: 'functions/watch-requested.ts',
  reconcile: 'functions/reconcile.ts',
  executionEnded: 'functions/execution-ended.ts',
  recordWatchFailure: 'functions/record-watch-failure.ts',
  authorizer: 'functions/jwt-authorizer.ts',
} as const;
type Role = keyof typeof ENTRIES;

interface Built {
  meta: Metafile;
  /** Inputs in the handler module and the chunks it imports statically: read at init. */
  atImport: string[];
  /** Inputs of every output of the asset. */
  anywhere: string[];
  /** Outputs the handler module, or a chunk it loads, may import later. */
  lazyOutputs: Set<string>;
}

function analyse(meta: Metafile): Built {
  const entry = Object.keys(meta.outputs).find((output) => output.endsWith('/index.mjs'));
  if (!entry) throw new Error('no index.mjs among the outputs');
  const loaded = new Set<string>();
  const lazyOutputs = new Set<string>();
  const visit = (output: string) => {
    if (loaded.has(output)) return;
    loaded.add(output);
    for (const imported of meta.outputs[output]?.imports ?? []) {
      if (imported.external) continue;
      if (imported.kind === 'dynamic-import') lazyOutputs.add(imported.path);
      else visit(imported.path);
    }
  };
  visit(entry);
  const inputsOf = (outputs: Iterable<string>) =>
    [...outputs].flatMap((output) => Object.keys(meta.outputs[output]?.inputs ?? {}));
  return {
    meta,
    atImport: inputsOf(loaded),
    anywhere: inputsOf(Object.keys(meta.outputs)),
    lazyOutputs: new Set([...lazyOutputs].filter((output) => !loaded.has(output))),
  };
}

const VENDOR_CODE = new RegExp(`lib/vendors/(${[...VENDORS, 'shared'].join('|')})/`);
const VENDOR_LIBRARIES = /node_modules\/(fast-xml-parser|ac-signature|lodash)\//;

describe('the functions bundles', () => {
  const built = new Map<Role, Built>();
  let scratch: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'jobwatch-bundles-'));
    for (const [role, entry] of Object.entries(ENTRIES) as Array<[Role, string]>) {
      const meta = await bundleFunction({
        entry: resolve(entry),
        outdir: join(scratch, role),
        metafile: true,
      });
      if (!meta) throw new Error('esbuild returned no metafile');
      built.set(role, analyse(meta));
    }
  }, 120_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const of = (role: Role) => {
    const found = built.get(role);
    if (!found) throw new Error(`${role} was not built`);
    return found;
  };

  it.each(Object.keys(ENTRIES) as Role[])(
    '%s reads no vendor adapter, XML parser or signer at import',
    (role) => {
      const { atImport } = of(role);
      expect(atImport.filter((input) => VENDOR_CODE.test(input))).toEqual([]);
      expect(atImport.filter((input) => VENDOR_LIBRARIES.test(input))).toEqual([]);
    },
  );

  it.each(['reconcile', 'recordWatchFailure', 'authorizer'] as Role[])(
    '%s calls no vendor, and bundles no adapter at all',
    (role) => {
      const { anywhere } = of(role);
      expect(anywhere.filter((input) => VENDOR_CODE.test(input) || VENDOR_LIBRARIES.test(input))).toEqual([]);
    },
  );

  it('the authorizer bundles no AWS client: it verifies tokens and logs, nothing else', () => {
    expect(of('authorizer').anywhere.filter((input) => /@aws-sdk\/client-/.test(input))).toEqual([]);
  });

  // executionEnded too: a stopped execution is a cancel, which asks the job's vendor to cancel.
  it.each(['poll', 'api', 'watchRequested', 'executionEnded'] as Role[])(
    '%s loads each vendor from a chunk of its own, on demand',
    (role) => {
      const { meta, lazyOutputs } = of(role);
      const chunkOf = (vendor: string) =>
        Object.keys(meta.outputs).filter((output) =>
          Object.keys(meta.outputs[output]?.inputs ?? {}).includes(`lib/vendors/${vendor}/index.ts`),
        );
      const chunks = VENDORS.map((vendor) => chunkOf(vendor));
      for (const chunk of chunks) {
        expect(chunk).toHaveLength(1);
        expect(lazyOutputs).toContain(chunk[0]);
      }
      // No two vendors share a chunk: loading one never reads another.
      expect(new Set(chunks.flat()).size).toBe(VENDORS.length);
    },
  );

  it.each(Object.keys(ENTRIES) as Role[])('%s keeps only the zod it uses (no locale but English)', (role) => {
    // `import { z } from 'zod'` left as written makes esbuild keep the whole namespace, every
    // locale with it (1.1 MB bundles instead of 0.5 MB): the build rewrites it (bundle-function.ts).
    const locales = of(role).anywhere.filter((input) => /zod\/v4\/locales\/(?!en\.js)/.test(input));
    expect(locales).toEqual([]);
  });
});

describe('rewriteZodImports', () => {
  it('turns the named z import into a namespace import and keeps the other names', () => {
    expect(rewriteZodImports("import { z } from 'zod';\nz.string();")).toBe(
      "import * as z from 'zod';\nz.string();",
    );
    expect(rewriteZodImports('import { ZodError, z } from "zod";')).toBe(
      "import * as z from 'zod'; import { ZodError } from 'zod';",
    );
  });

  it('leaves imports without z, type-only imports and other packages alone', () => {
    const untouched = [
      "import { ZodError } from 'zod';",
      "import type { z } from 'zod';",
      "import { z } from 'zod/mini';",
      "import { z } from 'not-zod';",
    ];
    for (const source of untouched) expect(rewriteZodImports(source)).toBe(source);
  });
});

describe('AdapterLoader', () => {
  it('loads the adapter registry.ts holds for each vendor, one import per vendor', async () => {
    const loader = new AdapterLoader();
    for (const vendor of VENDORS) {
      const [first, second] = await Promise.all([loader.load(vendor), loader.load(vendor)]);
      expect(first).toBe(ADAPTERS[vendor]);
      expect(second).toBe(first);
      expect(loader.lookup(vendor)).toBe(first);
    }
  });

  it('refuses a lookup of an adapter not loaded yet, and a vendor it has no adapter for', async () => {
    const loader = new AdapterLoader();
    expect(() => loader.lookup('okast')).toThrow(
      new ConfigurationError('The okast adapter was not loaded before it was needed'),
    );
    const unknown = 'toString' as VendorName;
    expect(() => loader.lookup(unknown)).toThrow(new ConfigurationError('No adapter for vendor "toString"'));
    await expect(loader.load(unknown)).rejects.toThrow(ConfigurationError);
    // The same refusal as the eager registry's
    expect(() => adapterFor(unknown)).toThrow('No adapter for vendor "toString"');
  });
});

describe('adapterNeedsOf (the API)', () => {
  it("names the connection of a start's body, plain or base64", () => {
    const body = JSON.stringify({ connection: 'avid', job: { commandId: 'c1' } });
    expect(adapterNeedsOf('startWatch', { body, isBase64Encoded: false })).toEqual({ connection: 'avid' });
    expect(
      adapterNeedsOf('startWatch', { body: Buffer.from(body).toString('base64'), isBase64Encoded: true }),
    ).toEqual({ connection: 'avid' });
  });

  it('names nothing for other routes and for bodies the use case refuses anyway', () => {
    const body = JSON.stringify({ connection: 'avid' });
    expect(adapterNeedsOf('cancelJob', { body, isBase64Encoded: false })).toEqual({});
    for (const refused of ['not json', 'null', '{"connection":5}', '[]'])
      expect(adapterNeedsOf('startWatch', { body: refused, isBase64Encoded: false })).toEqual({});
  });
});
