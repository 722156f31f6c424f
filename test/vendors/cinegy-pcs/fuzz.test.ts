import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cinegyPcsAdapter } from '../../../lib/vendors/cinegy-pcs/index.js';
import {
  anyText,
  type FuzzTarget,
  fuzzParameters,
  jsonDocument,
  jsonFixtures,
  mutatedFixture,
  mutatedJsonFixture,
  outcomeOf,
  READ_OR_REFUSED,
} from '../../security/vendor-fuzz.js';

const FIXTURES_DIRECTORY = new URL('./fixtures/', import.meta.url);
const FIXTURES = readdirSync(FIXTURES_DIRECTORY).map((name) =>
  readFileSync(new URL(name, FIXTURES_DIRECTORY), 'utf8'),
);

const base: FuzzTarget = {
  adapter: cinegyPcsAdapter,
  options: {},
  credentials: {},
  reference: { taskId: '73642d74-ff20-4b6c-84a5-f8ba0ee145e4' },
  contentType: 'application/json',
};

/** The recorded answers' own jobs, so edited answers reach the mappers, and one they do not list. */
const TARGETS: FuzzTarget[] = [
  { taskId: '7b30672e-6a83-4559-9b0c-d2454fa7bab7' },
  { taskId: '73642d74-ff20-4b6c-84a5-f8ba0ee145e4' },
].map((reference) => ({ ...base, reference }));

const VOCABULARY = [
  'id',
  'name',
  'items',
  'totalCount',
  'start',
  'limit',
  'status',
  'statusDescription',
  'progress',
  'globalCurrentProgress',
  'globalMaxProgress',
  'ticks',
  'totalSeconds',
  'result',
  'type',
  'creationTime',
  'startTime',
  'endTime',
  'metadata',
  'src.name',
];

describe('Cinegy PCS task answers, fuzzed', () => {
  it('reads any text as an observation or a protocol error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TARGETS), anyText, async (target, body) => {
        expect(await outcomeOf(target, { body })).toBeOneOf(READ_OR_REFUSED);
      }),
      fuzzParameters(500),
    );
  });

  it('reads JSON of its own vocabulary as an observation or a protocol error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TARGETS), jsonDocument(VOCABULARY), async (target, document) => {
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
        fc.constantFrom(...TARGETS),
        mutatedJsonFixture(jsonFixtures(FIXTURES), VOCABULARY),
        async (target, body) => {
          expect(await outcomeOf(target, { body })).toBeOneOf(READ_OR_REFUSED);
        },
      ),
      fuzzParameters(800),
    );
  });

  it('reads recorded answers with edited text as an observation or a protocol error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TARGETS), mutatedFixture(FIXTURES), async (target, body) => {
        expect(await outcomeOf(target, { body })).toBeOneOf(READ_OR_REFUSED);
      }),
      fuzzParameters(300),
    );
  });
});
