import { createHmac } from 'node:crypto';

/**
 * AdmiralCloud's request signature (the scheme of its `ac-signature` client) [CODE]:
 *
 *   hash = hex( HMAC-SHA256( accessSecret, base + "\n" + rts [+ "\n" + JSON(payload)] ) )
 *
 * - v1: base = lower(controller) + "\n" + lower(action)
 * - v2: base = lower(request path), without the query string
 * - the payload part is added only when the payload has at least one key;
 * - rts is the request time in whole unix seconds; the API refuses it when it is more than 10 s
 *   off the server's own clock (`…_rtsDeviation`).
 *
 * Payload keys are sorted A–Z. Two details decide whether our bytes equal the server's:
 * - the published client compares keys as plain strings (code units: "B" before "a"), then
 *   rebuilds an object and `JSON.stringify`s it — and a JavaScript object always lists keys that
 *   are array indices ("2", "10") first, in numeric order. So numeric-string keys end up compared
 *   as numbers, ahead of all others. {@link compareKeys} spells that order out.
 * - the published client sorts only the top level for v1/v2 (deep sorting came with its v3);
 *   jobwatch sorts nested objects too, as vendors.md describes. Both agree on flat payloads,
 *   which is all jobwatch ever signs (route and query parameters).
 */

export type SignatureVersion = 1 | 2;

/** What the signature binds the request to: controller/action (v1) or the path (v2). */
export type SignatureTarget =
  | { version: 1; controller: string; action: string }
  | { version: 2; path: string };

export interface SignatureInput {
  accessSecret: string;
  target: SignatureTarget;
  /** For GET and DELETE: the route and query parameters. */
  payload?: Readonly<Record<string, unknown>>;
  /** Whole unix seconds of the wall clock. */
  timestamp: number;
}

export interface Signature {
  hash: string;
  timestamp: number;
}

/** A key JavaScript treats as an array index: it is listed before every other key, numerically. */
function isArrayIndex(key: string): boolean {
  return /^(0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

/**
 * The order AdmiralCloud's signer ends up with: array-index keys first, by number; then the rest
 * by UTF-16 code units.
 *
 * @example ['b', '10', 'B', '2'].sort(compareKeys) // ['2', '10', 'B', 'b']
 */
export function compareKeys(left: string, right: string): number {
  const leftIndex = isArrayIndex(left);
  const rightIndex = isArrayIndex(right);
  if (leftIndex && rightIndex) return Number(left) - Number(right);
  if (leftIndex) return -1;
  if (rightIndex) return 1;
  if (left < right) return -1;
  return left > right ? 1 : 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (!isPlainObject(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareKeys)) sorted[key] = sortKeysDeep(value[key]);
  return sorted;
}

/**
 * The payload as it is hashed: keys sorted (see {@link compareKeys}), nested objects too, and
 * `''` when there is nothing to add.
 *
 * @example canonicalPayload({ jobId: 'a1', action: 'x' }) // '{"action":"x","jobId":"a1"}'
 */
export function canonicalPayload(payload: Readonly<Record<string, unknown>> | undefined): string {
  if (!payload || Object.keys(payload).length === 0) return '';
  return JSON.stringify(sortKeysDeep(payload));
}

/**
 * The exact text the HMAC covers.
 *
 * @example
 * stringToSign({ accessSecret, target: { version: 1, controller: 'Activity', action: 'jobResult' }, payload: { jobId: 'j1' }, timestamp: 1700000000 })
 * // 'activity\njobresult\n1700000000\n{"jobId":"j1"}'
 */
export function stringToSign(input: SignatureInput): string {
  const { target } = input;
  const base =
    target.version === 1
      ? `${target.controller.toLowerCase()}\n${target.action.toLowerCase()}`
      : // The path alone: a query string never takes part (the published client strips it).
        (target.path.split('?')[0] ?? '').toLowerCase();
  const payload = canonicalPayload(input.payload);
  return `${base}\n${input.timestamp}${payload === '' ? '' : `\n${payload}`}`;
}

/**
 * Signs one AdmiralCloud request.
 *
 * @example
 * const { hash } = signAdmiralCloudRequest({
 *   accessSecret: 'secret',
 *   target: { version: 2, path: '/v5/activity/jobResult/j1' },
 *   payload: { jobId: 'j1' },
 *   timestamp: Math.floor(Date.now() / 1000),
 * });
 */
export function signAdmiralCloudRequest(input: SignatureInput): Signature {
  const hash = createHmac('sha256', input.accessSecret).update(stringToSign(input), 'utf8').digest('hex');
  return { hash, timestamp: input.timestamp };
}

/**
 * Whole unix seconds of the *wall* clock. The server compares `x-admiralcloud-rts` with its own
 * wall clock, so a scaled local clock must never be used here.
 *
 * @example requestTimestamp() // 1718000000
 */
export function requestTimestamp(nowMs: number = Date.now()): number {
  return Math.floor(nowMs / 1000);
}
