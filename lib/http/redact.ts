import { formsOf, MIN_SECRET_LENGTH, REDACTED, type SecretRegistry } from './secret-registry.js';

/**
 * Removes every given secret value from a text before it reaches a log, a snapshot or an error,
 * in each form a vendor could echo it in (see {@link formsOf}). Short values (under 4 characters)
 * are left alone: redacting them would shred ordinary text. Plain substring search: linear in the
 * text whatever the secrets contain. A connection's secrets live in a {@link SecretRegistry}.
 *
 * @example redact('token abc123 refused', ['abc123']) // 'token [REDACTED] refused'
 */
export function redact(text: string, secrets: Iterable<string> | SecretRegistry): string {
  if (!(Symbol.iterator in secrets)) return secrets.redact(text);
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) for (const form of formsOf(secret)) forms.add(form);
  }
  let result = text;
  for (const form of [...forms].sort((left, right) => right.length - left.length)) {
    if (result.includes(form)) result = result.split(form).join(REDACTED);
  }
  return result;
}

/** A URL fit for messages: no query string (it may carry credentials), no user info. */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
