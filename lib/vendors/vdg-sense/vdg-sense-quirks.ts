/**
 * Each way VDG Sense departs from a plain reading of its own documents, and what is tolerated
 * for it. Every tolerance names its ground: [DOC] a VDG article, [FIX] the recorded sample
 * (`../shared/seeds/vdg-sense-get-export-video-status.txt`, verbatim in
 * `test/vendors/vdg-sense/fixtures/seed-get-export-video-status.xml`).
 */

/**
 * [DOC] "All xml tags are in lowercase, but the system will not be case sensitive about this"
 * (VDG's API notes, CA-20220907-TP-04): names are read lower-cased.
 */
export const XML_NAMES_ANY_CASE = { lowerCaseNames: true } as const;

// --- the errorcode, read before anything else --------------------------------------------------

const WHITESPACE = /\s/;
const WORD_CHARACTER = /\w/;
const DIGIT = /\d/;

function skipBlanks(text: string, from: number): number {
  let index = from;
  while (index < text.length && WHITESPACE.test(text.charAt(index))) index += 1;
  return index;
}

function startsWithIgnoringCase(text: string, prefix: string, at: number): boolean {
  return text.slice(at, at + prefix.length).toLowerCase() === prefix;
}

/** `-?\d+` at `from`, or undefined. */
function integerAt(text: string, from: number): number | undefined {
  let end = from + (text.charAt(from) === '-' ? 1 : 0);
  const digitsFrom = end;
  while (end < text.length && DIGIT.test(text.charAt(end))) end += 1;
  return end > digitsFrom ? Number(text.slice(from, end)) : undefined;
}

/** The first `errorcode=N` attribute (quoted or not) of the `<result …>` start tag at `at`. */
function errorCodeOfResultTag(text: string, at: number): number | undefined {
  const nameEnd = at + '<result'.length;
  if (!startsWithIgnoringCase(text, '<result', at) || WORD_CHARACTER.test(text.charAt(nameEnd))) {
    return undefined;
  }
  const tagEnd = text.indexOf('>', nameEnd);
  const tag = text.slice(nameEnd, tagEnd === -1 ? text.length : tagEnd).toLowerCase();
  for (let found = tag.indexOf('errorcode'); found !== -1; found = tag.indexOf('errorcode', found + 1)) {
    if (found > 0 && WORD_CHARACTER.test(tag.charAt(found - 1))) continue;
    let index = skipBlanks(tag, found + 'errorcode'.length);
    if (tag.charAt(index) !== '=') continue;
    index = skipBlanks(tag, index + 1);
    if (tag.charAt(index) === '"' || tag.charAt(index) === "'") index = skipBlanks(tag, index + 1);
    const code = integerAt(tag, index);
    if (code !== undefined) return code;
  }
  return undefined;
}

/**
 * [DOC] "Read `errorcode` first" (vendors.md): the documented sample is not well-formed, so the
 * root's errorcode attribute is read before the document is parsed — after blanks, the XML
 * declaration and comments — and a negative code is the whole answer, however broken the rest.
 * Hand-written rather than one regex: the regex it replaces backtracked exponentially over
 * repeated comments (issue 10); this reads each character a fixed number of times.
 *
 * @example leadingErrorCode('<?xml version="1.0"?><!-- hi --><result errorcode="-57"/>') // -57
 */
export function leadingErrorCode(text: string): number | undefined {
  let index = skipBlanks(text, 0);
  for (;;) {
    if (startsWithIgnoringCase(text, '<?xml', index)) {
      const end = text.indexOf('>', index);
      if (end === -1 || end - 1 < index + '<?xml'.length || text.charAt(end - 1) !== '?') return undefined;
      index = skipBlanks(text, end + 1);
    } else if (text.startsWith('<!--', index)) {
      const end = text.indexOf('-->', index + '<!--'.length);
      if (end === -1) return undefined;
      index = skipBlanks(text, end + '-->'.length);
    } else {
      return errorCodeOfResultTag(text, index);
    }
  }
}

// --- the documented sample's defects ------------------------------------------------------------

export interface SampleRepair {
  text: string;
  /** What was changed, for the observation's details; empty when nothing was. */
  repairs: string[];
}

