import { describe, expect, it } from 'vitest';
import {
  candidateForms,
  canonicalPayload,
  compareKeys,
  requestTimestamp,
  type SignatureInput,
  signAdmiralCloudRequest,
  signedForm,
  stringToSign,
} from '../../../lib/vendors/admiralcloud/index.js';

/*
 * Fixed vectors. The strings to sign are written out by hand from the scheme (see
 * admiralcloud-signature.ts); the hashes were computed outside this code base with an unrelated
 * HMAC-SHA256 implementation over those exact strings. The secret and key are the example
 * values of AdmiralCloud's signing library documentation.
 */
const SECRET = 'my-very-good-accessSecret';
const TS = 1_700_000_000;

const vectors: { name: string; input: SignatureInput; text: string; hash: string }[] = [
  {
    name: 'v1 with the jobId payload AdmiralCloud examples sign for jobResult',
    input: {
      accessSecret: SECRET,
      target: { version: 1, controller: 'activity', action: 'jobResult' },
      payload: { jobId: 'a1b2c3' },
      timestamp: TS,
    },
    text: 'activity\njobresult\n1700000000\n{"jobId":"a1b2c3"}',
    hash: 'ff777cb99c2d8bbf74f3561f9aff03be5d27373446211524ce1c45a959052610',
  },
  {
    name: 'v1 without payload: no trailing newline, names lower-cased',
    input: {
      accessSecret: SECRET,
      target: { version: 1, controller: 'Activity', action: 'Find' },
      timestamp: TS,
    },
    text: 'activity\nfind\n1700000000',
    hash: '3036aca0aec35b8690ae4eba48c5971738b42c0c0f374347718ed49eab2972d4',
  },
  {
    name: 'v2 lower-cases the whole path but not the payload',
    input: {
      accessSecret: SECRET,
      target: { version: 2, path: '/v5/activity/jobResult/A1B2C3' },
      payload: { jobId: 'A1B2C3' },
      timestamp: TS,
    },
    text: '/v5/activity/jobresult/a1b2c3\n1700000000\n{"jobId":"A1B2C3"}',
    hash: '93bde6960c5852d5b1260b4d2a4da2f1f1958887450cd6a60f3927ba49042c18',
  },
  {
    name: 'v2 with an empty payload ignores the query string',
    input: {
      accessSecret: SECRET,
      target: { version: 2, path: '/v5/activity?types=activities' },
      payload: {},
      timestamp: TS,
    },
    text: '/v5/activity\n1700000000',
    hash: '054118dd2cfa27f9071ce20dcca8916432188fd2c9cb651e99f40101398254e5',
  },
  {
    name: 'nested objects sorted too, upper case before lower case, arrays kept in order',
    input: {
      accessSecret: SECRET,
      target: { version: 2, path: '/v5/search' },
      payload: { zeta: 1, alpha: { delta: true, charlie: [{ b: 2, a: 1 }] }, Beta: 'x' },
      timestamp: TS,
    },
    text: '/v5/search\n1700000000\n{"Beta":"x","alpha":{"charlie":[{"a":1,"b":2}],"delta":true},"zeta":1}',
    hash: '29ec8b0a60e609e6239ab8d445750eebf61a5e775f08440e83c735aa2f9f0744',
  },
  {
    name: 'numeric-string keys first and compared as numbers; "01" is not a number key',
    input: {
      accessSecret: SECRET,
      target: { version: 1, controller: 'activity', action: 'find' },
      payload: { b: '1', '10': 'ten', a: '0', '2': 'two', '01': 'lead' },
      timestamp: TS,
    },
    text: 'activity\nfind\n1700000000\n{"2":"two","10":"ten","01":"lead","a":"0","b":"1"}',
    hash: 'd32f3705574413186db9348373aeb17cd0bfe65e124afc025e0fa1b7a72dd840',
  },
];

describe('AdmiralCloud request signature', () => {
  it.each(vectors)('builds the string to sign: $name', ({ input, text }) => {
    // Act
    const built = stringToSign(input);

    // Assess
    expect(built).toBe(text);
  });

  it.each(vectors)('computes the published HMAC: $name', ({ input, hash }) => {
    // Act
    const signature = signAdmiralCloudRequest(input);

    // Assess
    expect(signature).toEqual({ hash, timestamp: TS });
  });

  it('changes the hash when the secret differs', () => {
    // Prepare
    const [first] = vectors;
    if (!first) throw new Error('no vector');

    // Act
    const signature = signAdmiralCloudRequest({ ...first.input, accessSecret: 'another-secret' });

    // Assess
    expect(signature.hash).not.toBe(first.hash);
  });

  it('orders keys like the JavaScript engine does after a string sort', () => {
    // Prepare
    const keys = ['b', '10', 'B', '2', '_x', '01', 'a'];

    // Act
    const sorted = [...keys].sort(compareKeys);

    // Assess
    expect(sorted).toEqual(['2', '10', '01', 'B', '_x', 'a', 'b']);
    expect(Object.keys(Object.fromEntries(sorted.map((key) => [key, 1])))).toEqual(sorted);
  });

  it('adds nothing for an absent or empty payload', () => {
    // Act + Assess
    expect(canonicalPayload(undefined)).toBe('');
    expect(canonicalPayload({})).toBe('');
  });

  it('uses whole wall-clock seconds for rts', () => {
    // Act
    const timestamp = requestTimestamp(1_700_000_000_999);

    // Assess
    expect(timestamp).toBe(1_700_000_000);
  });
});

describe('AdmiralCloud signing readings', () => {
  const configured = { version: 2, numbersAsNumbers: false, route: 'router' } as const;

  it('lists the configured reading first, then the other version, numbers, unsigned route', () => {
    // Prepare
    const request = {
      action: 'jobResult',
      path: '/v5/activity/jobResult/4711',
      query: {},
      route: { jobId: '4711' },
    };

    // Act
    const forms = candidateForms(configured, request);

    // Assess
    expect(forms.map((form) => [form.target.version, form.payload])).toEqual([
      [2, { jobId: '4711' }],
      [1, { jobId: '4711' }],
      [2, { jobId: 4711 }],
      [1, { jobId: 4711 }],
      [2, {}],
      [1, {}],
    ]);
  });

  it('lists a reading once when it gives the same bytes as another', () => {
    // Prepare
    const listing = { action: 'find', path: '/v5/activity', query: {}, route: {} };
    const destroy = {
      action: 'destroy',
      path: '/v5/activity/abc',
      query: {},
      route: { activityId: 'abc' },
      routerRoute: { id: 'abc' },
    };

    // Act
    const listingForms = candidateForms(configured, listing);
    const destroyForms = candidateForms(configured, destroy);

    // Assess
    expect(listingForms.map((form) => form.target.version)).toEqual([2, 1]);
    expect(destroyForms.map((form) => [form.target.version, form.payload])).toEqual([
      [2, { id: 'abc' }],
      [1, { id: 'abc' }],
      [2, { activityId: 'abc' }],
      [2, {}],
      [1, { activityId: 'abc' }],
      [1, {}],
    ]);
  });

  it('turns only canonical integers into numbers', () => {
    // Act
    const form = signedForm(
      { version: 1, numbersAsNumbers: true, route: 'template' },
      { action: 'find', path: '/v5/activity', query: { a: '0', b: '0815', c: '7c1e', d: '12' }, route: {} },
    );

    // Assess
    expect(form.payload).toEqual({ a: 0, b: '0815', c: '7c1e', d: 12 });
  });
});
