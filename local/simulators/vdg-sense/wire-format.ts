import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { SimResponse } from '../sim-server.js';

/**
 * How a VDG Sense manager writes and reads its messages: `text/xml` `<result errorcode="N">`
 * answers, UTC times as `yyyy-mm-dd hh:nn:ss.zzz`, and the XML bodies clients post. Written from
 * VDG's articles alone, so the adapter's own reading is checked against an independent one.
 */

/** Documented variations a manager may show, switched on per test. */
export interface VdgSimQuirks {
  /** Write statuses lower-case (the status article lists them both ways). */
  lowerCaseStatuses?: boolean;
  /** Answer in the documented sample's shape: commented declaration, unquoted count, unclosed devices. */
  malformedShape?: boolean;
  /** List every export whatever `exportid` asks for (the parameter is optional; a manager may ignore it). */
  ignoreExportIdFilter?: boolean;
  /** Answer an unknown `exportid` with errorcode 0 and an empty list instead of -57. */
  unknownIdAsEmptyList?: boolean;
  /** Accept requests without a session although the login works (a manager that does not check). */
  sessionOptional?: boolean;
}

/** One export as a status answer shows it. */
export interface ExportView {
  id: string;
  path: string;
  status: string;
  bandwidth: number;
  devices: {
    serverId: string;
    deviceId: string;
    startTime: string;
    endTime: string;
    progress: number;
    status: string;
  }[];
}

const FORBIDDEN_DECLARATION = /<!\s*(?:DOCTYPE|ENTITY)/i;
const PREDEFINED_ENTITY = /&(lt|gt|amp|quot|apos);/g;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  // No entity is ever expanded: the five predefined ones are decoded below, once.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  trimValues: true,
  // "All xml tags are in lowercase, but the system will not be case sensitive about this."
  transformTagName: (name) => name.toLowerCase(),
  tagValueProcessor: (_name, value) =>
    value.replace(PREDEFINED_ENTITY, (_whole, name: string) => PREDEFINED[name] ?? ''),
  isArray: (name) => name === 'device',
});

/**
 * A posted XML body as plain objects (tag names lower-cased, `<device>` always a list), or
 * undefined when it is not well-formed or declares a DOCTYPE or entities.
 *
 * @example readPostedXml('<export><path>D:\\x</path></export>') // { export: { path: 'D:\\x' } }
 */
export function readPostedXml(body: string): Record<string, unknown> | undefined {
  if (FORBIDDEN_DECLARATION.test(body) || XMLValidator.validate(body) !== true) return undefined;
  return parser.parse(body) as Record<string, unknown>;
}

/** An element's text, or '' when it has none. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * VDG's UTC time format, `yyyy-mm-dd hh:nn:ss.zzz`.
 *
 * @example vdgTime(1705658400500) // '2024-01-19 10:00:00.500'
 */
export function vdgTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

const LOGIN_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** A login's `yyyy-mm-dd hh:mm:ss` (UTC) as epoch ms; NaN when it is not one. */
export function loginTimestampMs(text: string): number {
  const parts = LOGIN_TIMESTAMP.exec(text)?.slice(1).map(Number);
  if (!parts) return Number.NaN;
  const [year = 0, month = 1, day = 1, hours = 0, minutes = 0, seconds = 0] = parts;
  return Date.UTC(year, month - 1, day, hours, minutes, seconds);
}

export function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAnswer(status: number, body: string): SimResponse {
  return { status, body, contentType: 'text/xml' };
}

/** A `<result>` with nothing but its errorcode. */
export function errorCodeAnswer(errorCode: number, status = 200): SimResponse {
  return xmlAnswer(status, `<?xml version="1.0"?><result errorcode="${errorCode}"/>`);
}

/** `GET info`: the manager's clock and API version (no authentication needed). */
export function apiInfo(now: number): SimResponse {
  return xmlAnswer(
    200,
    `<?xml version="1.0" encoding="UTF-8"?><apiinfo><utc>${vdgTime(now).slice(0, 19)}</utc><version>2.7.3</version></apiinfo>`,
  );
}

/**
 * A getExportVideoStatus answer listing `entries`, in the documented layout — or, with the
 * `malformedShape` quirk, in the documented sample's own broken one.
 */
export function exportList(entries: readonly ExportView[], quirks: VdgSimQuirks): SimResponse {
  const malformed = quirks.malformedShape === true;
  const word = (status: string): string => (quirks.lowerCaseStatuses ? status.toLowerCase() : status);
  const exportsXml = entries
    .map((entry) => {
      const devices = entry.devices
        .map((device, index) => {
          const fields =
            `<serverid>${escapeXmlText(device.serverId)}</serverid><deviceid>${escapeXmlText(device.deviceId)}</deviceid>` +
            `<starttime>${escapeXmlText(device.startTime)}</starttime><endtime>${escapeXmlText(device.endTime)}</endtime>` +
            `<progress>${Math.round(device.progress)}</progress><status>${word(device.status)}</status>`;
          // The documented sample leaves every device but the last unclosed.
          const close = malformed && index < entry.devices.length - 1 ? '' : '</device>';
          return `<device>${fields}${close}`;
        })
        .join(' ');
      return (
        `<export><exportid>${escapeXmlText(entry.id)}</exportid><path>${escapeXmlText(entry.path)}</path>` +
        `<status>${word(entry.status)}</status><bandwidth>${entry.bandwidth}</bandwidth>` +
        `<devices>${devices}</devices></export>`
      );
    })
    .join(' ');
  const count = malformed ? `count=${entries.length}` : `count="${entries.length}"`;
  const declaration = malformed ? '<!--?xml version="1.0" ?-->' : '<?xml version="1.0"?>';
  return xmlAnswer(
    200,
    `${declaration} <result errorcode="0"> <exports ${count}> ${exportsXml} </exports> </result>`,
  );
}
