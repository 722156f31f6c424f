import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionThrottle, parseHttpDate, retryAfterAt } from '../../lib/http/retry-after.js';
import { VendorHttpClient } from '../../lib/http/vendor-http-client.js';
import { VendorTransportError } from '../../lib/jobs/errors.js';

const now = Date.parse('2026-03-01T12:00:00.000Z');

describe('retryAfterAt', () => {
  it.each([
    ['8', now + 8_000],
    [' 120 ', now + 120_000],
    ['0', now],
    ['Sun, 01 Mar 2026 12:00:08 GMT', now + 8_000],
    ['Sunday, 01-Mar-26 12:00:30 GMT', now + 30_000],
    ['Sun Mar  1 12:01:00 2026', now + 60_000],
    // A date already past means "now", not a negative wait.
    ['Sun, 01 Mar 2026 11:00:00 GMT', now],
  ])('reads %j', (header, expected) => {
    expect(retryAfterAt(header, now)).toBe(expected);
  });

  it.each([
    '',
    '-5',
    '8.5',
    '0x10',
    '1e3',
    'soon',
    'Sun, 31 Feb 2026 12:00:00 GMT',
    'Sun, 01 Mar 2026 25:00:00 GMT',
    'Sun, 01 Mar 2026 12:00:08 CET',
    '99999999999999999999',
  ])('ignores %j', (header) => {
    expect(retryAfterAt(header, now)).toBeUndefined();
  });

  it('reads a megabyte of spaces and digits without trouble (no regex to backtrack)', () => {
    expect(parseHttpDate(`Sun,${' '.repeat(1_000_000)}01 Mar 2026 12:00:08 GMT`)).toBe(now + 8_000);
    expect(retryAfterAt('9'.repeat(1_000_000), now)).toBeUndefined();
  });
});

describe('the vendor HTTP client and Retry-After', () => {
  let server: Server;
  let baseUrl: string;
  const arrived: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      arrived.push(request.url ?? '');
      if (request.url?.startsWith('/busy')) {
        response.writeHead(429, { 'retry-after': '8' }).end('slow down');
        return;
      }
      if (request.url?.startsWith('/down')) {
        response.writeHead(503, { 'retry-after': new Date(clock + 20_000).toUTCString() }).end('maintenance');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  let clock = now;
  // One throttle per connection, as the connection's session holds it for every client.
  const throttles = new Map<string, ConnectionThrottle>();
  const throttleOf = (connection: string) => {
    const throttle = throttles.get(connection) ?? new ConnectionThrottle();
    throttles.set(connection, throttle);
    return throttle;
  };
  const client = (connection: string, maxRetryAfterSeconds?: number) =>
    new VendorHttpClient({
      vendor: 'cinegy-pcs',
      connection,
      baseUrl,
      now: () => clock,
      throttle: throttleOf(connection),
      ...(maxRetryAfterSeconds !== undefined ? { maxRetryAfterSeconds } : {}),
    });

  it('says when the vendor asked to be called again, and sends nothing on the connection before then', async () => {
    // Prepare
    clock = now;
    arrived.length = 0;
    const first = client('throttled');

    // Act
    const refused = await first.request({ url: 'busy' }).catch((error: unknown) => error);
    clock = now + 7_000;
    const tooSoon = await client('throttled')
      .request({ url: 'other-job' })
      .catch((error: unknown) => error);
    clock = now + 8_000;
    const inTime = await client('throttled').request({ url: 'other-job' });

    // Assess
    expect(refused).toBeInstanceOf(VendorTransportError);
    expect((refused as VendorTransportError).message).toBe(
      `GET ${baseUrl}busy answered 429; cinegy-pcs asked to be called again at 2026-03-01T12:00:08.000Z (Retry-After: 8 s)`,
    );
    expect((refused as VendorTransportError).context.retryAfterSeconds).toBe(8);
    expect(tooSoon).toBeInstanceOf(VendorTransportError);
    expect((tooSoon as VendorTransportError).message).toContain('not sent');
    expect((tooSoon as VendorTransportError).context.retryAfterSeconds).toBe(1);
    expect(inTime.status).toBe(200);
    expect(arrived).toEqual(['/busy', '/other-job']);
  });

  it('reads an HTTP-date on a 503 on its own clock, capped at the longest poll interval', async () => {
    // Prepare
    clock = now;

    // Act
    const refused = await client('capped', 15)
      .request({ url: 'down' })
      .catch((error: unknown) => error);

    // Assess
    expect((refused as VendorTransportError).context.retryAfterSeconds).toBe(15);
    expect(throttleOf('capped').pausedUntil(now)).toBe(now + 15_000);
    expect(throttleOf('capped').pausedUntil(now + 15_000)).toBeUndefined();
  });

  it('pauses only the connection the vendor throttled', async () => {
    // Prepare
    clock = now;
    arrived.length = 0;

    // Act
    await client('busy-one')
      .request({ url: 'busy' })
      .catch(() => undefined);
    const other = await client('quiet-one').request({ url: 'other-job' });

    // Assess
    expect(other.status).toBe(200);
    expect(throttleOf('busy-one').pausedUntil(now)).toBe(now + 8_000);
    expect(throttleOf('quiet-one').pausedUntil(now)).toBeUndefined();
  });
});
