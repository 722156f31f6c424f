import type { SignatureTarget, SignatureVersion } from './admiralcloud-signature.js';

/**
 * The readings of AdmiralCloud's signature scheme a server may check. The scheme exists only as
 * client code and a few sentences [CODE], and API servers differ in three details:
 *
 * - the version: v1 (controller/action) or v2 (the request path);
 * - numeric GET parameters: older servers turned `"4711"` into `4711` before hashing;
 * - the route parameters of a GET/DELETE: signed under the router's name (`{ id }` for destroy),
 *   under the name in our path template (`{ activityId }`), or not at all (only the query).
 *
 * The connection's options name the first reading; the others are tried only when the server
 * answers a mismatch (see the client), so a server that agrees with the options costs nothing.
 */
export interface SigningScheme {
  version: SignatureVersion;
  numbersAsNumbers: boolean;
  route: 'router' | 'template' | 'none';
}

/** What one request looks like to the signer under a scheme. */
export interface SchemeRequest {
  /** v1: the controller's action. */
  action: string;
  /** v2: the absolute request path. */
  path: string;
  query: Readonly<Record<string, string>>;
  /** The route parameters under our template's names. */
  route: Readonly<Record<string, string>>;
  /** The same parameters under the API router's names, when they differ. */
  routerRoute?: Readonly<Record<string, string>>;
}

export interface SignedForm {
  scheme: SigningScheme;
  target: SignatureTarget;
  payload: Record<string, unknown>;
}

/** The activity controller, for v1 (`activity` / `jobResult` is [CODE]). */
const CONTROLLER = 'activity';

/** A GET parameter an older server would have turned into a number (no sign, no leading 0). */
const NUMERIC = /^(0|[1-9]\d{0,14})$/;

/**
 * The request as signed under one scheme.
 *
 * @example signedForm({ version: 2, numbersAsNumbers: false, route: 'router' }, request).payload // { jobId: 'a1' }
 */
export function signedForm(scheme: SigningScheme, request: SchemeRequest): SignedForm {
  const route =
    scheme.route === 'none'
      ? {}
      : scheme.route === 'router'
        ? (request.routerRoute ?? request.route)
        : request.route;
  const payload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({ ...request.query, ...route })) {
    payload[key] = scheme.numbersAsNumbers && NUMERIC.test(value) ? Number(value) : value;
  }
  const target: SignatureTarget =
    scheme.version === 1
      ? { version: 1, controller: CONTROLLER, action: request.action }
      : { version: 2, path: request.path };
  return { scheme, target, payload };
}

/**
 * How far a reading is from the configured one. Servers differ most often in the version (both
 * are in use [CODE]), then in numeric parameters (older servers), and least in leaving route
 * parameters unsigned; the weights order the tries so.
 */
function distance(left: SigningScheme, right: SigningScheme): number {
  return (
    (left.version === right.version ? 0 : 1) +
    (left.numbersAsNumbers === right.numbersAsNumbers ? 0 : 2) +
    (left.route === right.route ? 0 : 4)
  );
}

/**
 * Every distinct way to sign the request, the configured scheme first, then the others by
 * {@link distance}. Readings that produce the same bytes (no numeric parameter, no route
 * parameter) are listed once.
 *
 * @example candidateForms(configured, request)[0]?.scheme // configured
 */
export function candidateForms(configured: SigningScheme, request: SchemeRequest): SignedForm[] {
  const schemes: SigningScheme[] = [];
  for (const version of [configured.version, configured.version === 1 ? 2 : 1] as const) {
    for (const numbersAsNumbers of [configured.numbersAsNumbers, !configured.numbersAsNumbers]) {
      for (const route of ['router', 'template', 'none'] as const)
        schemes.push({ version, numbersAsNumbers, route });
    }
  }
  const ordered = schemes
    .map((scheme, index) => ({ scheme, index, distance: distance(scheme, configured) }))
    .sort((left, right) => left.distance - right.distance || left.index - right.index);
  const seen = new Set<string>();
  const forms: SignedForm[] = [];
  for (const { scheme } of ordered) {
    const form = signedForm(scheme, request);
    const key = JSON.stringify([form.target, form.payload]);
    if (seen.has(key)) continue;
    seen.add(key);
    forms.push(form);
  }
  return forms;
}

/** How long a connection whose every reading was refused stays on its configured one. */
const EXHAUSTED_FOR_MS = 10 * 60_000;

/**
 * Which scheme each server accepted, per connection and action, for the life of the process:
 * once learned, later calls sign that way first. Whole rounds of refusals (a wrong secret)
 * are remembered too, so they are not repeated on every poll.
 */
export class SchemeMemory {
  private readonly accepted = new Map<string, SigningScheme>();
  private readonly exhausted = new Map<string, number>();

  accepts(key: string): SigningScheme | undefined {
    return this.accepted.get(key);
  }

  remember(key: string, scheme: SigningScheme): void {
    this.accepted.set(key, scheme);
    this.exhausted.delete(key);
  }

  markExhausted(key: string, nowMs: number = Date.now()): void {
    this.exhausted.set(key, nowMs + EXHAUSTED_FOR_MS);
  }

  isExhausted(key: string, nowMs: number = Date.now()): boolean {
    const until = this.exhausted.get(key);
    if (until === undefined) return false;
    if (until > nowMs) return true;
    this.exhausted.delete(key);
    return false;
  }
}
