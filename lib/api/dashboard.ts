import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * The dashboard's files: the page, its modules and stylesheet (lib/api/pages/), and uPlot's
 * prebuilt script and stylesheet (the uplot package's dist/). Only these names are ever served:
 * a request path is looked up in this table, never joined onto a directory.
 */
export const DASHBOARD_FILES = {
  'index.html': { contentType: 'text/html; charset=utf-8', from: 'pages' },
  'dashboard.css': { contentType: 'text/css; charset=utf-8', from: 'pages' },
  'app.js': { contentType: 'text/javascript; charset=utf-8', from: 'pages' },
  'api.js': { contentType: 'text/javascript; charset=utf-8', from: 'pages' },
  'dom.js': { contentType: 'text/javascript; charset=utf-8', from: 'pages' },
  'format.js': { contentType: 'text/javascript; charset=utf-8', from: 'pages' },
  'list-view.js': { contentType: 'text/javascript; charset=utf-8', from: 'pages' },
  'job-view.js': { contentType: 'text/javascript; charset=utf-8', from: 'pages' },
  'uPlot.iife.min.js': { contentType: 'text/javascript; charset=utf-8', from: 'uplot' },
  'uPlot.min.css': { contentType: 'text/css; charset=utf-8', from: 'uplot' },
} as const;

export type DashboardFile = keyof typeof DASHBOARD_FILES;

/** Where the assets live under the API's root: `/` is the page, `/ui/<file>` the rest. */
export const DASHBOARD_ASSET_PREFIX = '/ui/';

/**
 * The page allows nothing but this origin's own files: no inline script or style, no other
 * origin, no frames, no plugins, no form posts. Vendor messages are hostile input; even if one
 * reached the DOM as markup, it could neither run nor load anything.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The dashboard file a request path names, else undefined (not the dashboard's to answer).
 *
 * @example dashboardFileFor('/') // 'index.html'
 * @example dashboardFileFor('/ui/../package.json') // undefined
 */
export function dashboardFileFor(pathname: string): DashboardFile | undefined {
  if (pathname === '/' || pathname === '/index.html') return 'index.html';
  if (!pathname.startsWith(DASHBOARD_ASSET_PREFIX)) return undefined;
  const name = pathname.slice(DASHBOARD_ASSET_PREFIX.length);
  return Object.hasOwn(DASHBOARD_FILES, name) && name !== 'index.html' ? (name as DashboardFile) : undefined;
}

/** Every path the dashboard answers, for a router that lists paths. */
export const DASHBOARD_PATHS: readonly string[] = [
  '/',
  ...Object.keys(DASHBOARD_FILES)
    .filter((name) => name !== 'index.html')
    .map((name) => `${DASHBOARD_ASSET_PREFIX}${name}`),
];

/** The headers every dashboard file is served with. */
export function dashboardHeaders(file: DashboardFile): Record<string, string> {
  return {
    'content-type': DASHBOARD_FILES[file].contentType,
    'x-content-type-options': 'nosniff',
    'content-security-policy': DASHBOARD_CSP,
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    // The files change with each deploy and are small: revalidate rather than serve stale code.
    'cache-control': 'no-cache',
  };
}

/** A dashboard file as an API Gateway proxy result (text: every file is UTF-8). */
export function dashboardResult(file: DashboardFile, body: string): APIGatewayProxyResult {
  return { statusCode: 200, headers: dashboardHeaders(file), body };
}
