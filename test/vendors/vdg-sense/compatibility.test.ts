import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VendorAuthError, VendorProtocolError, VendorTransportError } from '../../../lib/jobs/errors.js';
import { clearVdgSenseSessions, vdgSenseAdapter } from '../../../lib/vendors/vdg-sense/index.js';
import { errorOf } from '../../support/watched-job.js';
import { contextFor, fixture, manualClock, WatchedExport } from './support.js';

/**
 * What a VDG Sense written by someone else from the same documents may legitimately do, served
 * verbatim by a loopback server: the adapter must read each the way the documents mean it.
 */

interface FakeAnswer {
  status?: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string | string[]>;
}

interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

type FakeHandler = (request: FakeRequest) => FakeAnswer;

class FakeVdg {
  readonly requests: FakeRequest[] = [];
  private server: Server | undefined;

  constructor(private readonly handler: FakeHandler) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        const seen: FakeRequest = {
          method: request.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(seen);
        const answer = this.handler(seen);
        response.writeHead(answer.status ?? 200, {
          'content-type': answer.contentType ?? 'text/xml',
          ...answer.headers,
        });
        response.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const clock = manualClock();
const fakes: FakeVdg[] = [];

async function serve(handler: FakeHandler) {
  const fake = new FakeVdg(handler);
  fakes.push(fake);
  const baseUrl = await fake.start();
  return { fake, baseUrl, context: contextFor(baseUrl, {}, {}, clock) };
}

/** A fake that answers every status request with this body. */
function answering(body: string, contentType = 'text/xml', status = 200) {
  return serve(() => ({ status, body, contentType }));
}

beforeEach(() => {
  clearVdgSenseSessions();
});

afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('VDG Sense answers as another implementation may write them', () => {
  it.each([['text/xml'], ['application/xml; charset=utf-8'], ['text/html']])(
    'reads a BOM, blank lines before the declaration and mixed-case statuses served as %s',
    async (type) => {
      // Prepare
      const { context } = await answering(fixture('bom-blank-prolog.xml'), type);
      const watched = new WatchedExport({ exportId: '7' });

      // Act
      const observation = await watched.poll(context);

      // Assess
      expect(observation).toMatchObject({
        status: 'RUNNING',
        rawStatus: 'Syncing',
        progress: 50,
        details: { exportId: '7', path: 'D:\\Exports\\bom', bandwidthKbps: 800, deviceCount: 1 },
      });
    },
  );

  it('reads errorcode written as a child element, for success and for -57', async () => {
    // Prepare
    const { context: known } = await answering(fixture('errorcode-element.xml'));
    const { context: forgotten } = await answering(fixture('errorcode-element-invalid-exportid.xml'));

    // Act
    const queued = await new WatchedExport({ exportId: '7' }).poll(known);
    const lost = await new WatchedExport({ exportId: '7' }).poll(forgotten);

    // Assess
    expect(queued).toMatchObject({ status: 'QUEUED', details: { path: 'D:\\Exports\\element' } });
    expect(lost).toMatchObject({ status: 'LOST', rawStatus: 'errorcode -57' });
  });

  it('picks our export by exportid from an unfiltered list with an unquoted count', async () => {
    // Prepare
    const { context, fake } = await answering(fixture('unfiltered-three-exports.xml'));
    const watched = new WatchedExport({ exportId: 7, path: 'D:\\Exports\\ours' });

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(fake.requests[0]?.query.get('exportid')).toBe('7');
    expect(observation).toMatchObject({
      status: 'RUNNING',
      progress: 30,
      details: {
        exportId: '7',
        path: 'D:\\Exports\\ours',
        xmlRepaired: ['quoted unquoted attribute values'],
      },
    });
  });

  it('reads fields written as attributes, epoch times and "50.0" / "10%" progress', async () => {
    // Prepare
    const { context } = await answering(fixture('attributes-epoch-times.xml'));
    const watched = new WatchedExport({
      exportId: '7',
      devices: [
        {
          serverId: 'srv-0001',
          deviceId: 'cam-a',
          startTime: '2024-01-19T10:00:00Z',
          endTime: '2024-01-19T11:03:00+01:00',
        },
        {
          serverId: 'srv-0001',
          deviceId: 'cam-b',
          startTime: '2024-01-19 10:00:00.000',
          endTime: '2024-01-19 10:01:00.000',
        },
      ],
    });

    // Act
    const observation = await watched.poll(context);

    // Assess: three minutes at 50 % and one minute at 10 % weigh to 40 %.
    expect(observation).toMatchObject({
      status: 'RUNNING',
      rawStatus: 'syncing',
      progress: 40,
      details: { path: 'D:\\Exports\\A & B', bandwidthKbps: 1200.5, deviceCount: 2 },
    });
  });

  it('escapes a bare "&" in an echoed path instead of refusing the answer', async () => {
    // Prepare
    const { context } = await answering(fixture('bare-ampersand-path.xml'));

    // Act
    const observation = await new WatchedExport({ exportId: '7', path: 'D:\\Exports\\Night & Day' }).poll(
      context,
    );

    // Assess
    expect(observation).toMatchObject({
      status: 'QUEUED',
      details: { path: 'D:\\Exports\\Night & Day', xmlRepaired: ['escaped bare "&" characters'] },
    });
  });

  it('does not call a completed export partial because its devices report no status', async () => {
    // Prepare
    const { context } = await answering(fixture('completed-devices-without-status.xml'));

    // Act
    const observation = await new WatchedExport({ exportId: '7' }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'SUCCEEDED', progress: 100 });
    expect(observation.partial).toBeUndefined();
  });

  it('reports an empty errorcode-0 list as not listed, then lost', async () => {
    // Prepare
    const { context } = await answering(fixture('empty-export-list.xml'));
    const watched = new WatchedExport({ exportId: '7' });

    // Act
    const first = await watched.poll(context);
    const second = await watched.poll(context);

    // Assess
    expect(first).toMatchObject({ status: 'QUEUED', rawStatus: 'not listed' });
    expect(second).toMatchObject({ status: 'LOST', rawStatus: 'not listed' });
  });

  it('reports an export listed under our id with another path as lost', async () => {
    // Prepare
    const { context } = await answering(fixture('unfiltered-three-exports.xml'));

    // Act
    const observation = await new WatchedExport({ exportId: '7', path: 'D:\\Exports\\mine' }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'LOST', rawStatus: 'export id reused' });
  });
});

