import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConfigurableAuthCredentials } from '../../../lib/vendors/shared/configurable-auth.js';
import type { SimRequest } from '../sim-server.js';

/*
 * The server side of lib/vendors/shared/configurable-auth.ts, for simulators of vendors that sit
 * behind a proxy wanting basic auth, an API-key header or a key in the query string.
 */

function sameText(actual: string | undefined, expected: string): boolean {
  if (actual === undefined) return false;
  const left = Buffer.from(actual, 'utf8');
  const right = Buffer.from(expected, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Whether a request carries what the credentials call for.
 *
 * @example satisfiesConfigurableAuth({ scheme: 'none' }, request) // true
 */
export function satisfiesConfigurableAuth(
  credentials: ConfigurableAuthCredentials,
  request: SimRequest,
): boolean {
  switch (credentials.scheme) {
    case 'basic': {
      const token = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64');
      return sameText(request.headers.authorization, `Basic ${token}`);
    }
    case 'header': {
      const value = request.headers[credentials.headerName.toLowerCase()];
      return sameText(Array.isArray(value) ? value[0] : value, credentials.headerValue);
    }
    case 'query':
      return sameText(
        request.url.searchParams.get(credentials.paramName) ?? undefined,
        credentials.paramValue,
      );
    case 'none':
      return true;
  }
}

/**
 * Fresh credentials of a scheme, as an operator would store them (a flat string map).
 *
 * @example generateConfigurableAuth('header') // { scheme: 'header', headerName: 'X-Api-Key', headerValue: '…' }
 */
export function generateConfigurableAuth(
  scheme: ConfigurableAuthCredentials['scheme'],
): Record<string, string> {
  const secret = `sim-${randomBytes(16).toString('hex')}`;
  switch (scheme) {
    case 'basic':
      return { scheme, username: `jobwatch-${randomBytes(3).toString('hex')}`, password: secret };
    case 'header':
      return { scheme, headerName: 'X-Api-Key', headerValue: secret };
    case 'query':
      return { scheme, paramName: 'apikey', paramValue: secret };
    case 'none':
      return {};
  }
}
