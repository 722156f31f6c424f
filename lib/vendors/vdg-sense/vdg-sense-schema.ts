import { z } from 'zod';
import { VendorProtocolError } from '../../jobs/errors.js';
import { assertNoDoctype, parseXml, XML_ATTRIBUTE_PREFIX } from '../shared/xml.js';
import { repairVdgSenseXml } from './vdg-sense-xml-repair.js';

/**
 * The getExportVideoStatus answer, read leniently: every field may be missing, extra elements
 * are ignored, values stay strings until a field is used as a number.
 */

/** An element's text whatever shape the parser gave it (text, `{ '#text' }`, repeated). */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (value && typeof value === 'object' && '#text' in value)
    return textOf((value as { '#text': unknown })['#text']);
  return undefined;
}

const XmlText = z.unknown().optional().transform(textOf);

/**
 * An element with its attributes also readable as children: the docs write every field as an
 * element, but nothing says a manager cannot write `<export exportid="3">` or `<device
 * progress="50">`. An element wins over an attribute of the same name.
 */
function withAttributesAsFields(value: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...value };
  for (const [key, attribute] of Object.entries(value)) {
    if (!key.startsWith(XML_ATTRIBUTE_PREFIX)) continue;
    const name = key.slice(XML_ATTRIBUTE_PREFIX.length);
    if (fields[name] === undefined) fields[name] = attribute;
  }
  return fields;
}

/** The entries that are elements with content (text-only placeholders carry none), attributes merged. */
function elementsOf(value: unknown): Record<string, unknown>[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .filter((entry): entry is Record<string, unknown> => entry !== null && typeof entry === 'object')
    .map(withAttributesAsFields);
}

const DeviceSchema = z
  .looseObject({
    serverid: XmlText,
    deviceid: XmlText,
    starttime: XmlText,
    endtime: XmlText,
    progress: XmlText,
    status: XmlText,
  })
  .transform((device) => ({
    serverId: device.serverid,
    deviceId: device.deviceid,
    startTime: device.starttime,
    endTime: device.endtime,
    progress: device.progress,
    status: device.status,
  }));
export type VdgSenseDevice = z.output<typeof DeviceSchema>;

const DevicesSchema = z
  .unknown()
  .optional()
  .transform((value) =>
    // Text-only entries (the docs' `<device> ... </device>` placeholder) carry no device.
    elementsOf(value && typeof value === 'object' ? (value as { device?: unknown }).device : undefined),
  )
  .pipe(z.array(DeviceSchema));

const ExportSchema = z
  .looseObject({
    exportid: XmlText,
    path: XmlText,
    status: XmlText,
    bandwidth: XmlText,
    /** Not documented: a manager may report the export's own progress besides its devices'. */
    progress: XmlText,
    devices: DevicesSchema,
  })
  .transform((entry) => ({
    exportId: entry.exportid,
    path: entry.path,
    status: entry.status,
    bandwidth: entry.bandwidth,
    ...(entry.progress === undefined ? {} : { progress: entry.progress }),
    devices: entry.devices,
  }));
export type VdgSenseExport = z.output<typeof ExportSchema>;

/** `<errorcode>` as the root's attribute (documented) or, failing that, as its child element. */
const ErrorCodeSchema = z
  .string({ error: 'the <result> element has no errorcode' })
  .trim()
  .regex(/^[-+]?\d+$/, 'errorcode is not a number')
  .transform(Number);

const ResultSchema = z
  .looseObject({
    errorcode: z.unknown().transform(textOf).pipe(ErrorCodeSchema),
    exports: z.unknown().optional(),
    export: z.unknown().optional(),
  })
  .transform((root) => {
    const wrapper = root.exports && typeof root.exports === 'object' ? root.exports : undefined;
    const listed = elementsOf(wrapper ? (wrapper as { export?: unknown }).export : undefined);
    // Exports written straight under <result>, without the <exports> list, are still exports.
    return { errorCode: root.errorcode, exports: listed.length > 0 ? listed : elementsOf(root.export) };
  })
  .pipe(z.object({ errorCode: z.number(), exports: z.array(ExportSchema) }));

export interface VdgSenseResult {
  errorCode: number;
  exports: VdgSenseExport[];
  /** Sample defects that were repaired to read the answer (see vdg-sense-xml-repair). */
  repairs: string[];
}

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

