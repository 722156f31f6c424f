import { readdirSync, readFileSync } from 'node:fs';
import { okastAdapter } from '../../../lib/vendors/okast/index.js';
import { describeJsonFuzz, type FuzzTarget } from '../../security/vendor-fuzz.js';

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

describeJsonFuzz('Okast ingest status answers, fuzzed', {
  targets: TARGETS,
  vocabulary: VOCABULARY,
  fixtures: FIXTURES,
});
