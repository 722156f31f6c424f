import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBody, VendorHttpClient } from '../../lib/http/vendor-http-client.js';
import { VendorTransportError } from '../../lib/jobs/errors.js';

/** Vendor bodies as Windows-hosted servers send them: byte order marks and legacy charsets. */
describe('the vendor HTTP client reading bodies', () => {
  let server: Server;
  let client: VendorHttpClient;
  const answers: Record<string, { contentType: string; body: Buffer }> = {
    '/bom.json': {
      contentType: 'application/json; charset=utf-8',
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"status":"DONE"}')]),
    },
    '/latin1.json': {
      contentType: 'application/json; charset=ISO-8859-1',
      body: Buffer.from('{"path":"\u00dcberwachung"}', 'latin1'),
    },
    '/declared.xml': {
      contentType: 'text/xml',
      body: Buffer.from(
        '<?xml version="1.0" encoding="windows-1252"?><path>\u00dcberwachung</path>',
        'latin1',
      ),
    },
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const answer = answers[request.url ?? ''];
      if (!answer) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': answer.contentType }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new VendorHttpClient({
      vendor: 'test',
      connection: 'test',
      baseUrl: `http://127.0.0.1:${port}/`,
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('parses JSON behind a UTF-8 byte order mark', async () => {
    expect((await client.requestJson({ url: 'bom.json' })).body).toEqual({ status: 'DONE' });
  });

  it('decodes the charset the Content-Type declares', async () => {
    expect((await client.requestJson({ url: 'latin1.json' })).body).toEqual({ path: '\u00dcberwachung' });
  });

  it('decodes the encoding an XML declaration names when the header names none', async () => {
    expect((await client.request({ url: 'declared.xml' })).text).toContain('<path>\u00dcberwachung</path>');
  });

  it('reads an unknown charset label as UTF-8 rather than failing', () => {
    expect(decodeBody(Buffer.from('{"a":"\u00e9"}'), 'application/json; charset=x-made-up')).toBe(
      '{"a":"\u00e9"}',
    );
  });
});

/** One adapter call's requests share a time budget: a poll must end before its Lambda does. */
describe('the vendor HTTP client under a time budget', () => {
  let server: Server;
  let baseUrl: string;
  const seen: string[] = [];
  const hanging = new Set<ServerResponse>();

  beforeAll(async () => {
    // Every request is answered after 400 ms, except under /hang/, which is never answered.
    server = createServer((request, response) => {
      seen.push(request.url ?? '');
      if (request.url?.startsWith('/hang/')) {
        hanging.add(response);
        return;
      }
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 400);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    for (const response of hanging) response.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const budgeted = (ms: number, timeoutMs = 5_000) =>
    new VendorHttpClient({
      vendor: 'test',
      connection: 'test',
      baseUrl,
      timeoutMs,
      budget: { name: 'poll', ms },
    });

  async function failure(action: () => Promise<unknown>): Promise<Error> {
    try {
      await action();
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a failure');
  }

  it('cuts the request that would outlast the budget short, and sends none after it', async () => {
    // Each answer takes 400 ms, each request may take 5 s, all of them together 1 s: the third
    // request (sent at ~800 ms) gets only what is left, and a fourth is never sent.
    const client = budgeted(1_000);
    seen.length = 0;

    const error = await failure(async () => {
      for (let step = 0; step < 6; step += 1) await client.request({ url: `slow/${step}` });
    });
    const after = await failure(() => client.request({ url: 'slow/after' }));

    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.message).toMatch(
      /^GET .*slow\/\d failed: .*poll time budget of 1 s spent after [23] requests$/,
    );
    expect(after).toBeInstanceOf(VendorTransportError);
    expect(after.message).toMatch(/slow\/after not sent: poll time budget of 1 s spent after [23] requests$/);
    // 400 ms per answer: no fourth request fits in 1 s, and the refused one never left.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(3);
    expect(seen).not.toContain('/slow/after');
    expect(client.requestsSent).toBe(seen.length);
  });

  it('still applies a request timeout shorter than what is left of the budget', async () => {
    const client = budgeted(10_000, 200);

    const error = await failure(() => client.request({ url: 'hang/status' }));

    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.message).toMatch(/no answer within 200 ms$/);
  });

  it('ends a hanging request when the budget runs out, well before its own timeout', async () => {
    const client = budgeted(300, 5_000);

    const error = await failure(() => client.request({ url: 'hang/cancel' }));

    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.message).toMatch(
      /no answer within the \d+ ms left; poll time budget of 0\.3 s spent after 1 request$/,
    );
  });
});