/** `-?\d+` at `from`: the number and where it ends, or undefined. */
function integerAt(text: string, from: number): { value: number; end: number } | undefined {
  let end = from + (text.charAt(from) === '-' ? 1 : 0);
  const digitsFrom = end;
  while (end < text.length && DIGIT.test(text.charAt(end))) end += 1;
  return end > digitsFrom ? { value: Number(text.slice(from, end)), end } : undefined;
}

/**
 * The errorcode in a `<result …>` start tag that begins at `at`: the first `errorcode=N` attribute
 * (quoted or not), else an `<errorcode>N</errorcode>` right after the tag. One pass over the tag.
 */
export function errorCodeOfResultTag(
  text: string,
  at: number,
  { requireEndTag }: { requireEndTag: boolean },
): number | undefined {
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
    if (code) return code.value;
  }
  if (tagEnd === -1) return undefined;
  let index = skipBlanks(text, tagEnd + 1);
  if (!startsWithIgnoringCase(text, '<errorcode', index)) return undefined;
  index = skipBlanks(text, index + '<errorcode'.length);
  if (text.charAt(index) !== '>') return undefined;
  const code = integerAt(text, skipBlanks(text, index + 1));
  if (!code) return undefined;
  if (!requireEndTag) return code.value;
  index = skipBlanks(text, code.end);
  if (!startsWithIgnoringCase(text, '</errorcode', index)) return undefined;
  return text.charAt(skipBlanks(text, index + '</errorcode'.length)) === '>' ? code.value : undefined;
}

/**
 * The root's errorcode, as an attribute or as the first child element, read before anything else
 * (blanks, a BOM, the XML declaration and comments may come first). Hand-written rather than one
 * regex: the regex it replaces backtracked exponentially over repeated comments and
 * quadratically over blanks after `errorcode=` (issue 10); this reads each character at most
 * a fixed number of times.
 *
 * @example readLeadingErrorCode('<?xml version="1.0"?><!-- hi --><result errorcode="-57"/>') // -57
 */
export function readLeadingErrorCode(text: string): number | undefined {
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
      return errorCodeOfResultTag(text, index, { requireEndTag: true });
    }
  }
}

/** What may stand before the first tag: a byte-order mark, and blanks a template left behind. */
const LEADING_BLANKS = /^[\uFEFF\s]+/;

/**
 * Reads a VDG Sense `<result errorcode="N">` answer. The errorcode is read first, from the root
 * tag: a negative code is the whole answer, even when the rest of the body is unreadable. A
 * document that is not well-formed is repaired only for the documented sample defects; failing
 * that, it is a {@link VendorProtocolError}.
 *
 * @example
 * parseVdgSenseResult('<result errorcode="-57"/>') // { errorCode: -57, exports: [], repairs: [] }
 */
export function parseVdgSenseResult(text: string): VdgSenseResult {
  assertNoDoctype(text);
  const leading = readLeadingErrorCode(text);
  if (leading !== undefined && leading < 0) {
    return { errorCode: leading, exports: [], repairs: [] };
  }
  // An XML declaration after blanks is not well-formed; the blanks say nothing, so they go.
  const { document, repairs } = parseTolerantly(text.replace(LEADING_BLANKS, ''));
  const root = document.result;
  if (root === undefined || root === null || typeof root !== 'object' || Array.isArray(root)) {
    const found = Object.keys(document).filter((key) => !key.startsWith('?'))[0];
    throw new VendorProtocolError(
      `expected a <result> document, got ${found ? `<${found}>` : 'no root element'}`,
    );
  }
  const fields = root as Record<string, unknown>;
  const parsed = ResultSchema.safeParse({
    ...withAttributesAsFields(fields),
    // The documented attribute wins over an element of the same name.
    errorcode: fields[`${XML_ATTRIBUTE_PREFIX}errorcode`] ?? fields.errorcode,
  });
  if (!parsed.success) {
    throw new VendorProtocolError(
      `the <result> document is unreadable: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
    );
  }
  return { errorCode: parsed.data.errorCode, exports: parsed.data.exports, repairs };
}

function parseTolerantly(text: string): { document: Record<string, unknown>; repairs: string[] } {
  const options = { alwaysArray: ['export', 'device'], lowerCaseNames: true };
  try {
    return { document: parseXml(text, options), repairs: [] };
  } catch (strictError) {
    const repaired = repairVdgSenseXml(text);
    if (repaired.repairs.length === 0) throw strictError;
    try {
      return { document: parseXml(repaired.text, options), repairs: repaired.repairs };
    } catch {
      // The repair did not help: the original complaint is the one worth reading.
      throw strictError;
    }
  }
}