describe('VDG Sense HTTP answers as another implementation may send them', () => {
  it('reads "-57 invalid exportid" sent with HTTP 404 as lost', async () => {
    // Prepare
    const { context } = await answering(fixture('invalid-exportid.xml'), 'text/xml', 404);

    // Act
    const observation = await new WatchedExport({ exportId: '7' }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'LOST', rawStatus: 'errorcode -57' });
  });

  it('keeps a plain 404 a protocol error', async () => {
    // Prepare
    const { context } = await answering('Not Found', 'text/plain', 404);

    // Act
    const error = await errorOf(new WatchedExport({ exportId: '7' }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
    expect(error.message).toContain('answered HTTP 404');
  });

  it.each([401, 403])('reports HTTP %i as an auth error', async (status) => {
    // Prepare
    const { context } = await answering('<result errorcode="-1"/>', 'text/xml', status);

    // Act
    const error = await errorOf(new WatchedExport({ exportId: '7' }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
  });

  it.each([500, 502, 503])('reports HTTP %i as a transport error', async (status) => {
    // Prepare
    const { context } = await answering('<html><body>down</body></html>', 'text/html', status);

    // Act
    const error = await errorOf(new WatchedExport({ exportId: '7' }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorTransportError);
  });

  it('refuses an HTML page served with 200 as a protocol error', async () => {
    // Prepare
    const { context } = await answering('<html><body><h1>Sense</h1><br></body></html>', 'text/html');

    // Act
    const error = await errorOf(new WatchedExport({ exportId: '7' }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
  });
});

describe('VDG Sense logins as another implementation may answer them', () => {
  const credentials = { username: 'jobwatch', password: 'sense-secret-4711' };
  const status = fixture('errorcode-element.xml');

  /** A manager whose login answers `login`, and whose commands want one of `sessions`. */
  function manager(login: FakeAnswer, accepts: (request: FakeRequest) => boolean) {
    return serve((request) => {
      if (request.path === '/webservice') return login;
      return accepts(request) ? { body: status } : { status: 401, body: '<result errorcode="-1"/>' };
    });
  }

  it('sends every cookie the login set back', async () => {
    // Prepare
    const { fake, baseUrl } = await manager(
      {
        body: '<result errorcode="0"/>',
        headers: { 'set-cookie': ['lang=en; Path=/', 'SID=abc123; HttpOnly'] },
      },
      (request) => (request.headers.cookie ?? '').includes('SID=abc123'),
    );
    const context = contextFor(baseUrl, credentials, {}, clock);

    // Act
    const observation = await new WatchedExport({ exportId: '7' }).poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(fake.requests.at(-1)?.headers.cookie).toBe('lang=en; SID=abc123');
  });

  it('takes a session id written as an attribute of the login answer', async () => {
    // Prepare
    const { baseUrl } = await manager(
      { body: '<result errorcode="0" sessionid="f00d"/>' },
      (request) => request.query.get('sid') === 'f00d',
    );
    const context = contextFor(
      baseUrl,
      credentials,
      { auth: { scheme: 'digest', sessionVia: 'query', sessionName: 'sid' } },
      clock,
    );

    // Act
    const observation = await new WatchedExport({ exportId: '7' }).poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
  });

  it('carries on when a 2xx login answer is not XML and the commands need no session', async () => {
    // Prepare
    const { fake, baseUrl } = await manager({ body: 'OK', contentType: 'text/plain' }, () => true);
    const context = contextFor(baseUrl, credentials, {}, clock);

    // Act
    const observation = await new WatchedExport({ exportId: '7' }).poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(fake.requests.map((request) => request.path)).toEqual(['/webservice', '/command']);
  });

  it('reports a login refused with an errorcode element as an auth error', async () => {
    // Prepare
    const { baseUrl } = await manager({ body: '<result><errorcode>-1</errorcode></result>' }, () => true);
    const context = contextFor(baseUrl, credentials, {}, clock);

    // Act
    const error = await errorOf(new WatchedExport({ exportId: '7' }).poll(context));

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error.message).toContain('refused the login (errorcode -1)');
  });

  it('posts the documented AuthenticateUserDigest with a SHA-1 digest of nonce, timestamp and password', async () => {
    // Prepare
    const { fake, baseUrl } = await manager({ body: '<result errorcode="0"/>' }, () => true);
    const context = contextFor(
      baseUrl,
      credentials,
      { auth: { scheme: 'digest', nonce: 'AR5chsWVZagPfMpB' } },
      clock,
    );

    // Act
    await new WatchedExport({ exportId: '7' }).poll(context);

    // Assess: sha1("AR5chsWVZagPfMpB" + "2024-01-19 12:00:00" + password), worked out with sha1sum.
    const login = fake.requests[0];
    expect(login?.method).toBe('POST');
    expect(login?.body).toContain(
      '<AuthenticateUserDigest><username>jobwatch</username><nonce>AR5chsWVZagPfMpB</nonce>' +
        '<timestamp>2024-01-19 12:00:00</timestamp><digest>3c65c75454122ce7a3645558f5dad1e5d25d0b5e</digest>' +
        '</AuthenticateUserDigest>',
    );
  });
});

describe('VDG Sense cancel against another implementation', () => {
  it('confirms a removal whose answer is empty by the export now being REMOVED', async () => {
    // Prepare
    let removed = false;
    const { fake, context } = await serve((request) => {
      if (request.method === 'POST') {
        removed = true;
        return { body: '', contentType: 'text/plain' };
      }
      return {
        body: fixture('errorcode-element.xml').replace(
          'PENDING</status>\n',
          removed ? 'REMOVED</status>\n' : 'PENDING</status>\n',
        ),
      };
    });
    const watched = new WatchedExport({ exportId: '7' });

    // Act
    const outcome = await vdgSenseAdapter.cancel?.(context, watched.job);

    // Assess
    const removal = fake.requests.find((request) => request.method === 'POST');
    expect(removal?.query.get('command')).toBe('exportVideo');
    expect(removal?.query.get('exportid')).toBe('7');
    expect(removal?.query.get('action')).toBe('remove');
    expect(removal?.body).toContain('<export><exportid>7</exportid><action>remove</action></export>');
    expect(outcome).toEqual({
      cancelled: true,
      message: 'VDG Sense removed export 7 (its status is now REMOVED)',
    });
  });

  it('does not claim a removal the manager neither confirmed nor carried out', async () => {
    // Prepare
    const { context } = await serve((request) =>
      request.method === 'POST'
        ? { body: 'huh?', contentType: 'text/plain' }
        : { body: fixture('errorcode-element.xml') },
    );
    const watched = new WatchedExport({ exportId: '7' });

    // Act
    const outcome = await vdgSenseAdapter.cancel?.(context, watched.job);

    // Assess
    expect(outcome?.cancelled).toBe(false);
    expect(outcome?.message).toContain('did not confirm removing export 7');
    expect(outcome?.message).toContain('its status is still PENDING');
  });
});
