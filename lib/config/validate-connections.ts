import type { z } from 'zod';
import { isUnderBase, normalizeBase } from '../http/url-guard.js';
import { ConfigurationError } from '../jobs/errors.js';
import type { VendorName } from '../jobs/job.js';
import { type Connection, ConnectionSchema } from './connections.js';

/** What the check needs of a vendor's adapter: the schemas of its connection settings. */
export interface VendorConfigSchemas {
  readonly optionsSchema: z.ZodType;
  readonly credentialsSchema: z.ZodType;
}

export interface ValidateConnectionsOptions {
  /** The file the connections come from: every error line starts with it. */
  source: string;
  /** A vendor's adapter (`adapterFor` of lib/vendors/registry.ts), passed in so config stays below vendors. */
  schemasFor(vendor: VendorName): VendorConfigSchemas;
  /**
   * `inline`: local mode — credentials are written in the file and checked against the vendor's
   * schema, so a missing one is refused now. `secret`: a deploy — inline credentials are refused,
   * and the secret (named, or created by the stack) is filled later, so it cannot be checked here.
   */
  credentials: 'inline' | 'secret';
}

/**
 * Everything wrong with a list of connections, one line each, naming the file, the connection
 * by its name and the field: the vendor's options and credentials schemas, the base URL and every
 * path option under it, the polling bounds. An operator learns of a bad setting at start (or at
 * synth), never at the first poll.
 *
 * @example
 * connectionProblems([{ name: 'pcs', vendor: 'cinegy-pcs', baseUrl: 'http://u:p@pcs:8666/' }],
 *   { source: 'jobwatch.json', schemasFor: adapterFor, credentials: 'inline' }).problems
 * // ['jobwatch.json: connection "pcs": baseUrl: must not hold a user name or password (…)']
 */
export function connectionProblems(
  value: unknown,
  options: ValidateConnectionsOptions,
): { connections: Connection[]; problems: string[] } {
  const { source } = options;
  if (!Array.isArray(value))
    return { connections: [], problems: [`${source}: connections: must be an array`] };
  const problems: string[] = [];
  const connections: Connection[] = [];
  const firstIndexByName = new Map<string, number>();
  value.forEach((raw, index) => {
    const label = connectionLabel(raw, index);
    const report = (field: string, message: string) =>
      problems.push(`${source}: ${label}: ${field}: ${withoutLabel(message, label)}`);
    const name = rawName(raw);
    const first = name === undefined ? undefined : firstIndexByName.get(name);
    if (first !== undefined) {
      report(
        'name',
        `defined twice (connections ${first + 1} and ${index + 1} in the file); names must be unique`,
      );
      return;
    }
    if (name !== undefined) firstIndexByName.set(name, index);
    const connection = checkOneConnection(raw, options, report);
    if (connection) connections.push(connection);
  });
  return { connections, problems };
}

/** One entry of the list: the connection when nothing is wrong with it, else undefined (reported). */
function checkOneConnection(
  raw: unknown,
  options: ValidateConnectionsOptions,
  report: Report,
): Connection | undefined {
  const parsed = ConnectionSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) report(fieldOf(issue.path), issue.message);
    // Check what else can be checked, so one run names every problem.
    const wrong = new Set(parsed.error.issues.map((issue) => issue.path[0]));
    const rest = salvage(raw, wrong);
    if (rest) checkConnection(rest, options, report);
    return undefined;
  }
  let clean = true;
  checkConnection(parsed.data, options, (field, message) => {
    clean = false;
    report(field, message);
  });
  return clean ? parsed.data : undefined;
}

/**
 * The connections, checked by {@link connectionProblems}.
 *
 * @throws ConfigurationError whose message has one line per problem.
 * @example const connections = validateConnections(file.connections, { source: path, schemasFor: adapterFor, credentials: 'inline' });
 */
export function validateConnections(value: unknown, options: ValidateConnectionsOptions): Connection[] {
  const { connections, problems } = connectionProblems(value, options);
  if (problems.length > 0) throw new ConfigurationError(problems.join('\n'));
  return connections;
}

type Report = (field: string, message: string) => void;

/** The fields a connection's own checks need, with those its schema refused left out. */
interface Checkable {
  vendor: VendorName;
  baseUrl?: string | undefined;
  options?: unknown;
  credentials?: Record<string, string> | undefined;
  credentialsSecret?: string | undefined;
  /** False when the field itself was refused by the connection schema: reported already. */
  checkOptions?: boolean | undefined;
  checkCredentials?: boolean | undefined;
}

function salvage(raw: unknown, wrong: ReadonlySet<PropertyKey | undefined>): Checkable | undefined {
  if (raw === null || typeof raw !== 'object' || wrong.has('vendor')) return undefined;
  const fields = raw as Partial<Connection>;
  if (!fields.vendor) return undefined;
  return {
    vendor: fields.vendor,
    ...(wrong.has('baseUrl') ? {} : { baseUrl: fields.baseUrl }),
    options: fields.options,
    checkOptions: !wrong.has('options'),
    credentials: fields.credentials,
    credentialsSecret: fields.credentialsSecret,
    checkCredentials: !wrong.has('credentials') && !wrong.has('credentialsSecret'),
  };
}

function checkConnection(connection: Checkable, options: ValidateConnectionsOptions, report: Report): void {
  const base = connection.baseUrl === undefined ? undefined : checkBaseUrl(connection.baseUrl, report);
  const vendor = options.schemasFor(connection.vendor);
  // False: refused by the connection schema already (not an object), so reported once only.
  if (connection.checkOptions !== false) checkOptions(connection.options, vendor, base, report);
  if (connection.checkCredentials !== false)
    checkCredentials(connection, vendor, options.credentials, report);
}

