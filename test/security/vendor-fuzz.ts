import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VendorHttpClient } from '../../lib/http/vendor-http-client.js';
import { VendorProtocolError } from '../../lib/jobs/errors.js';
import type { Job } from '../../lib/jobs/job.js';
import type { AdapterObservation, AnyVendorAdapter } from '../../lib/vendors/vendor-adapter.js';

/**
 * Property-based fuzzing of an adapter's whole read path: the wire body goes through the real
 * VendorHttpClient (size cap, decoding, JSON/XML parsing) into the adapter's `poll`, which must
 * either return an observation or throw one of the documented vendor errors. The network is a
 * `fetch` stub: nothing leaves the process.
 */

export interface FuzzTarget {
  adapter: AnyVendorAdapter;
  options: Record<string, unknown>;
  credentials: Record<string, string>;
  reference: Record<string, unknown>;
  contentType: string;
}

export interface WireAnswer {
  body: string;
  status?: number;
  contentType?: string;
}

const BASE_URL = 'http://127.0.0.1:9/vendor/';
let connectionCounter = 0;

/** Polls once; every request the adapter sends is answered with `answer`. */
export async function pollWith(target: FuzzTarget, answer: WireAnswer): Promise<AdapterObservation> {
  connectionCounter += 1;
  // A fresh memory per poll: nothing a previous fuzz answer left behind is reused.
  const connection = `fuzz-${connectionCounter}`;
  const stub: typeof fetch = async () =>
    new Response(answer.body, {
      status: answer.status ?? 200,
      headers: { 'content-type': answer.contentType ?? target.contentType },
    });
  const credentials = target.adapter.credentialsSchema.parse(target.credentials) as Record<string, string>;
  const submittedAt = new Date(Date.UTC(2024, 0, 19, 12, 0, 0));
  const latest: Job = {
    jobId: 'job-1',
    connection,
    vendor: target.adapter.vendor,
    reference: target.reference,
    status: 'RUNNING',
    version: 1,
    createdAt: submittedAt.toISOString(),
    updatedAt: submittedAt.toISOString(),
  };
  return target.adapter.poll(
    {
      connection: {
        name: connection,
        vendor: target.adapter.vendor,
        baseUrl: BASE_URL,
        credentials: target.credentials,
        options: target.options,
      },
      options: target.adapter.optionsSchema.parse(target.options),
      credentials,
      http: new VendorHttpClient({
        vendor: target.adapter.vendor,
        connection,
        baseUrl: BASE_URL,
        secrets: Object.values(target.credentials),
        timeoutMs: 2000,
        fetch: stub,
      }),
      now: () => new Date(submittedAt.getTime() + 60_000),
      state: undefined,
      memory: target.adapter.createMemory?.(),
    },
    {
      jobId: 'job-1',
      reference: target.adapter.referenceSchema.parse(target.reference),
      submittedAt,
      latest,
    },
  );
}

/** How one poll ended, for properties to compare: `observation`, `protocol error` or the defect. */
export type PollOutcome = 'observation' | 'protocol error' | `defect: ${string}`;

/**
 * Polls once and says how it ended. A {@link VendorProtocolError} (or a subclass, such as VDG's
 * errorcode error) is the documented answer to a body that cannot be read; anything else thrown
 * is a defect, reported with its name and message so a failing property shows what broke.
 */
export async function outcomeOf(target: FuzzTarget, answer: WireAnswer): Promise<PollOutcome> {
  try {
    assertObservation(await pollWith(target, answer));
    return 'observation';
  } catch (error) {
    if (error instanceof VendorProtocolError) return 'protocol error';
    if (error instanceof Error) return `defect: ${error.name}: ${error.message}`;
    return `defect: non-error ${String(error)}`;
  }
}

/** The endings a poll may have whatever the vendor sends. */
export const READ_OR_REFUSED: readonly PollOutcome[] = ['observation', 'protocol error'];

const STATUSES = new Set([
  'QUEUED',
  'RUNNING',
  'SUSPENDED',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'LOST',
  'TIMED_OUT',
  'UNKNOWN',
]);

function assertObservation(observation: AdapterObservation): void {
  if (!STATUSES.has(observation.status)) {
    throw new Error(`InvalidObservation: status ${String(observation.status)}`);
  }
  const progress = observation.progress;
  if (progress !== undefined && !(Number.isFinite(progress) && progress >= 0 && progress <= 100)) {
    throw new Error(`InvalidObservation: progress ${String(progress)}`);
  }
  // The snapshot is stored as JSON: an observation that does not survive it is a defect.
  JSON.stringify(observation);
}

