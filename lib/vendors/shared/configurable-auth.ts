import { z } from 'zod';
import { ConfigurationError } from '../../jobs/errors.js';

/*
 * Some vendor APIs document no authentication at all (Cinegy PCS REST relies on the network) or
 * only say "credentials are required" (Okast). In practice operators put them behind a proxy or
 * gateway that wants *something*: HTTP basic, an API-key header, or a key in the query string.
 * This helper lets the operator pick one of those four schemes per connection, from the flat
 * credentials map every connection has.
 */

/** Header names a credential must never override: they belong to the HTTP exchange itself. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'accept']);

/** An RFC 9110 token: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** No control characters (CR/LF would split the header). */
function hasNoControlCharacters(value: string): boolean {
  return [...value].every((character) => {
    const code = character.charCodeAt(0);
    return code >= 0x20 && code !== 0x7f;
  });
}
const QUERY_NAME = /^[A-Za-z0-9_.~-]{1,100}$/;

const NoAuthSchema = z.object({ scheme: z.literal('none') }).strict();

const BasicAuthSchema = z
  .object({
    scheme: z.literal('basic'),
    username: z
      .string({ error: 'username is required for scheme "basic"' })
      .min(1, 'username must not be empty')
      // RFC 7617: the user-id cannot contain a colon, the first colon separates it from the password.
      .refine((username) => !username.includes(':'), 'username must not contain ":"'),
    password: z.string({ error: 'password is required for scheme "basic"' }),
  })
  .strict();

const HeaderAuthSchema = z
  .object({
    scheme: z.literal('header'),
    headerName: z
      .string({ error: 'headerName is required for scheme "header"' })
      .regex(HEADER_NAME, 'headerName must be an HTTP header name (letters, digits, "-", ...)')
      .refine(
        (name) => !RESERVED_HEADERS.has(name.toLowerCase()),
        'headerName must not be a reserved header',
      ),
    headerValue: z
      .string({ error: 'headerValue is required for scheme "header"' })
      .min(1, 'headerValue must not be empty')
      .refine(hasNoControlCharacters, 'headerValue must not contain control characters'),
  })
  .strict();

const QueryAuthSchema = z
  .object({
    scheme: z.literal('query'),
    paramName: z
      .string({ error: 'paramName is required for scheme "query"' })
      .regex(QUERY_NAME, 'paramName must be letters, digits, "_", ".", "~" or "-"'),
    paramValue: z.string({ error: 'paramValue is required for scheme "query"' }).min(1),
  })
  .strict();

/**
 * The credentials of a connection whose vendor (or the proxy in front of it) takes one of four
 * schemes. An empty map means `none`; any other map must name its `scheme`, so a secret holding
 * `{ username, password }` without a scheme is refused rather than silently ignored.
 *
 * @example ConfigurableAuthCredentialsSchema.parse({}) // { scheme: 'none' }
 * @example ConfigurableAuthCredentialsSchema.parse({ scheme: 'header', headerName: 'X-Api-Key', headerValue: 'k3y' })
 */
export const ConfigurableAuthCredentialsSchema = z.preprocess(
  (value) =>
    value !== null && typeof value === 'object' && Object.keys(value).length === 0
      ? { scheme: 'none' }
      : value,
  z.discriminatedUnion('scheme', [NoAuthSchema, BasicAuthSchema, HeaderAuthSchema, QueryAuthSchema], {
    error: 'scheme must be one of "none", "basic", "header", "query" (an empty map means "none")',
  }),
);
export type ConfigurableAuthCredentials = z.infer<typeof ConfigurableAuthCredentialsSchema>;
export type ConfigurableAuthScheme = ConfigurableAuthCredentials['scheme'];

/** What a request must carry to satisfy the scheme. */
export interface AuthRequestParts {
  headers: Record<string, string>;
  query: Record<string, string>;
}

/**
 * Parses a connection's credentials map, naming the wrong fields (never their values).
 *
 * @example parseConfigurableAuth({ scheme: 'basic', username: 'ops', password: 's3cret' }).scheme // 'basic'
 */
export function parseConfigurableAuth(
  credentials: Readonly<Record<string, string>> | undefined,
  connection = 'this connection',
): ConfigurableAuthCredentials {
  const parsed = ConfigurableAuthCredentialsSchema.safeParse(credentials ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ConfigurationError(`Credentials of ${connection} are unusable: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/**
 * The headers and query parameters to add to every request for the given credentials.
 *
 * @example authRequestParts({ scheme: 'query', paramName: 'apikey', paramValue: 'k3y' })
 * // { headers: {}, query: { apikey: 'k3y' } }
 */
export function authRequestParts(credentials: ConfigurableAuthCredentials): AuthRequestParts {
  switch (credentials.scheme) {
    case 'basic': {
      const token = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64');
      return { headers: { authorization: `Basic ${token}` }, query: {} };
    }
    case 'header':
      return { headers: { [credentials.headerName.toLowerCase()]: credentials.headerValue }, query: {} };
    case 'query':
      return { headers: {}, query: { [credentials.paramName]: credentials.paramValue } };
    case 'none':
      return { headers: {}, query: {} };
  }
}

/**
 * The credential values that must be redacted from messages: the secret parts only, not the
 * scheme name or the header name (redacting "header" would shred ordinary text).
 *
 * @example secretValuesOf({ scheme: 'basic', username: 'ops', password: 's3cret' }) // ['ops', 's3cret', 'b3BzOnMzY3JldA==']
 */
export function secretValuesOf(credentials: ConfigurableAuthCredentials): string[] {
  switch (credentials.scheme) {
    case 'basic':
      return [
        credentials.username,
        credentials.password,
        Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64'),
      ].filter((value) => value.length > 0);
    case 'header':
      return [credentials.headerValue];
    case 'query':
      return [credentials.paramValue];
    case 'none':
      return [];
  }
}
