import { isUnderBase } from '../../http/url-guard.js';
import { HalLinkSchema } from './avid-ctms-schema.js';

/** The links jobwatch remembers between polls, all checked to be under the base URL. */
export interface CommandLinks {
  selfHref?: string;
  cancelHref?: string;
  /** Links the vendor sent that point outside the connection and were therefore dropped. */
  ignored: { rel: string; href: string }[];
}

export const CANCEL_REL = 'command:cancel';

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
    if (!link.success || typeof link.data.href !== 'string' || link.data.href === '') continue;
    if (link.data.templated) continue;
    found.push({ href: link.data.href, ...(link.data.name ? { name: link.data.name } : {}) });
  }
  return found;
}

/**
 * Picks `self` and `command:cancel` out of a command's `_links`, keeping only those under the
 * connection's base URL: CTMS links are absolute, and a link to another host (a proxy's internal
 * name, or a hostile answer) must never be followed.
 *
 * @example commandLinks(resource._links, new URL('https://mc.example.com/')).selfHref
 */
export function commandLinks(links: Record<string, unknown> | null | undefined, baseUrl: URL): CommandLinks {
  const result: CommandLinks = { ignored: [] };
  for (const [rel, key] of [
    ['self', 'selfHref'],
    [CANCEL_REL, 'cancelHref'],
  ] as const) {
    const href = hrefOf(links, rel);
    if (href === undefined) continue;
    if (isSafeUnder(baseUrl, href)) result[key] = href;
    else result.ignored.push({ rel, href: describeHref(href) });
  }
  return result;
}

/** True when `href` parses as an absolute or relative URL that resolves under the base URL. */
export function isSafeUnder(baseUrl: URL, href: string): boolean {
  try {
    return isUnderBase(baseUrl, new URL(href, baseUrl));
  } catch {
    return false;
  }
}

/** An href fit for details and messages: no query string, bounded length. */
function describeHref(href: string): string {
  try {
    const url = new URL(href);
    return `${url.origin}${url.pathname}`.slice(0, 200);
  } catch {
    return href.split('?')[0]?.slice(0, 200) ?? '';
  }
}
