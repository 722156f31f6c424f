import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../lib/api/route-table.js';
import type { PublicJob } from '../../lib/jobs/job.js';
import { stayIn } from '../../local/simulators/avid-ctms/index.js';
import { type AvidStack, startAvidStack } from '../support/avid-stack.js';
import { waitUntil } from '../support/wait.js';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: string[];
}

/** The HTTP API over real HTTP, against the local stack (dynalite behind it). */
describe('the HTTP API', () => {
  let env: AvidStack;
  beforeAll(async () => {
    env = await startAvidStack();
  });
  afterAll(async () => {
    await env.close();
  });

  /** A command that stays pending, so jobs keep a stable status while we list them. */
  const pendingCommand = () => env.simulator.createCommand({ steps: stayIn('pending') });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    env.api<unknown>(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('starts a watch with 202 and a Location, and answers a repeat with 200 and the same job', async () => {
    const job = pendingCommand();

    const first = await env.watch(job);
    const again = await env.watch(job);

    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      connection: 'avid',
      vendor: 'avid-ctms',
      status: 'UNKNOWN',
      version: 1,
    });
    expect(again.status).toBe(200);
    expect(again.body.jobId).toBe(first.body.jobId);
    const location = (
      await fetch(`${env.stack.apiUrl}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ connection: 'avid', job }),
      })
    ).headers.get('location');
    expect(location).toBe(`/jobs/${first.body.jobId}`);
  });

  /** Waits until the first poll has stored the vendor's status, so the job stops moving. */
  const settled = (jobId: string) =>
    waitUntil(async () => (await env.api<PublicJob>(`/jobs/${jobId}`)).body.status === 'QUEUED');

  it('takes an idempotency key from the body or the Idempotency-Key header, and refuses its reuse for another job with 409', async () => {
    const first = pendingCommand();
    const second = pendingCommand();

    const keyed = await env.watch(first, { idempotencyKey: 'order-4711' });
    const repeated = await post(
      '/jobs',
      { connection: 'avid', job: first },
      { 'idempotency-key': 'order-4711' },
    );
    const conflicting = await post(
      '/jobs',
      { connection: 'avid', job: second },
      { 'idempotency-key': 'order-4711' },
    );

    expect(keyed.status).toBe(202);
    expect(repeated.status).toBe(200);
    expect((repeated.body as PublicJob).jobId).toBe(keyed.body.jobId);
    expect(conflicting.status).toBe(409);
    expect(conflicting.body as Problem).toMatchObject({ type: 'urn:jobwatch:problem:idempotency-conflict' });
  });

  it('gets a job, with an ETag that answers 304 while nothing changed and a Retry-After while it runs', async () => {
    const { body } = await env.watch(pendingCommand());
    await settled(body.jobId);

    // The ETag names the version and the poll count, so a poll between the two requests makes
    // a new one (and a 200): asked again until a pair sees the same polls, each 200 a new ETag.
    let first = await env.api<PublicJob>(`/jobs/${body.jobId}`);
    let etag = first.headers.get('etag') ?? '';
    let revalidated = await fetch(`${env.stack.apiUrl}/jobs/${body.jobId}`, {
      headers: { 'if-none-match': etag },
    });
    for (let tries = 0; revalidated.status === 200 && tries < 20; tries += 1) {
      expect(revalidated.headers.get('etag')).not.toBe(etag);
      first = await env.api<PublicJob>(`/jobs/${body.jobId}`);
      etag = first.headers.get('etag') ?? '';
      revalidated = await fetch(`${env.stack.apiUrl}/jobs/${body.jobId}`, {
        headers: { 'if-none-match': etag },
      });
    }
    const stale = await fetch(`${env.stack.apiUrl}/jobs/${body.jobId}`, {
      headers: { 'if-none-match': '"jw-other.v1"' },
    });

    expect(first.status).toBe(200);
    expect(first.body.jobId).toBe(body.jobId);
    expect(etag).toMatch(/^".+\.v\d+\.p\d+"$/);
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(etag);
    expect(stale.status).toBe(200);
  });

  it('lists jobs newest first with filters, across pages, without duplicates or gaps', async () => {
    const started: string[] = [];
    for (let index = 0; index < 7; index += 1) started.push((await env.watch(pendingCommand())).body.jobId);
    // A job that changes while someone pages moves to the top (ordered by updatedAt): let them settle.
    for (const jobId of started) await settled(jobId);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({ connection: 'avid', limit: '3', ...(cursor ? { cursor } : {}) });
      const { status, body } = await env.api<{ items: PublicJob[]; next?: string }>(`/jobs?${query}`);
      expect(status).toBe(200);
      seen.push(...body.items.map((job) => job.jobId));
      const updated = body.items.map((job) => job.updatedAt);
      expect([...updated].sort().reverse()).toEqual(updated);
      cursor = body.next;
      pages += 1;
    } while (cursor && pages < 50);

    expect(new Set(seen).size).toBe(seen.length);
    for (const jobId of started) expect(seen).toContain(jobId);
    const byVendor = await env.api<{ items: PublicJob[] }>('/jobs?vendor=avid-ctms&limit=100');
    expect(byVendor.body.items.every((job) => job.vendor === 'avid-ctms')).toBe(true);
    const byStatus = await env.api<{ items: PublicJob[] }>('/jobs?status=queued,unknown&limit=100');
    expect(byStatus.body.items.every((job) => ['QUEUED', 'UNKNOWN'].includes(job.status))).toBe(true);
    const none = await env.api<{ items: PublicJob[] }>('/jobs?connection=nobody');
    expect(none.body.items).toEqual([]);
  });

  it('refuses a cursor that was tampered with or belongs to another query', async () => {
    for (let index = 0; index < 3; index += 1) await env.watch(pendingCommand());
    const { body } = await env.api<{ next?: string }>('/jobs?connection=avid&limit=1');
    const cursor = body.next ?? '';

    const reused = await env.api<Problem>(
      `/jobs?vendor=avid-ctms&limit=1&cursor=${encodeURIComponent(cursor)}`,
    );
    const forged = await env.api<Problem>(
      `/jobs?connection=avid&limit=1&cursor=${encodeURIComponent(`${cursor.slice(0, -2)}xx`)}`,
    );

    expect(cursor).not.toBe('');
    expect(reused.status).toBe(400);
    expect(reused.body.type).toBe('urn:jobwatch:problem:invalid-request');
    expect(forged.status).toBe(400);
  });

  it('returns the history oldest first', async () => {
    const { body } = await env.watch(env.simulator.createCommand());
    await env.stack.runner.waitFor(body.jobId);

    const history = await env.api<{ items: PublicJob[] }>(`/jobs/${body.jobId}/history`);

    expect(history.status).toBe(200);
    expect(history.body.items[0]?.version).toBe(1);
    expect(history.body.items.at(-1)?.status).toBe('SUCCEEDED');
  });

  describe('bad requests get a problem document that says what is wrong', () => {
    it.each([
      ['a missing connection', { job: { commandId: 'x' } }, 'connection'],
      ['an unknown field', { connection: 'avid', job: { commandId: 'x' }, priority: 1 }, 'priority'],
      ['a bad vendor reference', { connection: 'avid', job: { commandId: 42 } }, 'job.commandId'],
      ['a bad deadline', { connection: 'avid', job: { commandId: 'c-1' }, deadline: 'whenever' }, 'duration'],
    ])('400 for %s', async (_name, body, mentioned) => {
      const response = await post('/jobs', body);

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body as Problem).toMatchObject({
        type: 'urn:jobwatch:problem:invalid-request',
        status: 400,
      });
      expect(JSON.stringify(response.body)).toContain(mentioned);
    });

    it('400 for a body that is not JSON', async () => {
      const response = await post('/jobs', '{"connection":');

      expect(response.status).toBe(400);
      expect((response.body as Problem).detail).toContain('not valid JSON');
    });

    it('refuses an unknown connection: callers cannot bring their own URL', async () => {
      const response = await post('/jobs', { connection: 'https://evil.example/', job: { commandId: 'x' } });

      expect(response.status).toBe(400);
      expect(response.body as Problem).toMatchObject({ type: 'urn:jobwatch:problem:unknown-connection' });
    });

    it('refuses an href outside the connection before watching anything', async () => {
      const response = await post('/jobs', {
        connection: 'avid',
        job: { href: 'http://169.254.169.254/latest/meta-data' },
      });

      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body)).toContain('base URL');
    });

    it('413 for an oversized body', async () => {
      const response = await post('/jobs', {
        connection: 'avid',
        job: { commandId: 'x' },
        padding: 'x'.repeat(100_000),
      });

      expect(response.status).toBe(413);
      expect(response.body as Problem).toMatchObject({ type: 'urn:jobwatch:problem:payload-too-large' });
    });

    it('404 for an unknown job, its history, and an unknown route', async () => {
      const job = await env.api<Problem>('/jobs/jw-00000000000000000000aa');
      const history = await env.api<Problem>('/jobs/jw-00000000000000000000aa/history');
      const route = await env.api<Problem>('/nothing-here');

      expect(job.status).toBe(404);
      expect(job.body.type).toBe('urn:jobwatch:problem:job-not-found');
      expect(history.status).toBe(404);
      expect(route.status).toBe(404);
    });

    it('400 for an unknown query parameter or a limit out of range', async () => {
      expect((await env.api<Problem>('/jobs?colour=blue')).status).toBe(400);
      expect((await env.api<Problem>('/jobs?limit=1000')).status).toBe(400);
      expect((await env.api<Problem>('/jobs?status=DONE')).status).toBe(400);
    });
  });

  it('lists connections without secrets', async () => {
    const { body } = await env.api<{ items: Array<Record<string, unknown>> }>('/connections');

    expect(body.items).toEqual([{ name: 'avid', vendor: 'avid-ctms' }]);
    expect(JSON.stringify(body)).not.toContain(env.simulator.credentials.clientSecret ?? '(none)');
  });

  it('serves an OpenAPI 3.1 document that matches the routes', async () => {
    const { status, body } = await env.api<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    }>('/openapi.json');

    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const documented = Object.entries(body.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(API_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('renders the OpenAPI document at /docs with Swagger UI, serving only its own assets', async () => {
    const page = await fetch(`${env.stack.apiUrl}/docs`);
    const html = await page.text();
    const bundle = await fetch(`${env.stack.apiUrl}/docs/swagger-ui-bundle.js`);
    const outsideAssets = await fetch(`${env.stack.apiUrl}/docs/..%2Fpackage.json`);

    const init = await (await fetch(`${env.stack.apiUrl}/docs/init.js`)).text();

    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).toContain('<script src="/docs/init.js"></script>');
    expect(html).not.toMatch(/<script>/);
    expect(init).toContain("url: '/openapi.json'");
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect(outsideAssets.status).toBe(404);
  });

  it('requires the configured bearer token on every route when one is set', async () => {
    const token = 'a-long-local-token-0123456789';
    const secured = await startAvidStack({
      config: { connections: [], api: { port: 0, token } },
    });
    try {
      const without = await fetch(`${secured.stack.apiUrl}/jobs`);
      const wrong = await fetch(`${secured.stack.apiUrl}/health`, {
        headers: { authorization: 'Bearer nope' },
      });
      const right = await fetch(`${secured.stack.apiUrl}/health`, {
        headers: { authorization: `Bearer ${token}` },
      });

      expect(without.status).toBe(401);
      expect(without.headers.get('content-type')).toContain('application/problem+json');
      expect(wrong.status).toBe(401);
      expect(right.status).toBe(200);
    } finally {
      await secured.close();
    }
  });

  it('answers health', async () => {
    expect((await env.api<{ status: string }>('/health')).body).toEqual({ status: 'ok' });
  });
});
