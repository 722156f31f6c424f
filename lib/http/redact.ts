/**
 * Removes every known secret value from a text before it reaches a log, a snapshot or an error.
 * Short values (under 4 characters) are left alone: redacting them would shred ordinary text.
 *
 * @example redact('token abc123 refused', ['abc123']) // 'token [REDACTED] refused'
 */
export function redact(text: string, secrets: Iterable<string>): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    result = result.split(secret).join('[REDACTED]');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) result = result.split(encoded).join('[REDACTED]');
  }
  return result;
}

/** A URL fit for messages: no query string (it may carry credentials), no user info. */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
