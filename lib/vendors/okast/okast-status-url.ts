import { isUnderBase } from '../../http/url-guard.js';
import { ConfigurationError } from '../../jobs/errors.js';

function segments(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

/**
 * Where the status page is, from the connection's base URL and `statusPath`. Operators give the
 * base URL either as the instance's root (`https://channels.example.com/`) or as the PHP folder
 * they were handed (`…/synthesia/okast-channels/playlist/manager/php/`), or even the page itself:
 * where the base path already ends with the first segments of `statusPath`, those segments are
 * not repeated, so all three find the same page. No Okast page lives under a path that repeats
 * itself (`…/php/synthesia/…/php/`), so nothing reachable is lost. A `statusPath` that is a full
 * URL must lie under the base URL.
 *
 * @example statusPageTarget(new URL('https://c.example.com/synthesia/okast-channels/'), 'synthesia/okast-channels/playlist/manager/php/_getIngestStatus.php')
 * // 'https://c.example.com/synthesia/okast-channels/playlist/manager/php/_getIngestStatus.php'
 */
export function statusPageTarget(baseUrl: URL, statusPath: string, connection = 'this connection'): string {
  if (/^https?:\/\//i.test(statusPath)) {
    const absolute = new URL(statusPath);
    if (!isUnderBase(baseUrl, absolute)) {
      throw new ConfigurationError(
        `statusPath of ${connection} is a URL outside its baseUrl ${baseUrl.origin}${baseUrl.pathname}`,
      );
    }
    return absolute.href;
  }
  const queryAt = statusPath.search(/[?#]/);
  const path = queryAt === -1 ? statusPath : statusPath.slice(0, queryAt);
  const suffix = queryAt === -1 ? '' : statusPath.slice(queryAt);
  const base = segments(baseUrl.pathname);
  const wanted = segments(path);

  let overlap = 0;
  for (let length = Math.min(base.length, wanted.length); length > 0; length -= 1) {
    const tail = base.slice(base.length - length);
    if (tail.every((segment, position) => segment === wanted[position])) {
      overlap = length;
      break;
    }
  }
  const rest = wanted.slice(overlap);
  const target = new URL(baseUrl.href);
  // The whole path is already the base: the page itself, without the slash the base URL got.
  target.pathname = rest.length === 0 ? `/${base.join('/')}` : `/${[...base, ...rest].join('/')}`;
  if (rest.length > 0 && path.endsWith('/')) target.pathname += '/';
  return `${target.origin}${target.pathname}${suffix}`;
}