/** Any text at all, including lone surrogates and control characters. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({
    unit: fc.constantFrom(
      '<',
      '>',
      '/',
      '"',
      "'",
      '=',
      '-',
      '!',
      '?',
      '&',
      ';',
      ' ',
      '\n',
      '{',
      '}',
      '[',
      ']',
      ':',
      ',',
    ),
    maxLength: 200,
  }),
);

/** A value that fits in JSON, with the keys a vendor's schema looks for mixed into random ones. */
export function jsonDocument(keys: readonly string[]): fc.Arbitrary<unknown> {
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...keys) },
    fc.string({ maxLength: 8 }),
    fc.constantFrom('__proto__', 'constructor', 'toString'),
  );
  const scalar = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.constantFrom(
      '',
      '0',
      '-1',
      '100',
      '42.5 %',
      'NaN',
      '1e400',
      '00:06:32.8320000',
      '2023-07-273T13:30:36',
      'DONE',
      'ERRORED',
      'finished',
      'error',
      'running',
    ),
    fc.integer(),
    fc.double(),
    fc.constantFrom(Number.MAX_SAFE_INTEGER, -0, 1e308),
    fc.boolean(),
    fc.constant(null),
  );
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
  }));
  return value;
}

/** Tag soup: elements from the vendor's vocabulary, attributes, comments, PIs, CDATA, entities. */
export function xmlDocument(names: readonly string[]): fc.Arbitrary<string> {
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names) },
    fc.stringMatching(/^[A-Za-z_][\w.-]{0,6}$/),
  );
  const attributeValue = fc.oneof(
    fc.string({ maxLength: 10 }),
    fc.constantFrom('0', '-57', '-18', '50', ' 12,5 % '),
  );
  const attribute = fc
    .tuple(name, attributeValue, fc.constantFrom('"', "'", ''))
    .map(([attributeName, value, quote]) => ` ${attributeName}=${quote}${value}${quote}`);
  const text = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      '&amp;',
      '&lt;',
      '&#x41;',
      '&#0;',
      '&bogus;',
      ' & ',
      'COMPLETED',
      'syncing',
      '100',
      '2024-01-19 12:00:00.000',
    ),
  );
  const { node } = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      text,
      fc.string({ maxLength: 10 }).map((comment) => `<!--${comment}-->`),
      fc.constantFrom('<?xml version="1.0"?>', '<![CDATA[x]]>', '<?pi x?>', '<!-- -->'),
      tie('element'),
    ),
    element: fc
      .tuple(
        name,
        fc.array(attribute, { maxLength: 3 }),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.boolean(),
      )
      .map(([tag, attributes, children, close]) =>
        children.length === 0 && close
          ? `<${tag}${attributes.join('')}/>`
          : `<${tag}${attributes.join('')}>${children.join('')}${close ? `</${tag}>` : ''}`,
      ),
  }));
  return fc
    .tuple(fc.constantFrom('', '<?xml version="1.0" encoding="utf-8"?>\n', '\uFEFF', '  '), node)
    .map(([prolog, root]) => `${prolog}${root}`);
}

/** One edit of a recorded answer: what a broken proxy, a truncation or a sloppy template does. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: anyText }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 200 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    text: fc.string({ minLength: 1, maxLength: 1 }),
  }),
);

/** A recorded fixture with one to five random edits. */
export function mutatedFixture(fixtures: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...fixtures), fc.array(mutation, { minLength: 1, maxLength: 5 }))
    .map(([fixture, edits]) =>
      edits.reduce((text, edit) => {
        const at = text.length === 0 ? 0 : edit.at % (text.length + 1);
        switch (edit.kind) {
          case 'delete':
            return text.slice(0, at) + text.slice(at + edit.length);
          case 'insert':
            return text.slice(0, at) + edit.text + text.slice(at);
          case 'duplicate':
            return text.slice(0, at) + text.slice(at, at + edit.length) + text.slice(at);
          case 'truncate':
            return text.slice(0, at);
          case 'replace':
            return text.slice(0, at) + edit.text + text.slice(at + 1);
        }
        return text;
      }, fixture),
    );
}

/**
 * fast-check settings: a fixed seed for reproducible runs (a failure prints its seed and path to
 * replay), and a per-run bound so a poll that never settles fails as such instead of hanging.
 */
export function fuzzParameters(numRuns: number): fc.Parameters<unknown> {
  return { numRuns, seed: Number(process.env.FUZZ_SEED ?? 20_240_119), timeout: 5_000 };
}

type JsonEdit =
  | { kind: 'delete'; path: number[] }
  | { kind: 'replace'; path: number[]; value: unknown }
  | { kind: 'retype'; path: number[] }
  | { kind: 'duplicate'; path: number[] };

