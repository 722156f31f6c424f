import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering the README's layout section describes, checked on every import of the source
 * tree: a layer imports only layers below it, so a contract never lives above its users and the
 * simulators stay an oracle independent of the adapters they test.
 */

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');

/** lib's folders, lowest first. A folder may import its own rank or lower, never higher. */
const LIB_RANKS: Record<string, number> = {
  util: 0,
  jobs: 0,
  async: 0,
  auth: 0,
  http: 1,
  events: 1,
  store: 1,
  config: 2,
  workflow: 3,
  polling: 4,
  vendors: 4,
  watch: 5,
  api: 6,
};

const VENDORS = ['admiralcloud', 'avid-ctms', 'cinegy-pcs', 'okast', 'vdg-sense'];

interface ImportEdge {
  from: string;
  to: string;
}

function sourceFiles(folder: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) {
        if (entry !== 'node_modules' && entry !== 'fixtures') walk(full);
      } else if (entry.endsWith('.ts')) {
        found.push(full);
      }
    }
  };
  walk(join(ROOT, folder));
  return found;
}

/** Every relative import and re-export of a file, as repository paths (`lib/jobs/job.ts`). */
function importsOf(file: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const marker = line.indexOf(" from '.");
    const bare = line.startsWith("import '.");
    if (marker < 0 && !bare) continue;
    const start = bare ? line.indexOf("'") + 1 : marker + " from '".length;
    const end = line.indexOf("'", start);
    if (end < 0) continue;
    const target = resolve(dirname(file), line.slice(start, end).replace(/\.js$/, '.ts'));
    edges.push({ from: repoPath(file), to: repoPath(target) });
  }
  return edges;
}

function repoPath(path: string): string {
  return relative(ROOT, path).split(sep).join('/');
}

function edgesUnder(...folders: string[]): ImportEdge[] {
  return folders.flatMap((folder) => sourceFiles(folder).flatMap(importsOf));
}

function libFolder(path: string): string | undefined {
  const [top, folder] = path.split('/');
  return top === 'lib' ? folder : undefined;
}

describe('layers', () => {
  it('every lib folder has a rank, so a new one must be placed deliberately', () => {
    const folders = readdirSync(join(ROOT, 'lib')).filter((entry) =>
      statSync(join(ROOT, 'lib', entry)).isDirectory(),
    );
    expect(folders.filter((folder) => LIB_RANKS[folder] === undefined)).toEqual([]);
  });

  it('no lib import runs up the layers', () => {
    const upward = edgesUnder('lib').filter(({ from, to }) => {
      const source = libFolder(from);
      const target = libFolder(to);
      if (!source || !target || source === target) return false;
      return (LIB_RANKS[target] ?? Number.POSITIVE_INFINITY) > (LIB_RANKS[source] ?? -1);
    });
    expect(upward).toEqual([]);
  });

  it('lib imports nothing from the handlers, the local stack, the CLI, infra or tests', () => {
    const outward = edgesUnder('lib').filter(({ to }) => !to.startsWith('lib/'));
    expect(outward).toEqual([]);
  });

  it('the deployed functions import lib and each other only, never the local stack', () => {
    const local = edgesUnder('functions').filter(
      ({ to }) => !to.startsWith('lib/') && !to.startsWith('functions/'),
    );
    expect(local).toEqual([]);
  });

  it('a vendor adapter imports no other vendor', () => {
    const crossing = edgesUnder('lib/vendors').filter(({ from, to }) => {
      const [, , source] = from.split('/');
      const [, , target] = to.split('/');
      return VENDORS.includes(source ?? '') && VENDORS.includes(target ?? '') && source !== target;
    });
    expect(crossing).toEqual([]);
  });

  it('the simulators import nothing from lib but the job model: they are the independent oracle', () => {
    const borrowed = edgesUnder('local/simulators').filter(
      ({ to }) => to.startsWith('lib/') && !to.startsWith('lib/jobs/'),
    );
    expect(borrowed).toEqual([]);
  });
});

describe('one vendor, one shape', () => {
  const skeleton = (vendor: string) => [
    `${vendor}-adapter.ts`,
    `${vendor}-client.ts`,
    `${vendor}-observation.ts`,
    `${vendor}-options.ts`,
    `${vendor}-quirks.ts`,
    `${vendor}-reference.ts`,
    `${vendor}-schema.ts`,
    'index.ts',
    `map-${vendor}-status.ts`,
  ];

  it.each(VENDORS)('lib/vendors/%s has the common skeleton', (vendor) => {
    const files = readdirSync(join(ROOT, 'lib/vendors', vendor));
    expect(files.filter((file) => !skeleton(vendor).includes(file)).length).toBeLessThanOrEqual(1);
    expect(skeleton(vendor).filter((file) => !files.includes(file))).toEqual([]);
  });

  it.each(VENDORS)('lib/vendors/%s/index.ts exports the adapter alone', (vendor) => {
    const text = readFileSync(join(ROOT, 'lib/vendors', vendor, 'index.ts'), 'utf8');
    const exports = text.split('\n').filter((line) => line.startsWith('export'));
    expect(exports).toHaveLength(1);
    expect(exports[0]).toMatch(/^export \{ [a-zA-Z]+Adapter \} from '\.\/[a-z-]+-adapter\.js';$/);
  });

  it.each(VENDORS)('test/vendors/%s has the common test files', (vendor) => {
    const files = readdirSync(join(ROOT, 'test/vendors', vendor)).filter((file) => file !== 'fixtures');
    expect(files.sort()).toEqual(
      ['adapter.test.ts', 'faults.test.ts', 'mapping.test.ts', 'support.ts', 'variants.test.ts'].sort(),
    );
  });

  it.each(VENDORS)('local/simulators/%s has the common simulator shape', (vendor) => {
    const files = readdirSync(join(ROOT, 'local/simulators', vendor));
    expect(
      ['index.ts', 'routes.ts', 'simulator.ts', 'state.ts', 'wire-format.ts'].filter(
        (file) => !files.includes(file),
      ),
    ).toEqual([]);
  });
});
