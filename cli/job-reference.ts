import { UsageError } from './errors.js';

/** Keys that would reach an object's prototype instead of the object when nested by path. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Reads a vendor job reference from the command line: either one JSON object argument, or
 * `key=value` pairs where dotted keys nest (`metadata.src.name=x`) and values that look like JSON
 * are parsed as JSON. The vendor's adapter validates the fields; this only builds the object.
 *
 * A bare number is kept as a number only when it reads back identically (`42`), so ids such as
 * `00123` or `1e5` stay strings; quote a value (`id='"42"'`) to force a string.
 *
 * @example parseJobReference(['commandId=c296', 'metadata.priority=5'])
 * // { commandId: 'c296', metadata: { priority: 5 } }
 * @throws UsageError when an argument is neither a pair nor a JSON object, or pairs collide.
 */
export function parseJobReference(args: readonly string[]): Record<string, unknown> {
  if (args.length === 0)
    throw new UsageError('a job reference is required (key=value pairs or one JSON object)');
  const [first] = args;
  if (first?.trimStart().startsWith('{')) {
    if (args.length > 1) {
      throw new UsageError(
        'give the job reference either as one JSON object or as key=value pairs, not both',
      );
    }
    return parseJsonObject(first);
  }
  const reference: Record<string, unknown> = {};
  for (const arg of args) {
    const separator = arg.indexOf('=');
    if (separator <= 0) {
      throw new UsageError(`"${arg}" is not a key=value pair (example: commandId=c296e0f1)`);
    }
    const key = arg.slice(0, separator);
    setPath(reference, key, parseValue(key, arg.slice(separator + 1)));
  }
  return reference;
}

function parseJsonObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the job reference is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!isPlainObject(parsed)) throw new UsageError('the job reference must be a JSON object');
  return parsed;
}

/**
 * JSON when the value clearly means JSON (an object, array, quoted string, true/false/null, a
 * plain number); the raw text otherwise. A value wrapped like an object or array (`{…}`, `[…]`)
 * that does not parse is refused rather than silently passed on as a string: it is almost always
 * a typo. Text that merely starts with a bracket (`[draft] cut`) stays text.
 */
function parseValue(key: string, raw: string): unknown {
  const trimmed = raw.trim();
  const looksStructured =
    (trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'));
  const looksQuoted = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"');
  if (looksStructured || looksQuoted) {
    try {
      return JSON.parse(trimmed);
    } catch (error) {
      throw new UsageError(
        `the value of ${key} looks like JSON but is not valid: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) {
    const number = Number(trimmed);
    if (Number.isFinite(number) && String(number) === trimmed) return number;
  }
  return raw;
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const segments = key.split('.');
  if (segments.some((segment) => segment === '')) {
    throw new UsageError(`"${key}" is not a valid key: empty segment between dots`);
  }
  const forbidden = segments.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (forbidden) throw new UsageError(`"${key}" is not a valid key: "${forbidden}" is reserved`);
  let node = target;
  segments.forEach((segment, index) => {
    const path = segments.slice(0, index + 1).join('.');
    const isLast = index === segments.length - 1;
    const existing = Object.hasOwn(node, segment) ? node[segment] : undefined;
    if (isLast) {
      if (existing !== undefined) throw new UsageError(`${path} is given twice`);
      node[segment] = value;
      return;
    }
    if (existing === undefined) {
      const child: Record<string, unknown> = {};
      node[segment] = child;
      node = child;
    } else if (isPlainObject(existing)) {
      node = existing;
    } else {
      throw new UsageError(`${path} is given both as a value and as an object (${key})`);
    }
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
