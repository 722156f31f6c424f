import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { VendorProtocolError } from '../../jobs/errors.js';

/**
 * The one XML configuration of jobwatch's adapters.
 *
 * - Values stay strings (`parseTagValue`/`parseAttributeValue` off): zod decides what is numeric,
 *   so an id "01" stays "01".
 * - The library's entity handling is off, and any document declaring a DOCTYPE or an entity is
 *   refused before parsing: nothing a vendor sends can make us expand entities (billion laughs)
 *   or reach outside the document. Only the five predefined entities and numeric character
 *   references are decoded, by a bounded one-pass replacement.
 * - The document must be well-formed: a lenient parser would turn a truncated body into a
 *   plausible-looking half document.
 */

/** Attribute names appear in parsed objects with this prefix: `{ '@_errorcode': '0' }`. */
export const XML_ATTRIBUTE_PREFIX = '@_';

export interface XmlParseOptions {
  /** Tag names (after lower-casing, when asked) that are always parsed into arrays. */
  alwaysArray?: readonly string[];
  /** Lower-cases tag and attribute names, for vendors that document case-insensitive XML. */
  lowerCaseNames?: boolean;
}

const FORBIDDEN_DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

/**
 * Decodes the five predefined XML entities and numeric character references, once. Any other
 * reference is left as written: there is no DTD to define it.
 *
 * @example decodeXmlText('a &amp; b &#x41;') // 'a & b A'
 */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);/g, (reference, name: string) => {
    if (name.startsWith('#')) {
      const codePoint =
        name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : reference;
    }
    return PREDEFINED_ENTITIES[name] ?? reference;
  });
}

/**
 * Throws when a document declares a DOCTYPE or entities; called before any parsing.
 *
 * @example assertNoDoctype('<result errorcode="0"/>') // passes
 */
export function assertNoDoctype(text: string): void {
  if (FORBIDDEN_DECLARATION.test(text)) {
    throw new VendorProtocolError('XML with a DOCTYPE/entities are not accepted');
  }
}

/**
 * Parses a vendor XML document with the shared configuration; throws {@link VendorProtocolError}
 * when it declares a DOCTYPE or entities, or is not well-formed.
 *
 * @example
 * const document = parseXml('<result errorcode="0"><id>01</id></result>');
 * // { result: { '@_errorcode': '0', id: '01' } }
 */
export function parseXml(text: string, options: XmlParseOptions = {}): Record<string, unknown> {
  assertNoDoctype(text);
  const validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new VendorProtocolError(`XML is not well-formed: ${msg} (line ${line}, column ${col})`);
  }
  const alwaysArray = new Set(options.alwaysArray ?? []);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: XML_ATTRIBUTE_PREFIX,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    trimValues: true,
    transformTagName: options.lowerCaseNames ? (name) => name.toLowerCase() : false,
    transformAttributeName: options.lowerCaseNames ? (name) => name.toLowerCase() : false,
    tagValueProcessor: (_name, value) => decodeXmlText(value),
    attributeValueProcessor: (_name, value) => decodeXmlText(value),
    isArray: (name, _path, _isLeaf, isAttribute) => !isAttribute && alwaysArray.has(name),
  });
  try {
    return parser.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new VendorProtocolError(`XML could not be parsed: ${describe(error)}`, {}, { cause: error });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