function jsonEdit(replacement: fc.Arbitrary<unknown>): fc.Arbitrary<JsonEdit> {
  const path = fc.array(fc.nat(), { maxLength: 6 });
  return fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), path }),
    fc.record({ kind: fc.constant('replace' as const), path, value: replacement }),
    fc.record({ kind: fc.constant('retype' as const), path }),
    fc.record({ kind: fc.constant('duplicate' as const), path }),
  );
}

/** A value of another type that a sloppy vendor might send in its place. */
function retyped(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return Number.isNaN(Number(value)) ? [value] : Number(value);
  if (Array.isArray(value)) return value[0] ?? {};
  if (value !== null && typeof value === 'object') return [value];
  return value === null ? '' : null;
}

function applyJsonEdit(document: unknown, edit: JsonEdit): unknown {
  const [step, ...rest] = edit.path;
  const isContainer = document !== null && typeof document === 'object';
  const keys = isContainer ? Object.keys(document) : [];
  // The path ends here, or cannot go on (a scalar, an empty container): edit this value itself.
  if (step === undefined || keys.length === 0) return editedValue(document, edit);
  const key = keys[step % keys.length] as string;
  const child = (document as Record<string, unknown>)[key];
  const edited =
    rest.length === 0 && edit.kind === 'delete' ? undefined : applyJsonEdit(child, { ...edit, path: rest });
  return withChild(document as Record<string, unknown> | unknown[], key, edited);
}

/** The edit applied to the value it reached; undefined means the value is deleted. */
function editedValue(document: unknown, edit: JsonEdit): unknown {
  switch (edit.kind) {
    case 'replace':
      return edit.value;
    case 'retype':
      return retyped(document);
    case 'duplicate':
      return Array.isArray(document) ? [...document, ...document] : document;
    case 'delete':
      return undefined;
  }
}

/** A copy of the container with `key` set to `child`, or removed when `child` is undefined. */
function withChild(document: Record<string, unknown> | unknown[], key: string, child: unknown): unknown {
  if (Array.isArray(document)) {
    const copy = [...document];
    if (child === undefined) copy.splice(Number(key), 1);
    else copy[Number(key)] = child;
    return copy;
  }
  const copy: Record<string, unknown> = { ...document };
  if (child === undefined) delete copy[key];
  else copy[key] = child;
  return copy;
}

/**
 * A recorded JSON answer with one to five structural edits (a field dropped, retyped, replaced
 * by something of the vendor's vocabulary, a list doubled), serialized again: unlike text edits,
 * these stay JSON and so reach the schemas and mappers.
 */
export function mutatedJsonFixture(
  documents: readonly unknown[],
  keys: readonly string[],
): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...documents),
      fc.array(jsonEdit(jsonDocument(keys)), { minLength: 1, maxLength: 5 }),
    )
    .map(([document, edits]) => JSON.stringify(edits.reduce(applyJsonEdit, document)) ?? 'null');
}

/** The fixtures of a directory that parse as JSON (non-breaking spaces of web pages made spaces). */
export function jsonFixtures(texts: readonly string[]): unknown[] {
  return texts.flatMap((text) => {
    try {
      return [JSON.parse(text.replaceAll('\u00a0', ' '))];
    } catch {
      return [];
    }
  });
}

/**
 * The four properties every JSON vendor's read path is held to: any text, JSON built from the
 * vendor's own vocabulary, recorded answers with edited fields, and with edited text — each
 * read as an observation or refused as a protocol error, never anything else.
 */
export function describeJsonFuzz(
  title: string,
  suite: { targets: readonly FuzzTarget[]; vocabulary: readonly string[]; fixtures: readonly string[] },
): void {
  const { targets, vocabulary, fixtures } = suite;
  describe(title, () => {
    it('reads any text as an observation or a protocol error', async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...targets), anyText, async (target, body) => {
          expect(await outcomeOf(target, { body })).toBeOneOf(READ_OR_REFUSED);
        }),
        fuzzParameters(500),
      );
    });

    it('reads JSON of its own vocabulary as an observation or a protocol error', async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...targets), jsonDocument(vocabulary), async (target, document) => {
          expect(await outcomeOf(target, { body: JSON.stringify(document) ?? 'null' })).toBeOneOf(
            READ_OR_REFUSED,
          );
        }),
        fuzzParameters(800),
      );
    });

    it('reads recorded answers with edited fields as an observation or a protocol error', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...targets),
          mutatedJsonFixture(jsonFixtures(fixtures), vocabulary),
          async (target, body) => {
            expect(await outcomeOf(target, { body })).toBeOneOf(READ_OR_REFUSED);
          },
        ),
        fuzzParameters(800),
      );
    });

    it('reads recorded answers with edited text as an observation or a protocol error', async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...targets), mutatedFixture(fixtures), async (target, body) => {
          expect(await outcomeOf(target, { body })).toBeOneOf(READ_OR_REFUSED);
        }),
        fuzzParameters(300),
      );
    });
  });
}
