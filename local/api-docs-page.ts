import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * `GET /docs` on the local API: Swagger UI rendering the served `/openapi.json`. The UI's files
 * come from the swagger-ui-dist package as they are; only the page that points it at our
 * document is ours. Local only: the deployed API serves `/openapi.json` without a page.
 */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

/**
 * Only this origin's files, as the dashboard; Swagger UI (React) sets style attributes, so
 * inline style is allowed here, inline script is not.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const assetDirectory = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export interface StaticAnswer {
  status: number;
  contentType: string;
  body: Buffer | string;
}

/** The page or one of its assets for a path under `/docs`, else undefined (not ours to answer). */
export async function apiDocsAnswer(pathname: string): Promise<StaticAnswer | undefined> {
  if (pathname === '/docs' || pathname === '/docs/') {
    return { status: 200, contentType: 'text/html; charset=utf-8', body: DOCS_PAGE };
  }
  if (pathname === '/docs/init.js') {
    return { status: 200, contentType: 'text/javascript; charset=utf-8', body: INIT_SCRIPT };
  }
  const asset = pathname.startsWith('/docs/') ? pathname.slice('/docs/'.length) : undefined;
  // Only the listed file names: a path is never joined onto the file system as given.
  const contentType = asset ? ASSETS[asset] : undefined;
  if (!asset || !contentType) return undefined;
  return { status: 200, contentType, body: await readFile(join(assetDirectory, asset)) };
}

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>jobwatch API</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="api-docs"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

/**
 * Points Swagger UI at the served document. A file rather than an inline script, so the page's
 * CSP can forbid inline script. No top bar (it would offer to load any other URL's document);
 * the routes are listed by tag, in the document's order.
 */
const INIT_SCRIPT = `window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#api-docs',
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    docExpansion: 'list',
  });
});
`;