/** The vendor's options schema, then every path option against the base URL (when that is sound). */
function checkOptions(
  value: unknown,
  vendor: VendorConfigSchemas,
  base: URL | undefined,
  report: Report,
): void {
  const parsed = vendor.optionsSchema.safeParse(value ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) report(fieldOf(['options', ...issue.path]), issue.message);
    return;
  }
  if (!base) return;
  for (const { field, path } of pathOptions(parsed.data, ['options'])) {
    const problem = pathProblem(base, path);
    if (problem) report(field, problem);
  }
}

/** Where credentials must live depends on the mode; only inline ones can be checked against a schema. */
function checkCredentials(
  connection: Checkable,
  vendor: VendorConfigSchemas,
  mode: ValidateConnectionsOptions['credentials'],
  report: Report,
): void {
  if (mode === 'secret') {
    if (connection.credentials) {
      report(
        'credentials',
        'inline credentials are not deployed: credentials belong in Secrets Manager; set credentialsSecret, or leave both out and create the secret jobwatch/<stage>/<connection>',
      );
    }
    return;
  }
  if (connection.credentialsSecret && !connection.credentials) {
    report(
      'credentialsSecret',
      'local mode reads credentials from the file, not from Secrets Manager: write them in credentials',
    );
    return;
  }
  const credentials = vendor.credentialsSchema.safeParse(connection.credentials ?? {});
  if (!credentials.success) {
    // Field names and schema messages only: a credential's value is never repeated.
    for (const issue of credentials.error.issues)
      report(fieldOf(['credentials', ...issue.path]), issue.message);
  }
}

/** The base URL as the HTTP client will use it, or undefined (reported) when it cannot be. */
function checkBaseUrl(baseUrl: string, report: Report): URL | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    report('baseUrl', 'is not a URL');
    return undefined;
  }
  if (url.username || url.password) {
    // Never repeat the URL: the user info is a secret. The URL guard refuses every request to a
    // URL with user info, so such a connection could never be polled.
    report(
      'baseUrl',
      'must not hold a user name or password (user:password@host): put them in credentials (scheme "basic") instead',
    );
    return undefined;
  }
  if (url.search || url.hash) {
    report(
      'baseUrl',
      'must not have a query (?…) or fragment (#…): requests would silently drop it; a key in the query belongs in credentials (scheme "query")',
    );
    return undefined;
  }
  return normalizeBase(url);
}

/** Options named `…Path`, `…Url` or `…UrlTemplate` (at any depth) are paths under the base URL. */
const PATH_OPTION = /(?:Path|Url|UrlTemplate)$/;

function pathOptions(value: unknown, at: Array<string | number>): Array<{ field: string; path: string }> {
  if (value === null || typeof value !== 'object') return [];
  const found: Array<{ field: string; path: string }> = [];
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === 'string' && PATH_OPTION.test(key))
      found.push({ field: fieldOf([...at, key]), path: field });
    else if (field !== null && typeof field === 'object' && !Array.isArray(field))
      found.push(...pathOptions(field, [...at, key]));
  }
  return found;
}

/**
 * Why a configured path would not stay under the base URL, or undefined. Placeholders such as
 * `{jobId}` are filled with a plain word first. Dot segments (also percent-encoded) and
 * backslashes are refused outright: URL parsers and vendor servers resolve them differently.
 */
function pathProblem(base: URL, path: string): string | undefined {
  const quoted = JSON.stringify(path);
  const filled = path.replace(/\{[A-Za-z]+\}/g, 'x');
  if (filled.includes('\\')) return `${quoted} must not contain "\\" (it reads as "/")`;
  const pathPart = filled.split(/[?#]/)[0] ?? '';
  const absolute = /^https?:\/\//i.test(pathPart);
  const segments = (absolute ? new URL(pathPart).pathname : pathPart).split('/');
  if (segments.some(isDotOrSlashSegment)) return `${quoted} must not contain "." or ".." segments`;
  let resolved: URL;
  try {
    resolved = new URL(filled, base);
  } catch {
    return `${quoted} is not a path`;
  }
  if (!isUnderBase(base, resolved)) {
    return `${quoted} resolves to ${resolved.origin}${resolved.pathname}, outside the baseUrl ${base.origin}${base.pathname}; give a path relative to it`;
  }
  return undefined;
}

function isDotOrSlashSegment(segment: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return false;
  }
  return decoded === '.' || decoded === '..' || (decoded !== segment && /[/\\]/.test(decoded));
}

function rawName(raw: unknown): string | undefined {
  const name = raw !== null && typeof raw === 'object' ? (raw as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.trim() !== '' ? name : undefined;
}

function connectionLabel(raw: unknown, index: number): string {
  const name = rawName(raw);
  // JSON quoting keeps a name with a line break (refused anyway) on its one line.
  return name === undefined
    ? `connection ${index + 1} (it has no name)`
    : `connection ${JSON.stringify(name)}`;
}

/** Schemas that name the connection themselves (the timeoutMs rule) are not named twice. */
function withoutLabel(message: string, label: string): string {
  return message.startsWith(`${label}: `) ? message.slice(label.length + 2) : message;
}

function fieldOf(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(the connection)';
  return path
    .map((key, position) =>
      typeof key === 'number' ? `[${key}]` : `${position === 0 ? '' : '.'}${String(key)}`,
    )
    .join('');
}
