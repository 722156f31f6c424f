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
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

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
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script>
    window.addEventListener('load', () => {
      window.ui = SwaggerUIBundle({
        url: '/openapi.json',
        dom_id: '#api-docs',
        presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
        layout: 'StandaloneLayout',
      });
    });
  </script>
</body>
</html>
`;
