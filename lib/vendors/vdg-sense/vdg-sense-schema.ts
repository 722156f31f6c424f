import { z } from 'zod';
import { VendorProtocolError } from '../../jobs/errors.js';
import { assertNoDoctype, parseXml, XML_ATTRIBUTE_PREFIX } from '../shared/xml.js';
import { repairVdgSenseXml } from './vdg-sense-xml-repair.js';

/**
 * The getExportVideoStatus answer, read leniently: every field may be missing, extra elements
 * are ignored, values stay strings until a field is used as a number.
 */

/** An element's text whatever shape the parser gave it (text, `{ '#text' }`, repeated). */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
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

const DevicesSchema = z
  .unknown()
  .optional()
  .transform((value) => {
    const list = value && typeof value === 'object' ? (value as { device?: unknown }).device : undefined;
    // Text-only entries (the docs' `<device> ... </device>` placeholder) carry no device.
    return (Array.isArray(list) ? list : []).filter(
      (entry): entry is Record<string, unknown> => entry !== null && typeof entry === 'object',
    );
  })
  .pipe(z.array(DeviceSchema));

const ExportSchema = z
  .looseObject({
    exportid: XmlText,
    path: XmlText,
    status: XmlText,
    bandwidth: XmlText,
    devices: DevicesSchema,
  })
  .transform((entry) => ({
    exportId: entry.exportid,
    path: entry.path,
    status: entry.status,
    bandwidth: entry.bandwidth,
    devices: entry.devices,
  }));
export type VdgSenseExport = z.output<typeof ExportSchema>;

const ExportsSchema = z
  .unknown()
  .optional()
  .transform((value) => {
    const list = value && typeof value === 'object' ? (value as { export?: unknown }).export : undefined;
    return (Array.isArray(list) ? list : []).filter(
      (entry): entry is Record<string, unknown> => entry !== null && typeof entry === 'object',
    );
  })
  .pipe(z.array(ExportSchema));

const ResultSchema = z.looseObject({
  [`${XML_ATTRIBUTE_PREFIX}errorcode`]: z
    .string({ error: 'the <result> element has no errorcode attribute' })
    .trim()
    .regex(/^-?\d+$/, 'errorcode is not a number')
    .transform(Number),
  exports: ExportsSchema,
});

export interface VdgSenseResult {
  errorCode: number;
  exports: VdgSenseExport[];
  /** Sample defects that were repaired to read the answer (see vdg-sense-xml-repair). */
  repairs: string[];
}

const LEADING_ERRORCODE =
  /^\s*(?:<\?xml[^>]*\?>\s*|<!--[\s\S]*?-->\s*)*<result\b[^>]*?\berrorcode\s*=\s*["']?\s*(-?\d+)/i;

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
  const leading = LEADING_ERRORCODE.exec(text)?.[1];
  if (leading !== undefined && Number(leading) < 0) {
    return { errorCode: Number(leading), exports: [], repairs: [] };
  }
  const { document, repairs } = parseTolerantly(text);
  const root = document.result;
  if (root === undefined || root === null || typeof root !== 'object' || Array.isArray(root)) {
    const found = Object.keys(document).filter((key) => !key.startsWith('?'))[0];
    throw new VendorProtocolError(
      `expected a <result> document, got ${found ? `<${found}>` : 'no root element'}`,
    );
  }
  const parsed = ResultSchema.safeParse(root);
  if (!parsed.success) {
    throw new VendorProtocolError(
      `the <result> document is unreadable: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
    );
  }
  return {
    errorCode: parsed.data[`${XML_ATTRIBUTE_PREFIX}errorcode`] as number,
    exports: parsed.data.exports,
    repairs,
  };
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
