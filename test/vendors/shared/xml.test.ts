import { describe, expect, it } from 'vitest';
import { VendorProtocolError } from '../../../lib/jobs/errors.js';
import { decodeXmlText, parseXml } from '../../../lib/vendors/shared/xml.js';

/** Nine levels of entities, each ten of the one below: a billion "lol"s if anything expanded them. */
function billionLaughs(): string {
  const levels = Array.from({ length: 8 }, (_, index) => {
    const below = index === 0 ? 'lol' : `lol${index + 1}`;
    return `  <!ENTITY lol${index + 2} "${`&${below};`.repeat(10)}">`;
  });
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE result [',
    '  <!ENTITY lol "lol">',
    ...levels,
    ']>',
    '<result errorcode="0"><exports count="1"><export><exportid>12</exportid><path>&lol9;</path></export></exports></result>',
  ].join('\n');
}

describe('shared XML parsing', () => {
  it('refuses a billion-laughs document before parsing, without expanding anything', () => {
    // Prepare
    const text = billionLaughs();
    const started = performance.now();

    // Act
    const act = () => parseXml(text);

    // Assess
    expect(act).toThrow(VendorProtocolError);
    expect(act).toThrow('DOCTYPE/entities are not accepted');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it.each([
    ['an internal DOCTYPE', '<!DOCTYPE result><result errorcode="0"/>'],
    ['an external entity', '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'],
    ['a lower-case doctype', '<!doctype result><result/>'],
    ['a stray ENTITY declaration', '<result errorcode="0"><!ENTITY a "b"></result>'],
  ])('refuses %s', (_name, text) => {
    // Act
    const act = () => parseXml(text);

    // Assess
    expect(act).toThrow('DOCTYPE/entities are not accepted');
  });

  it('leaves an undeclared entity reference as written', () => {
    // Act
    const document = parseXml('<result errorcode="0"><path>&lol9;</path></result>');

    // Assess
    expect(document).toEqual({ result: { '@_errorcode': '0', path: '&lol9;' } });
  });

  it('decodes the predefined entities once, never twice', () => {
    // Act
    const document = parseXml('<r a="x &amp; y"><p>a &amp;lt; b &#65;&#x42;</p></r>');

    // Assess
    expect(document).toEqual({ r: { '@_a': 'x & y', p: 'a &lt; b AB' } });
  });

  it('keeps values as text so "01" stays "01"', () => {
    // Act
    const document = parseXml('<r n="007"><id>01</id><flag>true</flag></r>');

    // Assess
    expect(document).toEqual({ r: { '@_n': '007', id: '01', flag: 'true' } });
  });

  it('refuses a truncated document instead of reading half of it', () => {
    // Act
    const act = () => parseXml('<result errorcode="0"><exports><export><exportid>1</exportid>');

    // Assess
    expect(act).toThrow(/not well-formed/);
  });

  it('makes listed tags arrays even when they occur once', () => {
    // Act
    const document = parseXml('<r><item>1</item></r>', { alwaysArray: ['item'] });

    // Assess
    expect(document).toEqual({ r: { item: ['1'] } });
  });

  it('decodes character references only within Unicode', () => {
    // Act
    const text = decodeXmlText('&#1114112; &#0; &foo; &amp;');

    // Assess
    expect(text).toBe('&#1114112; &#0; &foo; &');
  });
});
