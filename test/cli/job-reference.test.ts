import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.js';
import { parseJobReference } from '../../cli/job-reference.js';
import { adapterFor } from '../../lib/vendors/registry.js';

describe('parseJobReference', () => {
  it('reads key=value pairs, keeping everything after the first = as the value', () => {
    expect(parseJobReference(['commandId=c296', 'filePath=https://x.example/a?b=c'])).toEqual({
      commandId: 'c296',
      filePath: 'https://x.example/a?b=c',
    });
  });

  it('parses values that look like JSON, and keeps ids that only resemble numbers as strings', () => {
    expect(
      parseJobReference([
        'count=5',
        'ratio=0.5',
        'dryRun=true',
        'note=null',
        'tags=["a","b"]',
        'options={"x":1}',
        'zeroPadded=00123',
        'exponent=1e5',
        'trailingZero=1.50',
        'forced="42"',
      ]),
    ).toEqual({
      count: 5,
      ratio: 0.5,
      dryRun: true,
      note: null,
      tags: ['a', 'b'],
      options: { x: 1 },
      zeroPadded: '00123',
      exponent: '1e5',
      trailingZero: '1.50',
      forced: '42',
    });
  });

  it('nests dotted keys', () => {
    expect(parseJobReference(['metadata.src.name=x', 'metadata.src.size=3', 'metadata.kind=clip'])).toEqual({
      metadata: { src: { name: 'x', size: 3 }, kind: 'clip' },
    });
  });

  it('accepts one JSON object argument', () => {
    expect(parseJobReference(['{"jobId": 4711, "meta": {"a": true}}'])).toEqual({
      jobId: 4711,
      meta: { a: true },
    });
  });

  it.each([
    [[], /required/],
    [['commandId'], /"commandId" is not a key=value pair/],
    [['=value'], /not a key=value pair/],
    [['a..b=1'], /empty segment/],
    [['__proto__.polluted=1'], /reserved/],
    [['a=1', 'a=2'], /a is given twice/],
    [['a=1', 'a.b=2'], /a is given both as a value and as an object/],
    [['options={"x":}'], /looks like JSON but is not valid/],
    [['tags=[1,,2]'], /looks like JSON but is not valid/],
    [['{"a":1}', 'b=2'], /not both/],
    [['[1,2]'], /not a key=value pair/],
    [['{"a":'], /not valid JSON/],
  ])('refuses %j as a usage error', (args, message) => {
    expect(() => parseJobReference(args)).toThrow(UsageError);
    expect(() => parseJobReference(args)).toThrow(message);
  });

  it('keeps text that merely starts with a bracket as text', () => {
    expect(parseJobReference(['title=[draft] cut', 'note={not json'])).toEqual({
      title: '[draft] cut',
      note: '{not json',
    });
  });
});

describe('the references shown in docs/cli.md and `jobwatch watch --help`', () => {
  it.each([
    ['avid-ctms', ['commandId=c296e0f1-1b4c-4e0b-9c1e-6c1f0b4f8d2a']],
    ['admiralcloud', ['jobId=4711']],
    ['okast', ['filePath=https://cdn.example.com/a.mp4', 'metadataPath=https://cdn.example.com/a.json']],
    [
      'vdg-sense',
      [
        'exportId=12',
        'path=D:\\Exports\\incident-0815',
        'devices=[{"serverId":"srv-0001","deviceId":"cam-entrance"}]',
      ],
    ],
    ['cinegy-pcs', ['{"metadata": {"src.name": "The Trail.mp4"}}']],
  ] as const)('are valid %s references', (vendor, words) => {
    const parsed = adapterFor(vendor).referenceSchema.safeParse(parseJobReference([...words]));

    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});
