/**
 * A job's result can be large (a batch's processed list) and can hold secrets (createUpload's
 * result carries temporary S3 credentials [CODE]). A snapshot keeps only its outline: top-level
 * keys, array lengths, and short top-level values whose key does not look secret. Nothing nested
 * is ever copied.
 */

const MAX_KEYS = 20;
const MAX_VALUE_LENGTH = 120;
const SECRET_LOOKING = /secret|token|password|passwd|credential|key|signature|auth|session|cookie/i;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function byteLength(value: unknown): number | undefined {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return undefined;
  }
}

/**
 * The outline of a jobResult.
 *
 * @example
 * summarizeJobResult({ processed: [{ id: 1 }], region: 'eu-central-1' }, (text) => text)
 * // { type: 'object', bytes: 48, keyCount: 2, keys: ['processed', 'region'], arrayLengths: { processed: 1 }, values: { region: 'eu-central-1' } }
 */
export function summarizeJobResult(
  result: unknown,
  clean: (text: string) => string,
): Record<string, unknown> {
  const bytes = byteLength(result);
  if (Array.isArray(result)) return { type: 'array', bytes, length: result.length };
  if (!isPlainObject(result)) {
    const value = typeof result === 'string' ? clean(result.slice(0, MAX_VALUE_LENGTH)) : result;
    return { type: typeof result, bytes, value };
  }
  const keys = Object.keys(result);
  const arrayLengths: Record<string, number> = {};
  const values: Record<string, unknown> = {};
  for (const key of keys.slice(0, MAX_KEYS)) {
    const value = result[key];
    if (Array.isArray(value)) {
      arrayLengths[key] = value.length;
      continue;
    }
    if (SECRET_LOOKING.test(key)) continue;
    if (typeof value === 'number' || typeof value === 'boolean') values[key] = value;
    if (typeof value === 'string' && value.length <= MAX_VALUE_LENGTH) values[key] = clean(value);
  }
  const summary: Record<string, unknown> = {
    type: 'object',
    bytes,
    keyCount: keys.length,
    keys: keys.slice(0, MAX_KEYS).map((key) => key.slice(0, 60)),
  };
  if (Object.keys(arrayLengths).length > 0) summary.arrayLengths = arrayLengths;
  if (Object.keys(values).length > 0) summary.values = values;
  return summary;
}
