import { isUnderBase } from '../../http/url-guard.js';
import { HalLinkSchema } from './avid-ctms-schema.js';

/** The links jobwatch remembers between polls, all absolute and checked to be under the base URL. */
export interface CommandLinks {
  selfHref?: string;
  cancelHref?: string;
  /** Links the vendor sent that point outside the connection and were therefore dropped. */
  ignored: { rel: string; href: string }[];
}

export const CANCEL_REL = 'command:cancel';

/** What the documented `command` curie expands `cancel` to. */
const CANCEL_REL_URIS = new Set([
  'http://services.avid.com/apis/command/cancel',
  'https://services.avid.com/apis/command/cancel',
]);

/**
 * The first usable href of a HAL relation: a relation holds one link object or an array of them;
 * templated links are skipped because we would have to invent their variables.
 *
 * @example hrefOf({ self: { href: 'https://mc/x' } }, 'self') // 'https://mc/x'
 */
export function hrefOf(links: Record<string, unknown> | null | undefined, rel: string): string | undefined {
  return linksOf(links, rel)[0]?.href;
}

/** Every non-templated link of a relation, in the vendor's order. */
export function linksOf(
  links: Record<string, unknown> | null | undefined,
  rel: string,
): { href: string; name?: string }[] {
  const value = links?.[rel];
  const candidates = Array.isArray(value) ? value : [value];
  const found: { href: string; name?: string }[] = [];
  for (const candidate of candidates) {
    const link = HalLinkSchema.safeParse(candidate);
    if (!link.success || typeof link.data.href !== 'string' || link.data.href.trim() === '') continue;
    if (link.data.templated) continue;
    found.push({ href: link.data.href.trim(), ...(link.data.name ? { name: link.data.name } : {}) });
  }
  return found;
}

/**
 * The relation that cancels the command. The documentation calls it `command:cancel`, but HAL lets
 * a server pick its own curie prefix (`cmd:cancel` with `cmd` → `…/apis/command/{rel}`) or write
 * the expanded URI, so those count too; failing all, a relation whose last part is `cancel` —
 * in a command resource there is nothing else it could cancel.
 *
 * @example cancelRelOf({ curies: [{ name: 'c', href: 'http://services.avid.com/apis/command/{rel}' }], 'c:cancel': { href: '/x' } }) // 'c:cancel'
 */
export function cancelRelOf(links: Record<string, unknown> | null | undefined): string | undefined {
  if (!links) return undefined;
  const rels = Object.keys(links).filter((rel) => rel !== 'curies' && linksOf(links, rel).length > 0);
  if (rels.includes(CANCEL_REL)) return CANCEL_REL;
  const curies = curieTemplates(links);
  const expanded = rels.find((rel) => CANCEL_REL_URIS.has(expandRel(rel, curies).toLowerCase()));
  return expanded ?? rels.find((rel) => /(?:^|[:/#])cancel$/i.test(rel));
}

function curieTemplates(links: Record<string, unknown>): Map<string, string> {
  const templates = new Map<string, string>();
  const curies = Array.isArray(links.curies) ? links.curies : [links.curies];
  for (const curie of curies) {
    const parsed = HalLinkSchema.safeParse(curie);
    if (parsed.success && parsed.data.name && parsed.data.href) {
      templates.set(parsed.data.name, parsed.data.href);
    }
  }
  return templates;
}

function expandRel(rel: string, curies: Map<string, string>): string {
  const separator = rel.indexOf(':');
  if (separator <= 0) return rel;
  const template = curies.get(rel.slice(0, separator));
  return template ? template.replace('{rel}', rel.slice(separator + 1)) : rel;
}

/**
 * Picks `self` and the cancel link out of a command's `_links`, resolved against the URL of the
 * document that carried them (HAL allows relative hrefs), keeping only those under the
 * connection's base URL: CTMS links are absolute, and a link to another host (a proxy's internal
 * name, or a hostile answer) must never be followed.
 *
 * @example commandLinks(resource._links, new URL('https://mc.example.com/')).selfHref
 */
export function commandLinks(
  links: Record<string, unknown> | null | undefined,
  baseUrl: URL,
  documentUrl: URL = baseUrl,
): CommandLinks {
  const result: CommandLinks = { ignored: [] };
  const cancelRel = cancelRelOf(links);
  const wanted: [string | undefined, 'selfHref' | 'cancelHref'][] = [
    ['self', 'selfHref'],
    [cancelRel, 'cancelHref'],
  ];
  for (const [rel, key] of wanted) {
    const href = rel === undefined ? undefined : hrefOf(links, rel);
    if (rel === undefined || href === undefined) continue;
    const safe = safeUrlUnder(baseUrl, href, documentUrl);
    if (safe) result[key] = safe;
    else result.ignored.push({ rel, href: describeHref(href, documentUrl) });
  }
  return result;
}

/**
 * The absolute URL of `href` (resolved against `documentUrl`) when it lies under the base URL,
 * else `undefined`. A loopback link (`localhost`, `127.0.0.1`, `[::1]`) on the same scheme and
 * port as a loopback base is the same server under another name (a local CTMS that writes its
 * links as `localhost` while the operator configured `127.0.0.1`), and is rewritten to the
 * base's spelling rather than dropped.
 *
 * @example safeUrlUnder(new URL('http://127.0.0.1:8080/'), 'http://localhost:8080/c/1') // 'http://127.0.0.1:8080/c/1'
 */
export function safeUrlUnder(baseUrl: URL, href: string, documentUrl: URL = baseUrl): string | undefined {
  let url: URL;
  try {
    url = new URL(href, documentUrl);
  } catch {
    return undefined;
  }
  if (
    url.host !== baseUrl.host &&
    isLoopback(url.hostname) &&
    isLoopback(baseUrl.hostname) &&
    url.protocol === baseUrl.protocol &&
    url.port === baseUrl.port
  ) {
    url.host = baseUrl.host;
  }
  return isUnderBase(baseUrl, url) ? url.href : undefined;
}

/** True when `href` parses as an absolute or relative URL that resolves under the base URL. */
export function isSafeUnder(baseUrl: URL, href: string, documentUrl: URL = baseUrl): boolean {
  return safeUrlUnder(baseUrl, href, documentUrl) !== undefined;
}

function isLoopback(hostname: string): boolean {
  // Only the usual names of one loopback server: 127.0.0.2 is another address a server on
  // 127.0.0.1 does not listen on.
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** An href fit for details and messages: no query string, bounded length. */
function describeHref(href: string, documentUrl: URL): string {
  try {
    const url = new URL(href, documentUrl);
    return `${url.origin}${url.pathname}`.slice(0, 200);
  } catch {
    return href.split('?')[0]?.slice(0, 200) ?? '';
  }
}
