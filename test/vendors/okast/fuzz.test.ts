import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { okastAdapter } from '../../../lib/vendors/okast/index.js';
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
  adapter: okastAdapter,
  options: {},
  credentials: {},
  reference: { filePath: 'https://s/a.mp4', metadataPath: 'https://s/a.json' },
  contentType: 'application/json',
};

/** The recorded answers' own jobs, so edited answers reach the mappers, and one they do not list. */
const TARGETS: FuzzTarget[] = [
  {
    filePath: 'https://my_storage_system/sample_9-16_blurred_background.mp4',
    metadataPath: 'https://my_storage_system/ingest-okast.json',
  },
  { filePath: 'https://s/a.mp4', metadataPath: 'https://s/a.json' },
].map((reference) => ({ ...base, reference }));

const VOCABULARY = [
  'request',
  'filePath',
  'metadataPath',
  'destinationFolder',
  'destinationFolderKind',
  'reschedule',
  'requestTime',
  'lastStatusUpdate',
  'status',
  'statusError',
  'data',
  'items',
  'ingests',
];

describe('Okast ingest status answers, fuzzed', () => {
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
