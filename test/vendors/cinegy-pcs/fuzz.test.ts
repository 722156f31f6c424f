import { readdirSync, readFileSync } from 'node:fs';
import { cinegyPcsAdapter } from '../../../lib/vendors/cinegy-pcs/index.js';
import { describeJsonFuzz, type FuzzTarget } from '../../security/vendor-fuzz.js';

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

describeJsonFuzz('Cinegy PCS task answers, fuzzed', {
  targets: TARGETS,
  vocabulary: VOCABULARY,
  fixtures: FIXTURES,
});
