import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VendorAuthError, VendorProtocolError } from '../../../lib/jobs/errors.js';
import { vdgSenseAdapter } from '../../../lib/vendors/vdg-sense/vdg-sense-adapter.js';
import { leadingErrorCode, repairSampleDefects } from '../../../lib/vendors/vdg-sense/vdg-sense-quirks.js';
import { parseVdgSenseResult } from '../../../lib/vendors/vdg-sense/vdg-sense-schema.js';
import type { VdgSenseSimulator } from '../../../local/simulators/vdg-sense/index.js';
import {
  contextFor,
  DOCUMENTED_NONCE,
  type FakeAnswer,
  type FakeRequest,
  Fakes,
  fixture,
  manualClock,
  startSimulator,
  type VdgContext,
  WatchedExport,
} from './support.js';

/**
 * The readings VDG's documents allow besides the plain one — its own sample's defects, lower-case
 * statuses, a manager that ignores the exportid filter — against the simulator, and what a VDG
 * written by someone else from the same documents may legitimately send, served verbatim.
 */

describe('VDG Sense documented variations, against the simulator', () => {
  let simulator: VdgSenseSimulator;
  let clock: ReturnType<typeof manualClock>;
  let context: VdgContext;

  beforeEach(async () => {
    ({ simulator, clock, context } = await startSimulator());
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('reads lower-case statuses in the documented malformed shape to the same result', async () => {
    // Prepare
    simulator.setQuirks({ lowerCaseStatuses: true, malformedShape: true });
    const watched = new WatchedExport(simulator.createDemoJob(60));
    clock.advance(20);

    // Act
    const running = await watched.poll(context);
    clock.advance(40);
    const done = await watched.poll(context);

    // Assess
    expect(running).toMatchObject({ status: 'RUNNING', rawStatus: 'syncing' });
    expect(running.details?.xmlRepaired).toEqual([
      'quoted unquoted attribute values',
      'closed 1 unclosed <device> element',
    ]);
    expect(done).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'completed', progress: 100 });
  });

  it('picks our export from the whole list when the manager ignores the exportid filter', async () => {
    // Prepare
    simulator.setQuirks({ ignoreExportIdFilter: true });
    simulator.createDemoJob(30);
    const reference = simulator.createDemoJob(60);
    simulator.createDemoJob(90);
    simulator.complete('1');
    const watched = new WatchedExport(reference);
    clock.advance(20);

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(reference.exportId).toBe('2');
    expect(observation).toMatchObject({
      status: 'RUNNING',
      details: { exportId: '2', path: reference.path },
    });
  });

  it('reports an export missing from an errorcode-0 list as lost only when the next answer agrees', async () => {
    // Prepare
    simulator.setQuirks({ unknownIdAsEmptyList: true });
    const watched = new WatchedExport(simulator.createDemoJob(60));
    clock.advance(20);
    const running = await watched.poll(context);
    simulator.restart();

    // Act
    const first = await watched.poll(context);
    const second = await watched.poll(context);

    // Assess
    expect(running.status).toBe('RUNNING');
    expect(first).toMatchObject({ status: 'RUNNING', rawStatus: 'not listed' });
    expect(first.message).toContain('LOST if it is still missing after 1 more poll');
    expect(second).toMatchObject({ status: 'LOST', rawStatus: 'not listed' });
    expect(second.message).toContain('without export id 1 in its export list');
    expect(second.message).toContain('2 times in a row');
  });

  it('forgets a missing answer once the export is listed again', async () => {
    // Prepare
    const reference = simulator.createDemoJob(60);
    const watched = new WatchedExport(reference);
    const empty = { kind: 'garbage', body: '<result errorcode="0"><exports count="0"/></result>' } as const;
    simulator.server.inject(empty, { pathIncludes: '/command' });

    // Act
    const missing = await watched.poll(context);
    const back = await watched.poll(context);
    simulator.server.inject(empty, { pathIncludes: '/command' });
    const missingAgain = await watched.poll(context);

    // Assess
    expect(missing.status).toBe('QUEUED');
    expect(back.status).toBe('QUEUED');
    expect(back.adapterState).not.toHaveProperty('notListedPolls');
    expect(missingAgain.status).toBe('QUEUED');
  });

  it('logs in but does not insist on a session a manager does not check', async () => {
    // Prepare
    simulator.setQuirks({ sessionOptional: true });
    const watched = new WatchedExport(simulator.createDemoJob(60));

    // Act
    const observation = await watched.poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(simulator.logins).toBe(1);
  });
});

