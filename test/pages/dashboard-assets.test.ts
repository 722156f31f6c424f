import { readFile } from 'node:fs/promises';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api.js';
import { DASHBOARD_CSP, DASHBOARD_FILES, type DashboardFile } from '../../lib/api/dashboard.js';
import {
  EMBED_COMMAND,
  EMBEDDED_MODULE,
  readDashboardFile,
  renderEmbeddedModule,
} from '../../lib/api/dashboard-files.js';
import { LocalApiServer } from '../../local/api-server.js';

const FILES = Object.keys(DASHBOARD_FILES) as DashboardFile[];
const pathOf = (file: DashboardFile) => (file === 'index.html' ? '/' : `/ui/${file}`);

/** The API function as deployed; the dashboard's routes never reach the services. */
const deployed = createApiHandler(() => Promise.reject(new Error('no services in this test')));
/** The REST API proxy event API Gateway sends the function for a request on stage v1. */
const proxyEvent = (method: string, path: string) =>
  ({
    httpMethod: method,
    path,
    resource: '/{proxy+}',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { path: `/v1${path}`, stage: 'v1', identity: {}, authorizer: null },
  }) as unknown as APIGatewayProxyEvent;
const context = {
  functionName: 'api',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 29_000,
} as Context;
const invoke = (method: string, path: string) =>
  deployed(proxyEvent(method, path), context) as Promise<APIGatewayProxyResult>;

/** Paths that try to reach something other than the listed files. */
const OUTSIDE = [
  '/ui/../package.json',
  '/ui/..%2Fpackage.json',
  '/ui/%2e%2e/%2e%2e/package.json',
  '/ui/..%5Cpackage.json',
  '/ui/dashboard.ts',
  '/ui/dashboard-files.ts',
  '/ui/pages/app.js',
  '/ui/../../lib/api/dashboard.ts',
  '/ui//etc/passwd',
  '/ui/%2Fetc%2Fpasswd',
  '/ui/app.js%00.html',
  '/ui/APP.JS',
  '/ui/index.html',
  '/ui/',
  '/ui',
  '/ui/uPlot.esm.js',
  '/ui/package.json',
  '/ui/__proto__',
  '/ui/constructor',
  '/ui/toString',
  '/ui/hasOwnProperty',
];

describe('the dashboard files', () => {
  let local: LocalApiServer;
  beforeAll(async () => {
    local = new LocalApiServer({ handler: deployed as never });
    await local.start();
  });
  afterAll(async () => {
    await local.close();
  });

  it('are served locally with their content type, nosniff and a same-origin-only CSP', async () => {
    for (const file of FILES) {
      const response = await fetch(`${local.url}${pathOf(file)}`);

      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type'), file).toBe(DASHBOARD_FILES[file].contentType);
      expect(response.headers.get('x-content-type-options'), file).toBe('nosniff');
      expect(response.headers.get('content-security-policy'), file).toBe(DASHBOARD_CSP);
      expect(await response.text(), file).toBe(await readDashboardFile(file));
    }
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).toContain("default-src 'none'");
    expect(DASHBOARD_CSP).not.toContain('unsafe-inline');
  });

  it('include uPlot from its package, not a copy of our own', async () => {
    const response = await fetch(`${local.url}/ui/uPlot.iife.min.js`);
    const packaged = await readFile(
      new URL('../../node_modules/uplot/dist/uPlot.iife.min.js', import.meta.url),
      'utf8',
    );

    expect(await response.text()).toBe(packaged);
  });

  it('are the only files served: traversal, encodings and other names are 404s, locally and deployed', async () => {
    for (const path of OUTSIDE) {
      const response = await fetch(`${local.url}${path}`);
      const body = await response.text();
      const answer = await invoke('GET', path);

      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toContain('application/problem+json');
      expect(body, path).not.toContain('"name": "jobwatch"');
      expect(answer.statusCode, path).toBe(404);
    }
  });

  it('are served by the deployed function from its embedded copies, byte for byte and with the same headers', async () => {
    for (const file of FILES) {
      const answer = await invoke('GET', pathOf(file));

      expect(answer.statusCode, file).toBe(200);
      expect(answer.headers?.['content-type'], file).toBe(DASHBOARD_FILES[file].contentType);
      expect(answer.headers?.['x-content-type-options'], file).toBe('nosniff');
      expect(answer.headers?.['content-security-policy'], file).toBe(DASHBOARD_CSP);
      expect(answer.isBase64Encoded ?? false, file).toBe(false);
      expect(answer.body, file).toBe(await readDashboardFile(file));
    }
  });

  it('answer other methods on their paths with 405 and Allow: GET (deployed)', async () => {
    const answer = await invoke('POST', '/');
    const asset = await invoke('DELETE', '/ui/app.js');

    expect(answer.statusCode).toBe(405);
    expect(answer.headers?.allow).toBe('GET');
    expect(asset.statusCode).toBe(405);
  });

  it('embedded in the function are the files as they are now', async () => {
    const embedded = await readFile(EMBEDDED_MODULE, 'utf8');

    expect(
      embedded === (await renderEmbeddedModule()),
      `stale embedded copies: run \`${EMBED_COMMAND}\``,
    ).toBe(true);
  });

  it('never put job data into markup: no innerHTML, outerHTML, insertAdjacentHTML or document.write', async () => {
    for (const file of FILES.filter(
      (name) => DASHBOARD_FILES[name].from === 'pages' && name.endsWith('.js'),
    )) {
      const source = await readDashboardFile(file);

      expect(source, file).not.toMatch(
        /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function/,
      );
    }
  });
});

describe('the dashboard in the deployed artifact', () => {
  it('is served by the synthesized, bundled API function from its embedded copies', async () => {
    // The bundle as `cdk synth` builds it, run in a Lambda-like worker: no file of the
    // repository or node_modules is there to read, so what it serves came inside it.
    const { startAvidStack } = await import('../support/avid-stack.js');
    const env = await startAvidStack({ functions: 'bundled' });
    try {
      const handler = env.stack.bundled?.handler('api', 'sync');
      if (!handler) throw new Error('The stack runs no bundled api function');
      for (const file of ['index.html', 'app.js', 'uPlot.iife.min.js'] as const) {
        const answer = (await (handler as unknown as (event: unknown, context: unknown) => Promise<unknown>)(
          proxyEvent('GET', pathOf(file)),
          context,
        )) as APIGatewayProxyResult;

        expect(answer.statusCode, file).toBe(200);
        expect(answer.headers?.['content-security-policy'], file).toBe(DASHBOARD_CSP);
        expect(answer.body, file).toBe(await readDashboardFile(file));
      }
    } finally {
      await env.close();
    }
  }, 180_000);
});
