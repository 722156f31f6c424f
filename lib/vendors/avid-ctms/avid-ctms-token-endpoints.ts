import { JobwatchError } from '../../jobs/errors.js';
import type { AdapterContext } from '../vendor-adapter.js';
import { linksOf, safeUrlUnder } from './avid-ctms-links.js';
import { AuthEntrySchema, type AvidCtmsOptions } from './avid-ctms-schema.js';

/** Which OAuth2 grant the connection's credentials call for. */
export type TokenGrant = 'client_credentials' | 'password';

interface FoundLink {
  rel: string;
  href: string;
  name?: string;
}

/**
 * The token endpoints worth trying for a grant, best first, all under the base URL. Read from the
 * links of `GET {base}/auth` [DOC] (and of the resources it embeds), and from its
 * `auth:identity-providers` resource when `/auth` itself names no endpoint for the grant — that is
 * where MediaCentral lists its `auth:ropc-<provider>` links. The configured paths come after what
 * CTMS advertises; a ROPC link is the last resort for client credentials, because a CTMS that
 * advertises one token link may well take both grants there [INF].
 *
 * Never fails for a missing, unreadable or silent `/auth`: the configured paths remain.
 *
 * @example const [first] = await tokenEndpointCandidates(context, 'client_credentials');
 */
export async function tokenEndpointCandidates(
  context: AdapterContext<AvidCtmsOptions>,
  grant: TokenGrant,
): Promise<string[]> {
  const entry = await readLinks(context, context.options.authPath);
  let links = entry.links;
  if (!links.some((link) => scoreFor(grant, link) >= 2)) {
    const providers = linksOf(entry.raw, 'auth:identity-providers')[0];
    const providersUrl = providers && safeUrlUnder(context.http.baseUrl, providers.href, entry.url);
    if (providersUrl) links = [...links, ...(await readLinks(context, providersUrl)).links];
  }
  const advertised = links
    .map((link, order) => ({ link, order, score: scoreFor(grant, link) }))
    .filter((candidate) => candidate.score > 0)
    .sort((left, right) => right.score - left.score || left.order - right.order);
  const configured = grant === 'password' ? context.options.ropcPath : context.options.tokenPath;
  const ordered = [
    ...advertised.filter((candidate) => candidate.score >= 1).map((candidate) => candidate.link.href),
    context.http.resolve(configured).href,
    ...advertised.filter((candidate) => candidate.score < 1).map((candidate) => candidate.link.href),
  ];
  return [...new Set(ordered)];
}

/**
 * How well a link fits a grant: 3 names the grant, 2 another token-issuing relation, below 1 only
 * a last resort; 0 not a token endpoint. `auth:token` → `…/tokens/current` describes the current
 * token and issues none.
 */
function scoreFor(grant: TokenGrant, link: FoundLink): number {
  const text = `${link.rel} ${link.name ?? ''} ${link.href}`.toLowerCase();
  const describesCurrent = link.name === 'current' || /\/current\/?$/.test(link.href);
  if (describesCurrent) return 0;
  const clientCredentials = /client[-_]?credentials/.test(text);
  const ropc = /ropc|password/.test(text);
  if (grant === 'client_credentials') {
    if (clientCredentials) return 3;
    if (ropc) return 0.5;
  } else {
    if (ropc) return 3;
    if (clientCredentials) return 0;
  }
  return /token/.test(link.rel.toLowerCase()) ? 2 : 0;
}

/** Every link of a HAL resource and of the resources in its `_embedded`, resolved and safe. */
async function readLinks(
  context: AdapterContext<AvidCtmsOptions>,
  url: string,
): Promise<{ links: FoundLink[]; raw: Record<string, unknown> | undefined; url: URL }> {
  const fallbackUrl = context.http.resolve(url);
  let body: unknown;
  let documentUrl = fallbackUrl;
  try {
    const answer = await context.http.requestJson({ url });
    if (answer.status < 200 || answer.status >= 300) return { links: [], raw: undefined, url: fallbackUrl };
    body = answer.body;
    documentUrl = answer.response.url;
  } catch (error) {
    // Discovery is a courtesy: whatever is wrong with /auth (down, refused, HTML), the configured
    // paths are still worth a try, and the token request reports its own trouble.
    if (error instanceof JobwatchError) return { links: [], raw: undefined, url: fallbackUrl };
    throw error;
  }
  const entry = AuthEntrySchema.safeParse(body).data;
  const raw = entry?._links ?? undefined;
  const found: FoundLink[] = [];
  const collect = (links: Record<string, unknown> | null | undefined) => {
    for (const rel of Object.keys(links ?? {})) {
      if (rel === 'curies' || rel === 'self') continue;
      for (const link of linksOf(links, rel)) {
        const href = safeUrlUnder(context.http.baseUrl, link.href, documentUrl);
        if (href) found.push({ rel, href, ...(link.name ? { name: link.name } : {}) });
      }
    }
  };
  collect(raw);
  for (const embedded of Object.values(entry?._embedded ?? {})) {
    for (const resource of Array.isArray(embedded) ? embedded : [embedded]) {
      collect(AuthEntrySchema.safeParse(resource).data?._links);
    }
  }
  return { links: found, raw, url: documentUrl };
}