const clock = manualClock();
const fakes = new Fakes(clock);

afterEach(async () => {
  await fakes.closeAll();
});

describe('VDG Sense answers as another implementation may write them', () => {
  it.each([['text/xml'], ['application/xml; charset=utf-8'], ['text/html']])(
    'reads a byte-order mark and mixed-case statuses served as %s',
    async (type) => {
      // Prepare
      const { context } = await fakes.answering(fixture('bom-mixed-case.xml'), type);
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

  it('picks our export by exportid from an unfiltered list with an unquoted count', async () => {
    // Prepare
    const { context, fake } = await fakes.answering(fixture('unfiltered-three-exports.xml'));
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

  it('takes export ids as text: "07" is not export 7', async () => {
    // Prepare
    const { context } = await fakes.answering(fixture('unfiltered-three-exports.xml'));

    // Act
    const first = await new WatchedExport({ exportId: '07' }).poll(context);

    // Assess
    expect(first).toMatchObject({ status: 'QUEUED', rawStatus: 'not listed' });
  });

  it('does not call a completed export partial because its devices report no status', async () => {
    // Prepare
    const { context } = await fakes.answering(fixture('completed-devices-without-status.xml'));

    // Act
    const observation = await new WatchedExport({ exportId: '7' }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'SUCCEEDED', progress: 100 });
    expect(observation.partial).toBeUndefined();
  });

  it('reports an empty errorcode-0 list as not listed, then lost', async () => {
    // Prepare
    const { context } = await fakes.answering(fixture('empty-export-list.xml'));
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
    const { context } = await fakes.answering(fixture('unfiltered-three-exports.xml'));

    // Act
    const observation = await new WatchedExport({ exportId: '7', path: 'D:\\Exports\\mine' }).poll(context);

    // Assess
    expect(observation).toMatchObject({ status: 'LOST', rawStatus: 'export id reused' });
  });
});

describe('VDG Sense logins as another implementation may answer them', () => {
  const credentials = { username: 'jobwatch', password: 'sense-secret-4711' };
  const options = { auth: { nonce: DOCUMENTED_NONCE } };
  const status = fixture('pending-one-device.xml');

  /** A manager whose login answers `login`, and whose commands want what `accepts` says. */
  function manager(login: FakeAnswer, accepts: (request: FakeRequest) => boolean) {
    return fakes.serve((request) => {
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
    const context = contextFor(baseUrl, credentials, options, clock);

    // Act
    const observation = await new WatchedExport({ exportId: '7' }).poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(fake.requests.at(-1)?.headers.cookie).toBe('lang=en; SID=abc123');
  });

  it('sends the session id of the configured element back in the query when so configured', async () => {
    // Prepare
    const { baseUrl } = await manager(
      { body: '<result errorcode="0"><sid>f00d</sid></result>' },
      (request) => request.query.get('sid') === 'f00d',
    );
    const context = contextFor(
      baseUrl,
      credentials,
      { auth: { nonce: DOCUMENTED_NONCE, sessionVia: 'query', sessionName: 'sid' } },
      clock,
    );

    // Act
    const observation = await new WatchedExport({ exportId: '7' }).poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
  });

  it('carries on without a session when the login answer gives none and the commands want none', async () => {
    // Prepare
    const { fake, baseUrl } = await manager({ body: '<result errorcode="0"/>' }, () => true);
    const context = contextFor(baseUrl, credentials, options, clock);

    // Act
    const observation = await new WatchedExport({ exportId: '7' }).poll(context);

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(fake.requests.map((request) => request.path)).toEqual(['/webservice', '/command']);
    expect(fake.requests[1]?.headers.cookie).toBeUndefined();
  });

  it('reports a login refused with a negative errorcode as an auth error', async () => {
    // Prepare
    const { baseUrl } = await manager({ body: '<result errorcode="-1"/>' }, () => true);
    const context = contextFor(baseUrl, credentials, options, clock);

    // Act
    const error = await new WatchedExport({ exportId: '7' }).poll(context).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(VendorAuthError);
    expect((error as Error).message).toContain('refused the login: errorcode -1');
  });

  it('posts the documented AuthenticateUserDigest with a SHA-1 digest of nonce, timestamp and password', async () => {
    // Prepare
    const { fake, baseUrl } = await manager({ body: '<result errorcode="0"/>' }, () => true);
    const context = contextFor(baseUrl, credentials, options, clock);

    // Act
    await new WatchedExport({ exportId: '7' }).poll(context);

    // Assess: sha1("AR5chsWVZagPfMpB" + "2024-01-19 12:00:00" + password), worked out with sha1sum.
    const login = fake.requests[0];
    expect(login?.method).toBe('POST');
    expect(login?.path).toBe('/webservice');
    expect(login?.body).toContain(
      '<AuthenticateUserDigest><username>jobwatch</username><nonce>AR5chsWVZagPfMpB</nonce>' +
        '<timestamp>2024-01-19 12:00:00</timestamp><digest>3c65c75454122ce7a3645558f5dad1e5d25d0b5e</digest>' +
        '</AuthenticateUserDigest>',
    );
  });

  it('hashes the parts the operator lists, in their order', async () => {
    // Prepare
    const { fake, baseUrl } = await manager({ body: '<result errorcode="0"/>' }, () => true);
    const context = contextFor(
      baseUrl,
      credentials,
      { auth: { nonce: DOCUMENTED_NONCE, digestParts: ['username', 'passwordSha1'] } },
      clock,
    );

    // Act
    await new WatchedExport({ exportId: '7' }).poll(context);

    // Assess: sha1("jobwatch" + sha1(password)), worked out with sha1sum.
    expect(fake.requests[0]?.body).toContain('<digest>64257875ebd7509953810b9dac2293fc7c40267d</digest>');
  });
});

describe('VDG Sense cancel against another implementation', () => {
  it('confirms a removal whose answer is empty by the export now being REMOVED', async () => {
    // Prepare
    let removed = false;
    const { fake, context } = await fakes.serve((request) => {
      if (request.method === 'POST') {
        removed = true;
        return { body: '', contentType: 'text/plain' };
      }
      return {
        body: fixture('pending-one-device.xml').replace(
          'PENDING</status>\n',
          removed ? 'REMOVED</status>\n' : 'PENDING</status>\n',
        ),
      };
    });
    const watched = new WatchedExport({ exportId: '7' });

    // Act
    const outcome = await watched.cancel(context);

    // Assess
    const removal = fake.requests.find((request) => request.method === 'POST');
    expect(removal?.path).toBe('/command');
    expect(removal?.query.get('command')).toBe('exportVideo');
    expect(removal?.query.get('exportid')).toBe('7');
    expect(removal?.query.get('action')).toBe('remove');
    expect(removal?.body).toContain('<export><exportid>7</exportid><action>remove</action></export>');
    expect(outcome).toEqual({
      cancelled: true,
      message: 'VDG Sense removed export 7 (its status is now REMOVED)',
    });
  });

  it('takes an export gone from the list right after the removal as removed', async () => {
    // Prepare
    let removed = false;
    const { context } = await fakes.serve((request) => {
      if (request.method === 'POST') {
        removed = true;
        return { body: 'OK', contentType: 'text/plain' };
      }
      return { body: removed ? fixture('invalid-exportid.xml') : fixture('pending-one-device.xml') };
    });

    // Act
    const outcome = await vdgSenseAdapter.cancel?.(context, new WatchedExport({ exportId: '7' }).job);

    // Assess
    expect(outcome).toEqual({
      cancelled: true,
      message: 'VDG Sense removed export 7 (it is no longer listed)',
    });
  });

  it('does not claim a removal the manager neither confirmed nor carried out', async () => {
    // Prepare
    const { context } = await fakes.serve((request) =>
      request.method === 'POST'
        ? { body: 'huh?', contentType: 'text/plain' }
        : { body: fixture('pending-one-device.xml') },
    );
    const watched = new WatchedExport({ exportId: '7' });

    // Act
    const outcome = await watched.cancel(context);

    // Assess
    expect(outcome.cancelled).toBe(false);
    expect(outcome.message).toContain('did not confirm removing export 7');
    expect(outcome.message).toContain('its status is still PENDING');
  });

  it('reports a removal refused with a negative errorcode as not cancelled, naming the code', async () => {
    // Prepare
    const { context } = await fakes.serve((request) =>
      request.method === 'POST'
        ? { body: fixture('general-error.xml') }
        : { body: fixture('pending-one-device.xml') },
    );

    // Act
    const outcome = await new WatchedExport({ exportId: '7' }).cancel(context);

    // Assess
    expect(outcome).toEqual({
      cancelled: false,
      message: 'VDG Sense refused to remove export 7: errorcode -18 (general error)',
    });
  });
});

describe('VDG Sense sample repair', () => {
  it('closes each unclosed device where the next one opens or the list ends', () => {
    // Act
    const { text, repairs } = repairSampleDefects(
      '<devices><device><a>1</a><device><a>2</a><device><a>3</a></devices>',
    );

    // Assess
    expect(text).toBe(
      '<devices><device><a>1</a></device><device><a>2</a></device><device><a>3</a></device></devices>',
    );
    expect(repairs).toEqual(['closed 3 unclosed <device> elements']);
  });

  it('quotes unquoted attribute values, as in the sample’s count=[exportcount]', () => {
    // Act
    const { text, repairs } = repairSampleDefects('<exports count=[exportcount]></exports>');

    // Assess
    expect(text).toBe('<exports count="[exportcount]"></exports>');
    expect(repairs).toEqual(['quoted unquoted attribute values']);
  });

  it('leaves a well-formed document untouched', () => {
    // Prepare
    const text = fixture('syncing-two-devices.xml');

    // Act
    const repaired = repairSampleDefects(text);

    // Assess
    expect(repaired).toEqual({ text, repairs: [] });
  });

  it('repairs nothing else: a bare "&" is no defect of the sample, and is refused', () => {
    // Act
    const act = () => parseVdgSenseResult(fixture('bare-ampersand-path.xml'));

    // Assess
    expect(act).toThrow(VendorProtocolError);
    expect(repairSampleDefects('<p>a & b</p>').repairs).toEqual([]);
  });
});

describe('VDG Sense errorcode, read first', () => {
  it.each([
    ['an attribute', '<result errorcode="-57"/>', -57],
    ['an unquoted attribute', "<RESULT ErrorCode = -18 count='1'>", -18],
    ['a single-quoted attribute after others', "<result a='1' errorcode=' 4'>", 4],
    [
      'after a BOM, a declaration and comments',
      '\uFEFF <?xml version="1.0"?><!-- a --><!----> <result errorcode="0"/>',
      0,
    ],
    [
      'after the sample’s commented-out declaration',
      '<!--?xml version="1.0" ?--> <result errorcode="-57">',
      -57,
    ],
    ['an attribute that only ends with errorcode', '<result myerrorcode="3"/>', undefined],
    ['another root', '<answer errorcode="-1"/>', undefined],
    ['text before the root', 'oops <result errorcode="-1"/>', undefined],
    ['an unterminated comment', '<!-- <result errorcode="-1"/>', undefined],
    // No document writes the errorcode as an element: it is not read as one.
    ['a child element', '<result>\n  <errorcode> -57 </errorcode></result>', undefined],
    ['an empty body', '', undefined],
  ])('reads %s', (_name, text, expected) => {
    // Act
    const code = leadingErrorCode(text);

    // Assess
    expect(code).toBe(expected);
  });

  it('refuses an errorcode element instead of the attribute, which no document shows', () => {
    // Act
    const act = () => parseVdgSenseResult('<result><errorcode>0</errorcode><exports/></result>');

    // Assess
    expect(act).toThrow('the <result> element has no errorcode attribute');
  });

  it('reads no export straight under <result>, outside the documented <exports> list', () => {
    // Act
    const result = parseVdgSenseResult(
      '<result errorcode="0"><export><exportid>7</exportid></export></result>',
    );

    // Assess
    expect(result.exports).toEqual([]);
  });

  it('reads no export from fields written as attributes, which no document shows', () => {
    // Act
    const result = parseVdgSenseResult(
      '<result errorcode="0"><exports><export exportid="7" status="syncing"><path>D:\\x</path></export></exports></result>',
    );

    // Assess
    expect(result.exports).toEqual([
      { exportId: undefined, path: 'D:\\x', status: undefined, bandwidth: undefined, devices: [] },
    ]);
  });
});
