/** A GUID written 8-4-4-4-12 hex digits (.NET's "D" form, RFC 9562's text form). Fixed length: linear. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One spelling per GUID, so one vendor job is one jobwatch job: GUIDs are case-insensitive
 * (RFC 9562 §4; .NET's `Guid.Parse` also takes the `{…}` "B" and `(…)` "P" forms), and a
 * `urn:uuid:` prefix names the same id. Lower case without braces is how PCS and CTMS write
 * their own ids. Anything that is not a GUID (a long numeric CTMS id, a name) is only trimmed.
 *
 * @example canonicalGuid('{7B30672E-6A83-4559-9B0C-D2454FA7BAB7}') // '7b30672e-6a83-4559-9b0c-d2454fa7bab7'
 * @example canonicalGuid(' 2222498676990702465 ') // '2222498676990702465'
 */
export function canonicalGuid(id: string): string {
  const trimmed = id.trim();
  const bare = trimmed.toLowerCase().startsWith('urn:uuid:') ? trimmed.slice('urn:uuid:'.length) : trimmed;
  const wrapped =
    (bare.startsWith('{') && bare.endsWith('}')) || (bare.startsWith('(') && bare.endsWith(')'));
  const inner = wrapped ? bare.slice(1, -1) : bare;
  return GUID.test(inner) ? inner.toLowerCase() : trimmed;
}
