import { readdirSync, readFileSync } from 'node:fs';
import { admiralcloudAdapter } from '../../../lib/vendors/admiralcloud/index.js';
import { describeJsonFuzz, type FuzzTarget } from '../../security/vendor-fuzz.js';

const FIXTURES_DIRECTORY = new URL('./fixtures/', import.meta.url);
const FIXTURES = readdirSync(FIXTURES_DIRECTORY).map((name) =>
  readFileSync(new URL(name, FIXTURES_DIRECTORY), 'utf8'),
);

const base: FuzzTarget = {
  adapter: admiralcloudAdapter,
  options: {},
  credentials: { accessKey: 'fuzz-access-key', accessSecret: 'fuzz-access-secret' },
  reference: { jobId: 'b7' },
  contentType: 'application/json',
};

/** The recorded answers' own jobs, so edited answers reach the mappers, and one they do not list. */
const TARGETS: FuzzTarget[] = [{ jobId: '7c1e9a40-batch' }, { jobId: 'b7' }].map((reference) => ({
  ...base,
  reference,
}));

const VOCABULARY = [
  'ok',
  'jobId',
  'id',
  'percent',
  'activities',
  'status',
  'message',
  'result',
  'error',
  'createdAt',
  'updatedAt',
  'type',
  'data',
  'mediaContainerId',
];

describeJsonFuzz('AdmiralCloud activity answers, fuzzed', {
  targets: TARGETS,
  vocabulary: VOCABULARY,
  fixtures: FIXTURES,
});
