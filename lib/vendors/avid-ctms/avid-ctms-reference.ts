import { z } from 'zod';
import { isUnderBase, normalizeBase } from '../../http/url-guard.js';
import { InvalidInputError } from '../../jobs/errors.js';
import { canonicalGuid } from '../shared/guid.js';

/**
 * CTMS command ids are UUIDs in the documentation; anything URL-path-safe of sane length is
 * accepted, so a service with other ids (a long number) can be watched too.
 */
const COMMAND_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The caller's job reference: strict, unknown fields refused. */
export const AvidCtmsReferenceSchema = z
  .object({
    // One spelling per UUID (case, braces, urn:uuid:), so one command is one job: UUIDs compare
    // so (RFC 9562), and CTMS writes them in lower case [DOC: the seed's ids].
    commandId: z
      .string()
      .transform(canonicalGuid)
      .pipe(
        z
          .string()
          .regex(
            COMMAND_ID_PATTERN,
            'commandId must be the command id CTMS returned (a UUID or number: letters, digits, ".", "_", ":", "-")',
          ),
      )
      .optional(),
    href: z
      .url({
        protocol: /^https?$/,
        message: "href must be the command's absolute _links.self URL (http or https)",
      })
      .optional(),
  })
  .strict()
  .refine((reference) => reference.commandId !== undefined || reference.href !== undefined, {
    message: "give commandId, href (the command's _links.self), or both",
  });
export type AvidCtmsReference = z.infer<typeof AvidCtmsReferenceSchema>;

/**
 * The href as jobwatch may fetch it, or `undefined`. CTMS writes its links absolute [DOC], and
 * only those under the connection's base URL are followed: a link to another host (a proxy's
 * internal name, a hostile answer) never is.
 *
 * @example fetchableHref(new URL('https://mc.example.com/'), 'https://mc.example.com/apis/commands/1') // 'https://mc.example.com/apis/commands/1'
 * @example fetchableHref(new URL('https://mc.example.com/'), '/apis/commands/1') // undefined
 */
export function fetchableHref(baseUrl: URL, href: string): string | undefined {
  if (!URL.canParse(href)) return undefined;
  const url = new URL(href);
  return isUnderBase(baseUrl, url) ? url.href : undefined;
}

/**
 * Refuses, at the moment a watch is requested, a reference whose `href` is outside the
 * connection's base URL — the poll would refuse it anyway, but only as a recurring protocol issue.
 *
 * @example checkAvidReference({ href: 'https://elsewhere/x' }, 'https://mc.example.com/') // throws InvalidInputError
 */
export function checkAvidReference(reference: AvidCtmsReference, baseUrl: string | URL): void {
  if (reference.href !== undefined && fetchableHref(normalizeBase(baseUrl), reference.href) === undefined) {
    throw new InvalidInputError(
      "Invalid avid-ctms job reference: href is outside the connection's base URL",
      ["job.href: must be under the connection's base URL; jobwatch fetches nothing else"],
    );
  }
}
