import { z } from 'zod';
import { VendorProtocolError } from '../../jobs/errors.js';
import { assertNoDoctype, parseXml, XML_ATTRIBUTE_PREFIX } from '../shared/xml.js';
import {
  elementsOnly,
  leadingErrorCode,
  repairSampleDefects,
  XML_NAMES_ANY_CASE,
} from './vdg-sense-quirks.js';

/**
 * VDG Sense's XML answers, read leniently: every field may be missing, extra elements and
 * attributes are ignored ([DOC] "messages can be extended with tags … and attributes"), values
 * stay strings until a field is used as a number — so an export id `01` stays `01`.
 */

/** The `errorcode` values VDG documents; anything else is reported by number only. */
const ERROR_CODES: Readonly<Record<number, string>> = {
  [-18]: 'general error',
  [-57]: 'invalid exportid',
};

/** [DOC] getExportVideoStatus's "Exportid does not exist". */
export const INVALID_EXPORT_ID = -57;

/**
 * Names an errorcode for messages.
 *
 * @example describeErrorCode(-18) // 'errorcode -18 (general error)'
 */
export function describeErrorCode(code: number): string {
  const meaning = ERROR_CODES[code];
  return meaning ? `errorcode ${code} (${meaning})` : `errorcode ${code}`;
}

/** An element's text whatever shape the parser gave it (text, `{ '#text' }`, repeated). */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) return textOf(value[0]);
  if (value && typeof value === 'object' && '#text' in value)
    return textOf((value as { '#text': unknown })['#text']);
  return undefined;
}

const XmlText = z.unknown().optional().transform(textOf);

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

const ExportSchema = z
  .looseObject({
    exportid: XmlText,
    path: XmlText,
    status: XmlText,
    bandwidth: XmlText,
    devices: z
      .unknown()
      .optional()
      .transform((value) => elementsOnly(childOf(value, 'device')))
      .pipe(z.array(DeviceSchema)),
  })
  .transform((entry) => ({
    exportId: entry.exportid,
    path: entry.path,
    status: entry.status,
    bandwidth: entry.bandwidth,
    devices: entry.devices,
  }));
export type VdgSenseExport = z.output<typeof ExportSchema>;

function childOf(value: unknown, name: string): unknown {
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}

/** The root's documented `errorcode` attribute and its `<exports>` list. */
const ResultSchema = z
  .object({
    errorcode: z
      .string({ error: 'the <result> element has no errorcode attribute' })
      .trim()
      .regex(/^[-+]?\d+$/, 'errorcode is not a number')
      .transform(Number),
    exports: z
      .unknown()
      .optional()
      .transform((value) => elementsOnly(childOf(value, 'export')))
      .pipe(z.array(ExportSchema)),
  })
  .transform((root) => ({ errorCode: root.errorcode, exports: root.exports }));

export interface VdgSenseResult {
  errorCode: number;
  exports: VdgSenseExport[];
  /** The sample defects that were repaired to read the answer (see `repairSampleDefects`). */
  repairs: string[];
}

/**
 * Reads a VDG Sense `<result errorcode="N">` answer. The errorcode is read first, from the root
 * tag: a negative code is the whole answer, even when the rest of the body is unreadable. A
 * document that is not well-formed is repaired only for the recorded sample's defects; failing
 * that, it is a {@link VendorProtocolError}.
 *
 * @example
 * parseVdgSenseResult('<result errorcode="-57"/>') // { errorCode: -57, exports: [], repairs: [] }
 */
