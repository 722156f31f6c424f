import { readdirSync, readFileSync } from 'node:fs';
import { avidCtmsAdapter } from '../../../lib/vendors/avid-ctms/index.js';
import { describeJsonFuzz, type FuzzTarget } from '../../security/vendor-fuzz.js';

const FIXTURES_DIRECTORY = new URL('./fixtures/', import.meta.url);
const FIXTURES = readdirSync(FIXTURES_DIRECTORY).map((name) =>
  readFileSync(new URL(name, FIXTURES_DIRECTORY), 'utf8'),
);

const base: FuzzTarget = {
  adapter: avidCtmsAdapter,
  options: {},
  credentials: {},
  reference: { commandId: '0b8ff0b3-6f3c-4a49-8c64-6f0e3b3e2a11' },
  contentType: 'application/hal+json',
};

/** The recorded answers' own jobs, so edited answers reach the mappers, and one they do not list. */
const TARGETS: FuzzTarget[] = [
  '5d0f3c1e-8f3b-4d7e-9a51-4b3c2d1e0f9a',
  'ab1b0976-0025-4211-87fa-fda6c033f4c9',
  'c296fcd5-b0a8-4750-b80b-1d06c5a2ca8a',
  'e9094d1d-5a28-46cd-91ac-0098076dd9d1',
]
  .map((commandId) => ({ commandId }))
  .map((reference) => ({ ...base, reference }));

const VOCABULARY = [
  'lifecycle',
  'progress',
  'state',
  'text',
  'code',
  'params',
  'error',
  'cause',
  'httpCode',
  'finished',
  'created',
  'payload',
  'result',
  'success',
  'httpStatus',
  'errorCode',
  'errorMessage',
  '_links',
  'self',
  'href',
  'command:cancel',
  'access_token',
  'expires_in',
];

describeJsonFuzz('Avid CTMS command answers, fuzzed', {
  targets: TARGETS,
  vocabulary: VOCABULARY,
  fixtures: FIXTURES,
});
