/**
 * `npm run bench -- --parse`: how long each adapter takes to read a 2 MB answer, adversarial
 * (deep nesting, repeated comments, long runs of blanks, huge numbers, many attributes or keys)
 * beside benign (a well-formed answer of many entries). Each body goes through the real
 * VendorHttpClient (over a fetch stub) into the adapter's poll, as in the fuzz suites.
 *
 * Prints per vendor and body: size, median time of 3 polls, and the outcome. A benchmark, not a
 * test: nothing is asserted; an adversarial body should cost about what a benign one does.
 */
import { readFileSync } from 'node:fs';
import { admiralcloudAdapter } from '../lib/vendors/admiralcloud/index.js';
import { avidCtmsAdapter } from '../lib/vendors/avid-ctms/index.js';
import { cinegyPcsAdapter } from '../lib/vendors/cinegy-pcs/index.js';
import { okastAdapter } from '../lib/vendors/okast/index.js';
import { vdgSenseAdapter } from '../lib/vendors/vdg-sense/index.js';
import { type FuzzTarget, pollWith } from '../test/security/vendor-fuzz.js';
import { printTable } from './print-table.js';

/** Under the HTTP client's 2 MiB default cap, so every body is read rather than refused. */
const SIZE = 2_000_000;

interface Body {
  name: string;
  text: string;
}

function fixture(vendor: string, name: string): string {
  return readFileSync(new URL(`../test/vendors/${vendor}/fixtures/${name}`, import.meta.url), 'utf8');
}

/** `unit` repeated to fill the size left between `head` and `tail`. */
function fill(head: string, unit: string, tail: string): string {
  const count = Math.max(0, Math.floor((SIZE - head.length - tail.length) / unit.length));
  return `${head}${unit.repeat(count)}${tail}`;
}

function jsonAdversaries(): Body[] {
  const half = Math.floor(SIZE / 2);
  return [
    { name: 'nested arrays', text: `${'['.repeat(half)}${']'.repeat(half)}` },
    { name: 'nested objects', text: `${fill('', '{"a":', '')}1` },
    { name: 'blanks around {}', text: fill('', ' ', '{}') },
    { name: 'huge number', text: fill('{"status":1', '0', '}') },
    {
      name: 'many keys',
      text: `{${Array.from({ length: SIZE / 12 }, (_, index) => `"k${index}":1`).join(',')}}`,
    },
    { name: 'escapes in a string', text: fill('{"status":"', '\\u0000', '"}') },
  ];
}

const VDG_EXPORT =
  '<export><exportid>7</exportid><path>D:\\x</path><status>SYNCING</status><bandwidth>0</bandwidth>' +
  '<devices><device><serverid>1</serverid><deviceid>2</deviceid><progress>50</progress><status>SYNCING</status></device></devices></export>';

