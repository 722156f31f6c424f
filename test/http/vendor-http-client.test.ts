import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBody, VendorHttpClient } from '../../lib/http/vendor-http-client.js';

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
