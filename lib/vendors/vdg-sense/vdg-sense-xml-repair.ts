/**
 * Repairs the defects of VDG Sense's documented getExportVideoStatus sample that leave the
 * structure unambiguous, and nothing else:
 *
 * - an unquoted attribute value (`<exports count=[exportcount]>`) is quoted;
 * - a `<device>` that is never closed is closed where the next `<device>` opens or where
 *   `</devices>` ends the list: a device never contains a device, so there is only one reading;
 * - a bare `&` that starts no character or entity reference is escaped: the docs warn that `&`
 *   is special and a manager that echoes a path may not escape it (`D:\A & B`), and such an `&`
 *   has one reading only.
 *
 * Anything else that is broken (a truncated body, an HTML page) stays broken and is refused.
 * The commented-out XML declaration (`<!--?xml ...?-->`) is a valid comment and needs nothing.
 */
export interface XmlRepair {
  text: string;
  /** What was changed, for the observation's details; empty when nothing was. */
  repairs: string[];
}

const START_TAG = /<([A-Za-z_][\w.-]*)(\s[^<>]*?)?(\/?)>/g;
const UNQUOTED_ATTRIBUTE = /(\s[A-Za-z_][\w.:-]*\s*=\s*)([^\s"'<>=]+)/g;
const DEVICE_TAG = /<(\/?)(devices|device)(\s[^<>]*?)?(\/?)>/gi;
const BARE_AMPERSAND = /&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z_][\w.-]*;)/g;

/**
 * Returns the document with VDG's known sample defects repaired.
 *
 * @example repairVdgSenseXml('<exports count=3></exports>').text // '<exports count="3"></exports>'
 */
export function repairVdgSenseXml(text: string): XmlRepair {
  const repairs: string[] = [];
  const quoted = quoteAttributeValues(text);
  if (quoted !== text) repairs.push('quoted unquoted attribute values');
  const { text: closed, inserted } = closeDevices(quoted);
  if (inserted > 0) repairs.push(`closed ${inserted} unclosed <device> element${inserted === 1 ? '' : 's'}`);
  const escaped = closed.replace(BARE_AMPERSAND, '&amp;');
  if (escaped !== closed) repairs.push('escaped bare "&" characters');
  return { text: escaped, repairs };
}

function quoteAttributeValues(text: string): string {
  return text.replace(
    START_TAG,
    (tag: string, name: string, attributes: string | undefined, slash: string) => {
      if (!attributes) return tag;
      return `<${name}${attributes.replace(UNQUOTED_ATTRIBUTE, '$1"$2"')}${slash}>`;
    },
  );
}

function closeDevices(text: string): { text: string; inserted: number } {
  let deviceOpen = false;
  let inserted = 0;
  const repaired = text.replace(
    DEVICE_TAG,
    (tag: string, closing: string, name: string, _attributes: string | undefined, selfClosing: string) => {
      const isDevice = name.toLowerCase() === 'device';
      if (isDevice && !closing) {
        const prefix = deviceOpen ? '</device>' : '';
        if (deviceOpen) inserted += 1;
        deviceOpen = !selfClosing;
        return `${prefix}${tag}`;
      }
      if (isDevice && closing) {
        deviceOpen = false;
        return tag;
      }
      if (closing && deviceOpen) {
        // `</devices>` while a device is still open: the device ends with the list.
        deviceOpen = false;
        inserted += 1;
        return `</device>${tag}`;
      }
      deviceOpen = false;
      return tag;
    },
  );
  return { text: repaired, inserted };
}
