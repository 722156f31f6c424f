import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so equal references hash equally whatever
 * order the caller wrote them in.
 *
 * @example canonicalJson({ b: 1, a: { d: 2, c: 3 } }) // '{"a":{"c":3,"d":2},"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, field]) => field !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, field]) => [key, sortKeys(field)]),
    );
  }
  return value;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The job id of a watch: derived, not random, so the same vendor job watched twice (or a
 * hundred times at once) is one job, and its execution name dedupes the state machine runs.
 * With an idempotency key the key decides instead of the reference.
 *
 * @example deriveJobId({ connection: 'avid', reference: { commandId: 'c1' } }) // 'jw-…' (26 chars)
 */
export function deriveJobId(input: {
  connection: string;
  reference: unknown;
  idempotencyKey?: string | undefined;
}): string {
  const basis = input.idempotencyKey
    ? `key\n${input.connection}\n${input.idempotencyKey}`
    : `ref\n${input.connection}\n${canonicalJson(input.reference)}`;
  // 22 hex characters = 88 bits: collisions are not a practical concern for one table.
  return `jw-${sha256(basis).slice(0, 22)}`;
}