const START_TAG = /<([A-Za-z_][\w.-]*)(\s[^<>]*?)?(\/?)>/g;
const UNQUOTED_ATTRIBUTE = /(\s[A-Za-z_][\w.:-]*\s*=\s*)([^\s"'<>=]+)/g;
const DEVICE_TAG = /<(\/?)(devices|device)(\s[^<>]*?)?(\/?)>/gi;

/**
 * [FIX] The two defects of the recorded getExportVideoStatus sample, repaired only after a strict
 * parse failed: `<exports count=[exportcount]>` (an unquoted attribute value is quoted) and a
 * `<device>` that is never closed (closed where the next `<device>` opens or `</devices>` ends
 * the list — a device never holds a device, so there is one reading). Nothing else is repaired:
 * a truncated body or an HTML page stays broken and is refused. The sample's commented-out
 * declaration `<!--?xml …?-->` is a valid comment and needs nothing.
 *
 * @example repairSampleDefects('<exports count=3></exports>').text // '<exports count="3"></exports>'
 */
export function repairSampleDefects(text: string): SampleRepair {
  const repairs: string[] = [];
  const quoted = text.replace(START_TAG, quoteAttributes);
  if (quoted !== text) repairs.push('quoted unquoted attribute values');
  const { text: closed, inserted } = closeDevices(quoted);
  if (inserted > 0) repairs.push(`closed ${inserted} unclosed <device> element${inserted === 1 ? '' : 's'}`);
  return { text: closed, repairs };
}

function quoteAttributes(tag: string, name: string, attributes: string | undefined, slash: string): string {
  if (!attributes) return tag;
  return `<${name}${attributes.replace(UNQUOTED_ATTRIBUTE, '$1"$2"')}${slash}>`;
}

function closeDevices(text: string): { text: string; inserted: number } {
  let deviceOpen = false;
  let inserted = 0;
  const repaired = text.replace(
    DEVICE_TAG,
    (tag: string, closing: string, name: string, _attributes: string | undefined, selfClosing: string) => {
      const isDevice = name.toLowerCase() === 'device';
      // A device still open where another opens or the list closes ends there.
      const close = deviceOpen && (isDevice ? !closing : Boolean(closing));
      if (close) inserted += 1;
      deviceOpen = isDevice && !closing && !selfClosing;
      return close ? `</device>${tag}` : tag;
    },
  );
  return { text: repaired, inserted };
}

/**
 * [FIX] The sample lists `<device> ... </device>` — text, no fields — as a placeholder for more
 * devices; such text-only entries (and those of `<export>`) carry nothing and are left out.
 */
export function elementsOnly(value: unknown): Record<string, unknown>[] {
  const entries = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return entries.filter(
    (entry): entry is Record<string, unknown> =>
      entry !== null && typeof entry === 'object' && !Array.isArray(entry),
  );
}

// --- values ---------------------------------------------------------------------------------------

/**
 * A device's progress 0..100. [DOC] The status article gives its range as "[0..100%]": a
 * trailing `%` is read, and a value outside the range is held to it. Anything that is not a
 * number leaves the device without progress.
 *
 * @example readProgress('42') // 42
 * @example readProgress(' 50 % ') // 50
 */
export function readProgress(raw: string | undefined): number | undefined {
  const trimmed = (raw ?? '').trim();
  // `trimEnd` where `/\s*%$/` would backtrack.
  const text = trimmed.endsWith('%') ? trimmed.slice(0, -1).trimEnd() : trimmed;
  if (text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  return Math.min(100, Math.max(0, value));
}

/**
 * [DOC] Exports are saved on the VDG server or "a user specified drive location such as a mapped
 * network drive" (exportVideo, CA-20240119-MF-20): Windows paths, which name one folder whatever
 * the case of their letters. Compared as written otherwise.
 */
export function samePath(expected: string, reported: string): boolean {
  return expected.trim().toLowerCase() === reported.trim().toLowerCase();
}

/** [FIX] Server and device ids are `[UID]`s: hexadecimal ids, the same in either case. */
export function sameUid(expected: string | undefined, reported: string | undefined): boolean {
  return (expected ?? '').trim().toLowerCase() === (reported ?? '').trim().toLowerCase();
}