export function parseVdgSenseResult(text: string): VdgSenseResult {
  assertNoDoctype(text);
  const leading = leadingErrorCode(text);
  if (leading !== undefined && leading < 0) return { errorCode: leading, exports: [], repairs: [] };
  const { document, repairs } = parseRepairingSample(text);
  const root = rootNamed(document, 'result');
  const parsed = ResultSchema.safeParse({
    errorcode: root[`${XML_ATTRIBUTE_PREFIX}errorcode`],
    exports: root.exports,
  });
  if (!parsed.success) {
    throw new VendorProtocolError(
      `the <result> document is unreadable: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
    );
  }
  return { ...parsed.data, repairs };
}

function parseRepairingSample(text: string): { document: Record<string, unknown>; repairs: string[] } {
  const options = { alwaysArray: ['export', 'device'], ...XML_NAMES_ANY_CASE };
  try {
    return { document: parseXml(text, options), repairs: [] };
  } catch (strictError) {
    const repaired = repairSampleDefects(text);
    if (repaired.repairs.length === 0) throw strictError;
    try {
      return { document: parseXml(repaired.text, options), repairs: repaired.repairs };
    } catch {
      // The repair did not help: the original complaint is the one worth reading.
      throw strictError;
    }
  }
}

/** The document's root element, which must be `<name>`. */
function rootNamed(document: Record<string, unknown>, name: string): Record<string, unknown> {
  const root = document[name];
  if (root !== null && typeof root === 'object' && !Array.isArray(root))
    return root as Record<string, unknown>;
  const found = Object.keys(document).find((key) => !key.startsWith('?'));
  throw new VendorProtocolError(
    `expected a <${name}> document, got ${found ? `<${found}>` : 'no root element'}`,
  );
}

/** What a login answer says: its errorcode (0 when it has none) and the session id, if any. */
export interface LoginAnswer {
  errorCode: number;
  sessionId?: string;
}

/**
 * Reads the answer to an AuthenticateUserDigest login: its root element's `errorcode` attribute
 * and a `<sessionName>` child. [DOC] "All responses sent by the HTTP interface will contain XML"
 * (CA-20220907-TP-01): an answer that is not XML is a {@link VendorProtocolError}.
 *
 * @example readLoginAnswer('<result errorcode="0"><sessionid>ab12</sessionid></result>', 'sessionid')
 * // { errorCode: 0, sessionId: 'ab12' }
 */
export function readLoginAnswer(text: string, sessionName: string): LoginAnswer {
  const document = parseXml(text, XML_NAMES_ANY_CASE);
  const root = Object.entries(document).find(([name]) => !name.startsWith('?'))?.[1];
  if (root === undefined) throw new VendorProtocolError('the login answer has no root element');
  const fields = root !== null && typeof root === 'object' ? (root as Record<string, unknown>) : {};
  const code = textOf(fields[`${XML_ATTRIBUTE_PREFIX}errorcode`]);
  const errorCode = code !== undefined && /^[-+]?\d+$/.test(code) ? Number(code) : 0;
  const sessionId = textOf(fields[sessionName.toLowerCase()]);
  return sessionId ? { errorCode, sessionId } : { errorCode };
}

const VDG_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?$/;

/**
 * Epoch milliseconds of a time as VDG writes it: [DOC] UTC `yyyy-mm-dd hh:nn:ss.zzz` (exportVideo)
 * or `yyyy-mm-dd hh:mm:ss` (the Authentication article). Anything else — the sample's
 * `[timestamp]` placeholder included — is no time.
 *
 * @example parseVdgTime('2024-01-19 10:00:00.500') // 1705658400500
 */
export function parseVdgTime(text: string | undefined): number | undefined {
  const match = VDG_TIME.exec((text ?? '').trim());
  if (!match) return undefined;
  const [year = 0, month = 0, day = 0, hours = 0, minutes = 0, seconds = 0, milliseconds = 0] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (hours > 23 || minutes > 59 || seconds > 60) return undefined;
  return Date.UTC(year, month - 1, day, hours, minutes, seconds, milliseconds);
}

/**
 * Formats epoch milliseconds the way VDG writes a login timestamp: UTC `yyyy-mm-dd hh:mm:ss`.
 *
 * @example formatLoginTimestamp(1705658400500) // '2024-01-19 10:00:00'
 */
export function formatLoginTimestamp(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
