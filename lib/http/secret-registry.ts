/**
 * The secrets of one connection: the values the operator configured (passwords, keys, client
 * secrets) and every secret an adapter obtains or builds from them while it talks to the vendor
 * (OAuth access and refresh tokens, session ids, Basic header values, request signatures).
 *
 * Anything an adapter observes passes through {@link SecretRegistry.redact} (or
 * {@link SecretRegistry.redactDeep}) before it is stored, published, logged or answered, because
 * a vendor may echo what it was sent — in an error page, and just as well in a successful answer.
 *
 * Redaction is plain substring search, never a regex built from a secret: linear in the text for
 * each form of each secret, whatever the secret contains. Each secret is searched in the forms a
 * vendor could echo it in: as sent, URL-encoded (`%2B`, and `+` for spaces as forms write it),
 * base64 and base64url, JSON-escaped and XML-escaped.
 *
 * @example
 * const secrets = new SecretRegistry();
 * secrets.add(accessToken); // the moment the token endpoint issued it
 * secrets.redact(`token ${accessToken} expired`); // 'token [REDACTED] expired'
 */
export class SecretRegistry {
  private configured: string[] = [];
  /** Insertion-ordered: the oldest derived secret is forgotten first (see {@link MAX_DERIVED_SECRETS}). */
  private readonly derived = new Map<string, string[]>();
  /** Every form of every secret, longest first; rebuilt lazily after a change. */
  private searched: string[] | undefined;

  /** Replaces the configured values (the connection's credentials may have been rotated). */
  setConfigured(values: Iterable<string>): void {
    const next = [...new Set([...values].filter(isRedactable))];
    if (
      next.length === this.configured.length &&
      next.every((value, index) => value === this.configured[index])
    ) {
      return;
    }
    this.configured = next;
    this.searched = undefined;
  }

  /**
   * Registers a secret the adapter obtained or built (a token, a session id, a signature). Call it
   * the moment the value exists, before it is sent or stored anywhere. Values too short to redact
   * without shredding ordinary text (under {@link MIN_SECRET_LENGTH}) are ignored.
   */
  add(value: string | null | undefined): void {
    if (typeof value !== 'string' || !isRedactable(value)) return;
    const known = this.derived.get(value);
    if (known) {
      // Still in use: move it to the young end so churn of other values cannot evict it.
      this.derived.delete(value);
      this.derived.set(value, known);
      return;
    }
    this.derived.set(value, formsOf(value));
    while (this.derived.size > MAX_DERIVED_SECRETS) {
      const oldest = this.derived.keys().next().value;
      if (oldest === undefined) break;
      this.derived.delete(oldest);
    }
    this.searched = undefined;
  }

  /** How many secrets are known (configured and derived), not counting their forms. */
  get size(): number {
    return this.configured.length + this.derived.size;
  }

  /** The text with every form of every known secret replaced by `[REDACTED]`. */
  redact(text: string): string {
    let result = text;
    for (const form of this.forms()) {
      if (result.includes(form)) result = result.split(form).join(REDACTED);
    }
    return result;
  }

  /**
   * A copy of a JSON-like value (an observation, details, an error) with every string, object
   * keys included, redacted. Values other than strings, arrays and plain objects are kept as is.
   */
  redactDeep<T>(value: T): T {
    if (this.forms().length === 0) return value;
    return this.redactValue(value) as T;
  }

  private redactValue(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item));
    if (isPlainObject(value)) {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) copy[this.redact(key)] = this.redactValue(item);
      return copy;
    }
    return value;
  }

  private forms(): string[] {
    if (!this.searched) {
      const all = new Set<string>();
      for (const value of this.configured) for (const form of formsOf(value)) all.add(form);
      for (const forms of this.derived.values()) for (const form of forms) all.add(form);
      // Longest first: a secret that contains another is replaced whole.
      this.searched = [...all].sort((left, right) => right.length - left.length);
    }
    return this.searched;
  }
}

export const REDACTED = '[REDACTED]';
/** Shorter values are not redacted: replacing "ops" or "1" everywhere would shred ordinary text. */
export const MIN_SECRET_LENGTH = 4;
/**
 * Derived secrets kept per connection. Tokens and sessions are few; AdmiralCloud signs every
 * request anew, and a signature is worth hiding only for the seconds it is valid.
 */
export const MAX_DERIVED_SECRETS = 64;

function isRedactable(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * The forms a vendor could echo a secret in. Base64 forms are those of the secret alone, which is
 * what a vendor that encodes an echoed value produces; the base64 of `user:password` is a secret of
 * its own (the Basic header value) and is registered as such.
 *
 * @example formsOf('a b+c') // ['a b+c', 'a%20b%2Bc', 'a+b%2Bc', 'YSBiK2M=', 'YSBiK2M', ...]
 */
export function formsOf(secret: string): string[] {
  const forms = new Set<string>([secret]);
  forms.add(encodeURIComponent(secret));
  forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  forms.add(base64);
  // Unpadded: base64 pads with at most two '='.
  let end = base64.length;
  while (end > 0 && base64[end - 1] === '=') end -= 1;
  forms.add(base64.slice(0, end));
  forms.add(Buffer.from(secret, 'utf8').toString('base64url'));
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(
    secret
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .replaceAll("'", '&apos;'),
  );
  return [...forms].filter(isRedactable);
}
