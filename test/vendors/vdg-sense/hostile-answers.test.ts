import { describe, expect, it } from 'vitest';
import { VendorProtocolError } from '../../../lib/jobs/errors.js';
import {
  parseVdgSenseResult,
  readLeadingErrorCode,
} from '../../../lib/vendors/vdg-sense/vdg-sense-schema.js';

// Issue 10: these bodies froze the process (27–30 s for the first) while the leading errorcode
// was read with a backtracking regex. No timing is asserted: on the old code the parse does not
// finish within the test timeout; test/security/regex-safety.test.ts flags the regex itself.
describe('VDG Sense answers built to stall the parser', () => {
  it('refuses the 248-byte answer of 30 comments before an unfinished <result> as a protocol error', () => {
    // Prepare
    const body = `${'<!--x-->'.repeat(30)}<result>`;
    expect(body).toHaveLength(248);

    // Act
    const act = () => parseVdgSenseResult(body);

    // Assess
    expect(act).toThrow(VendorProtocolError);
  });

  it('reads -57 behind 30 comments and a declaration', () => {
    // Prepare
    const body = `<?xml version="1.0"?>\n${'<!-- x -->\n'.repeat(30)}<result errorcode="-57"/>`;

    // Act
    const result = parseVdgSenseResult(body);

    // Assess
    expect(result).toEqual({ errorCode: -57, exports: [], repairs: [] });
  });

  it('refuses 60 KB of blanks after errorcode= that lead to no number', () => {
    // Prepare
    const body = `<result errorcode=${' '.repeat(60_000)}x></result>`;

    // Act
    const act = () => parseVdgSenseResult(body);

    // Assess
    expect(act).toThrow(VendorProtocolError);
  });

  it('reads a negative errorcode after 60 KB of blanks', () => {
    // Act
    const result = parseVdgSenseResult(`<result errorcode=" ${' '.repeat(60_000)}-18"/>`);

    // Assess
    expect(result.errorCode).toBe(-18);
  });
});

describe('readLeadingErrorCode', () => {
  it.each([
    ['an attribute', '<result errorcode="-57"/>', -57],
    ['an unquoted attribute', "<RESULT ErrorCode = -18 count='1'>", -18],
    ['a single-quoted attribute after others', "<result a='1' errorcode=' 4'>", 4],
    ['a child element', '<result>\n  <errorcode> -57 </errorcode></result>', -57],
    [
      'after a BOM, a declaration and comments',
      '\uFEFF <?xml version="1.0"?><!-- a --><!----> <result errorcode="0"/>',
      0,
    ],
    ['an attribute that only ends with errorcode', '<result myerrorcode="3"/>', undefined],
    ['another root', '<answer errorcode="-1"/>', undefined],
    ['text before the root', 'oops <result errorcode="-1"/>', undefined],
    ['an unterminated comment', '<!-- <result errorcode="-1"/>', undefined],
    ['a child element without its end tag', '<result><errorcode>-5</result>', undefined],
    ['an empty body', '', undefined],
  ])('reads %s', (_name, text, expected) => {
    // Act
    const code = readLeadingErrorCode(text);

    // Assess
    expect(code).toBe(expected);
  });
});