const VENDORS: Array<{ name: string; target: FuzzTarget; bodies: Body[] }> = [
  {
    name: 'vdg-sense',
    target: {
      adapter: vdgSenseAdapter,
      // No credentials, so no login: every request is the status command.
      options: {},
      credentials: {},
      reference: { exportId: '3' },
      contentType: 'text/xml',
    },
    bodies: [
      {
        name: 'benign: many exports',
        text: fill(
          '<result errorcode="0"><exports>',
          VDG_EXPORT,
          `${VDG_EXPORT.replace('>7<', '>3<')}</exports></result>`,
        ),
      },
      { name: 'comments before <result>', text: fill('', '<!--x-->', '<result>') },
      { name: 'blanks after errorcode=', text: fill('<result errorcode=', ' ', 'x/>') },
      {
        name: 'nested elements',
        text: `<result errorcode="0">${'<a>'.repeat(SIZE / 8)}${'</a>'.repeat(SIZE / 8)}</result>`,
      },
      {
        name: 'many attributes',
        text: `<result errorcode="0"${Array.from({ length: SIZE / 12 }, (_, index) => ` a${index}="1"`).join('')}/>`,
      },
      {
        name: 'unclosed devices',
        text: fill(
          '<result errorcode="0"><exports><export><exportid>3</exportid><devices>',
          '<device><progress>1</progress>',
          '</devices></export></exports></result>',
        ),
      },
      {
        name: 'bare ampersands',
        text: fill(
          '<result errorcode="0"><exports><export><exportid>3</exportid><path>',
          '& ',
          '</path></export></exports></result>',
        ),
      },
      { name: 'huge errorcode', text: fill('<result errorcode="-', '9', '"/>') },
    ],
  },
  {
    name: 'okast',
    target: {
      adapter: okastAdapter,
      options: {},
      credentials: {},
      reference: {
        filePath: 'https://my_storage_system/sample_9-16_blurred_background.mp4',
        metadataPath: 'https://my_storage_system/ingest-okast.json',
      },
      contentType: 'application/json',
    },
    bodies: [
      {
        name: 'benign: many ingests',
        text: benignArray(JSON.parse(fixture('okast', 'seed-ingest-status.txt').replaceAll('\u00a0', ' '))),
      },
      ...jsonAdversaries(),
    ],
  },
  {
    name: 'cinegy-pcs',
    target: {
      adapter: cinegyPcsAdapter,
      options: {},
      credentials: {},
      reference: { taskId: '7b30672e-6a83-4559-9b0c-d2454fa7bab7' },
      contentType: 'application/json',
    },
    bodies: [
      {
        name: 'benign: long description',
        text: padded(JSON.parse(fixture('cinegy-pcs', 'seed-task-by-id.json')), 'description'),
      },
      ...jsonAdversaries(),
    ],
  },
  {
    name: 'admiralcloud',
    target: {
      adapter: admiralcloudAdapter,
      options: {},
      credentials: { accessKey: 'bench-key', accessSecret: 'bench-secret' },
      reference: { jobId: '7c1e9a40-batch' },
      contentType: 'application/json',
    },
    bodies: [
      {
        name: 'benign: large job result',
        text: padded(JSON.parse(fixture('admiralcloud', 'job-result-create-upload.json')), 'note'),
      },
      ...jsonAdversaries(),
    ],
  },
  {
    name: 'avid-ctms',
    target: {
      adapter: avidCtmsAdapter,
      options: {},
      credentials: {},
      reference: { commandId: 'ab1b0976-0025-4211-87fa-fda6c033f4c9' },
      contentType: 'application/hal+json',
    },
    bodies: [
      {
        name: 'benign: large bulk result',
        text: benignBulk(fixture('avid-ctms', 'command-bulk-partial.json')),
      },
      ...jsonAdversaries(),
    ],
  },
];

/** The recorded list, its entries repeated until the body is 2 MB. */
function benignArray(entries: unknown[]): string {
  const unit = entries.map((entry) => JSON.stringify(entry)).join(',');
  return `[${fill('', `${unit},`, unit)}]`;
}

/** A recorded object with one extra long text field (vendors add fields; we ignore them). */
function padded(document: Record<string, unknown>, field: string): string {
  const text = JSON.stringify(document);
  return JSON.stringify({
    ...document,
    [field]: 'x'.repeat(Math.max(0, SIZE - text.length - field.length - 6)),
  });
}

/** The recorded bulk command, its result list repeated until the body is 2 MB. */
function benignBulk(text: string): string {
  const document = JSON.parse(text) as { command?: { payload?: { result?: unknown[] } } };
  const results = document.command?.payload?.result ?? [];
  if (results.length === 0) return padded(document as Record<string, unknown>, 'note');
  const unitLength = JSON.stringify(results).length;
  const copies = Math.max(1, Math.floor(SIZE / unitLength));
  const repeated = Array.from({ length: copies }, () => results).flat();
  return JSON.stringify({
    ...document,
    command: { ...document.command, payload: { ...document.command?.payload, result: repeated } },
  });
}

async function timePoll(target: FuzzTarget, body: string): Promise<{ ms: number; outcome: string }> {
  const started = performance.now();
  let outcome: string;
  try {
    const observation = await pollWith(target, { body });
    outcome = `observed ${observation.status}`;
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    outcome = message.replace(/^(\w+: )https?:\/\/\S+ /, '$1').slice(0, 70);
  }
  return { ms: performance.now() - started, outcome };
}

/** Runs the parse benchmark and prints one row per vendor and body. */
export async function runParseBenchmark(): Promise<void> {
  const rows: string[][] = [];
  for (const vendor of VENDORS) {
    for (const body of vendor.bodies) {
      const runs = [];
      for (let run = 0; run < 3; run += 1) runs.push(await timePoll(vendor.target, body.text));
      const median = runs.map((run) => run.ms).sort((a, b) => a - b)[1] ?? 0;
      rows.push([
        vendor.name,
        body.name,
        `${(body.text.length / 1_000_000).toFixed(2)} MB`,
        `${median.toFixed(1)} ms`,
        runs[0]?.outcome ?? '',
      ]);
    }
  }
  const header = ['vendor', 'body', 'size', 'median', 'outcome'];
  printTable(header, rows);
}
