import { ConfigurationError, VendorProtocolError } from '../jobs/errors.js';

/**
 * Resolves a path or URL against a connection's base URL and refuses anything outside it.
 *
 * Callers and vendors may hand us URLs (Avid's `_links`, a caller's command href); we only ever
 * fetch those that live under the operator-configured base URL — same scheme, host, port and path
 * prefix — so a job reference can never point jobwatch at an arbitrary host.
 *
 * @example resolveUnderBase('https://mc.example.com/apis/', 'commands/42') // https://mc.example.com/apis/commands/42
 */
export function resolveUnderBase(baseUrl: string | URL, target: string | URL): URL {
  const base = normalizeBase(baseUrl);
  let resolved: URL;
  try {
    resolved = new URL(target, base);
  } catch (error) {
    throw new VendorProtocolError(`Not a URL: ${String(target).slice(0, 200)}`, {}, { cause: error });
  }
  if (!isUnderBase(base, resolved)) {
    throw new VendorProtocolError(
      `Refusing to fetch ${resolved.origin}${resolved.pathname}: it is outside the connection's base URL ${base.origin}${base.pathname}`,
    );
  }
  return resolved;
}

export function isUnderBase(baseUrl: string | URL, candidate: URL): boolean {
  const base = normalizeBase(baseUrl);
  if (candidate.username || candidate.password) return false;
  if (candidate.protocol !== base.protocol || candidate.host !== base.host) return false;
  // Dot segments were already resolved by the URL parser, so a prefix test is sound here.
  return candidate.pathname.startsWith(base.pathname) || `${candidate.pathname}/` === base.pathname;
}

/** A base URL always ends in '/', so relative paths resolve below it rather than beside it. */
export function normalizeBase(baseUrl: string | URL): URL {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch (error) {
    throw new ConfigurationError(`Connection base URL is not a URL: ${String(baseUrl)}`, { cause: error });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new ConfigurationError(`Connection base URL must be http(s): ${base.protocol}`);
  }
  if (!base.pathname.endsWith('/')) base.pathname = `${base.pathname}/`;
  base.search = '';
  base.hash = '';
  return base;
}
