import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vdgSenseAdapter } from '../../../lib/vendors/vdg-sense/index.js';
import {
  anyText,
  type FuzzTarget,
  fuzzParameters,
  mutatedFixture,
  outcomeOf,
  READ_OR_REFUSED,
  xmlDocument,
} from '../../security/vendor-fuzz.js';

const FIXTURES_DIRECTORY = new URL('./fixtures/', import.meta.url);
const FIXTURES = readdirSync(FIXTURES_DIRECTORY)
  .filter((name) => name.endsWith('.xml'))
  .map((name) => readFileSync(new URL(name, FIXTURES_DIRECTORY), 'utf8'));

const target: FuzzTarget = {
  adapter: vdgSenseAdapter,
  // No login: every request is the status command, so every body fuzzes the status reader.
  options: { auth: { scheme: 'none' } },
  credentials: {},
  reference: { exportId: '3' },
  contentType: 'text/xml',
};

const VOCABULARY = [
  'result',
  'errorcode',
  'exports',
  'export',
  'exportid',
  'path',
  'status',
  'bandwidth',
  'devices',
  'device',
  'serverid',
  'deviceid',
  'starttime',
  'endtime',
  'progress',
  'count',
];

describe('VDG Sense status answers, fuzzed', () => {
  it('reads any text as an observation or a protocol error', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (body) => {
        expect(await outcomeOf(target, { body })).toBeOneOf(READ_OR_REFUSED);
      }),
      fuzzParameters(300),
    );
  });

  it('reads tag soup of its own vocabulary as an observation or a protocol error', async () => {
    await fc.assert(
      fc.asyncProperty(xmlDocument(VOCABULARY), async (body) => {
        expect(await outcomeOf(target, { body })).toBeOneOf(READ_OR_REFUSED);
      }),
      fuzzParameters(400),
    );
  });

  it('reads mutated recorded answers as an observation or a protocol error', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedFixture(FIXTURES), async (body) => {
        expect(await outcomeOf(target, { body })).toBeOneOf(READ_OR_REFUSED);
      }),
      fuzzParameters(400),
    );
  });

  it('reads a mutated negative errorcode sent with HTTP 404 as an observation or a protocol error', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedFixture(FIXTURES), async (body) => {
        expect(await outcomeOf(target, { body, status: 404 })).toBeOneOf(READ_OR_REFUSED);
      }),
      fuzzParameters(150),
    );
  });
});
