import { afterEach, describe, expect, it } from 'vitest';
import { VendorProtocolError } from '../../../lib/jobs/errors.js';
import { avidCtmsAdapter } from '../../../lib/vendors/avid-ctms/avid-ctms-adapter.js';
import {
  type AvidCtmsObservation,
  commandToObservation,
} from '../../../lib/vendors/avid-ctms/avid-ctms-observation.js';
import { DEFAULT_ROPC_PATH, DEFAULT_TOKEN_PATH } from '../../../lib/vendors/avid-ctms/avid-ctms-options.js';
import { parseAvidDate } from '../../../lib/vendors/avid-ctms/avid-ctms-quirks.js';
import { parseCommandResource } from '../../../lib/vendors/avid-ctms/avid-ctms-schema.js';
import {
  commandBody,
  type Harness,
  type HarnessOptions,
  ON_COMMANDS,
  startHarness,
  thrownBy,
} from './support.js';

/*
 * What a CTMS may legitimately send that the simulator does not by default — the documented
 * alternative readings and the quirks each reading in avid-ctms-quirks.ts is there for — and what
 * is deliberately not read (the readings no document or recording asks for).
 */

let harness: Harness | undefined;

async function start(options: HarnessOptions = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const BASE_URL = new URL('https://mc.example.com/');

function observe(body: unknown): AvidCtmsObservation {
  const resource = parseCommandResource(body);
  if (!resource) throw new Error('not a command resource');
  return commandToObservation(resource, BASE_URL);
}

function command(fields: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return { command: { id: 'c1', type: 'aa:test-command', ...fields }, version: '1.0', ...extra };
}

describe('Avid CTMS wire variations over HTTP', () => {
  it.each([
    ['application/hal+json', ''],
    ['application/json;charset=utf-8', ''],
    ['application/hal+json; charset=utf-8', '\uFEFF'],
  ])('reads a command served as %s (BOM %j)', async (contentType, bom) => {
    // Prepare
    const target = await start();
    const { commandId } = target.simulator.createDemoJob(100);
    const watch = target.watch({ commandId });
    const body = `${bom}${commandBody(commandId, { lifecycle: 'finished', progress: 100 })}`;
    target.simulator.server.inject({ kind: 'status', status: 200, body, contentType }, ON_COMMANDS);

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'finished' });
  });

  it('keeps polling through the template when a command has no _links at all', async () => {
    // Prepare
    const target = await start();
    const { commandId } = target.simulator.createDemoJob(100);
    const watch = target.watch({ commandId });
    target.simulator.server.inject(
      { kind: 'garbage', body: commandBody(commandId, { lifecycle: 'running', progress: 12 }) },
      ON_COMMANDS,
    );

    // Act
    const first = await watch.poll();
    const second = await watch.poll();

    // Assess
    expect(first).toMatchObject({ status: 'RUNNING', progress: 12 });
    expect(first.adapterState).toBeUndefined();
    expect(second.status).toBe('QUEUED');
    expect(target.requestLines().filter((line) => line.includes('/commands/'))).toEqual([
      `GET /apis/mam/commands/${commandId}`,
      `GET /apis/mam/commands/${commandId}`,
    ]);
  });

  it('cancels through a command:cancel link named with another curie prefix', async () => {
    // Prepare
    const target = await start({ simulator: { commandCuriePrefix: 'cmd' } });
    const reference = target.simulator.createDemoJob(100);
    const watch = target.watch(reference);

    // Act
    const outcome = await watch.cancel();

    // Assess
    expect(outcome.cancelled).toBe(true);
    expect(target.requestLines()).toContain(`DELETE /apis/mam/commands/${reference.commandId}/cancel`);
    expect(target.simulator.lifecycleOf(reference.commandId)).toBe('error');
  });

  it('takes the curie prefix from setQuirks while the simulator runs', async () => {
    // Prepare
    const target = await start();
    const reference = target.simulator.createDemoJob(100);
    target.simulator.setQuirks({ commandCuriePrefix: 'cmd' });

    // Act
    const observation = await target.watch(reference).poll();

    // Assess
    expect(observation.adapterState?.cancelHref).toBe(
      `${target.baseUrl}apis/mam/commands/${reference.commandId}/cancel`,
    );
  });

  it('does not follow relative links: CTMS writes them absolute [DOC]', async () => {
    // Prepare
    const target = await start();
    const { commandId } = target.simulator.createDemoJob(100);
    const links = {
      self: { href: `/apis/mam/commands/${commandId}` },
      'command:cancel': { href: `${commandId}/cancel` },
    };
    target.simulator.server.inject(
      { kind: 'garbage', body: commandBody(commandId, { lifecycle: 'running' }, { _links: links }) },
      ON_COMMANDS,
    );
    const watch = target.watch({ commandId });

    // Act
    const observation = await watch.poll();
    const outcome = await watch.cancel();

    // Assess
    expect(observation.adapterState).toBeUndefined();
    expect(observation.details?.ignoredLinks).toEqual([
      `self → /apis/mam/commands/${commandId} (outside the connection's base URL, not followed)`,
      `command:cancel → ${commandId}/cancel (outside the connection's base URL, not followed)`,
    ]);
    // The fresh read before the cancel is the simulator's own, with absolute links.
    expect(outcome.cancelled).toBe(true);
  });

  it('treats a link spelled localhost on a 127.0.0.1 connection as another host', async () => {
    // Prepare
    const target = await start();
    const reference = target.simulator.createDemoJob(100);
    const port = new URL(target.baseUrl).port;
    const localhost = `http://localhost:${port}/apis/mam/commands/${reference.commandId}`;
    target.simulator.server.inject(
      {
        kind: 'garbage',
        body: commandBody(
          reference.commandId,
          { lifecycle: 'running' },
          { _links: { self: { href: localhost }, 'command:cancel': { href: `${localhost}/cancel` } } },
        ),
      },
      ON_COMMANDS,
    );

    // Act
    const observation = await target.watch({ commandId: reference.commandId }).poll();

    // Assess
    expect(observation.adapterState).toBeUndefined();
    expect(observation.details?.ignoredLinks).toHaveLength(2);
  });

  it('matches a command id that CTMS spells in lower case while the reference was upper case', async () => {
    // Prepare
    const target = await start();
    const uuid = 'C296FCD5-B0A8-4750-B80B-1D06C5A2CA8A';
    target.simulator.createCommand({ id: uuid.toLowerCase() });
    target.simulator.server.inject(
      { kind: 'garbage', body: commandBody(uuid.toLowerCase(), { lifecycle: 'running' }) },
      ON_COMMANDS,
    );

    // Act
    const byUuid = await target.watch({ commandId: uuid }).poll();

    // Assess
    expect(byUuid.status).toBe('RUNNING');
  });

  it('reads a command whose id is not a string as one without an id: the field is dropped', async () => {
    // Prepare
    const target = await start();
    const numeric = '2222498676990702465';
    target.simulator.createCommand({ id: numeric });
    target.simulator.server.inject(
      { kind: 'garbage', body: `{"command":{"id":${numeric},"lifecycle":"running"},"version":"1.0"}` },
      ON_COMMANDS,
    );

    // Act
    const byNumber = await target.watch({ commandId: numeric }).poll();

    // Assess
    expect(byNumber.status).toBe('RUNNING');
    expect(byNumber.details?.commandId).toBeUndefined();
  });

  it.each([
    ['another id', 'e9094d1d-5a28-46cd-91ac-0098076dd9d1'],
    ['an empty id', ''],
  ])('refuses a command that names %s', async (_label, returned) => {
    // Prepare
    const target = await start();
    const { commandId } = target.simulator.createCommand({ id: 'c296fcd5-b0a8-4750-b80b-1d06c5a2ca8a' });
    target.simulator.server.inject(
      { kind: 'garbage', body: commandBody(returned, { lifecycle: 'finished' }) },
      ON_COMMANDS,
    );

    // Act
    const error = await thrownBy(target.watch({ commandId }).poll());

    // Assess
    expect(error).toBeInstanceOf(VendorProtocolError);
  });

  it('reads a bulk command whose items say only httpStatus and errorCode', async () => {
    // Prepare
    const target = await start();
    const { commandId } = target.simulator.createDemoJob(100);
    const body = commandBody(
      commandId,
      { lifecycle: 'finished', progress: 100, state: { text: 'Deleted 0 of 2 items' } },
      {
        payload: {
          result: [
            { httpStatus: 404, errorCode: 'avid.mam.assets.access/ITEM_NOT_FOUND' },
            { errorCode: 'avid.mam.assets.access/BAD_ARGUMENT', errorMessage: 'Invalid item ID' },
          ],
        },
      },
    );
    target.simulator.server.inject({ kind: 'garbage', body }, ON_COMMANDS);

    // Act
    const observation = await target.watch({ commandId }).poll();

    // Assess
    expect(observation).toMatchObject({
      status: 'FAILED',
      error: { code: 'avid.mam.assets.access/ITEM_NOT_FOUND', httpCode: 404 },
      details: { bulk: { total: 2, failed: 2, undetermined: 0 } },
    });
  });
});

describe('Avid CTMS LOST on a URL built from the template', () => {
  it('says the template may be wrong when a command was never found there', async () => {
    // Prepare: a CTMS that serves commands elsewhere than the connection was told
    const target = await start({ options: { commandUrlTemplate: 'apis/commands/{commandId}' } });
    const { commandId } = target.simulator.createDemoJob(100);

    // Act
    const observation = await target.watch({ commandId }).poll();

    // Assess
    expect(observation.status).toBe('LOST');
    expect(observation.message).toMatch(/commandUrlTemplate does not match/);
    expect(observation.details).toMatchObject({
      httpStatus: 404,
      url: `${target.baseUrl}apis/commands/${commandId}`,
    });
  });

  it('gives no such hint for a command that was seen before and then expired', async () => {
    // Prepare
    const target = await start();
    const { commandId } = target.simulator.createDemoJob(10);
    const watch = target.watch({ commandId });
    await watch.poll();
    watch.job.latest = { ...watch.job.latest, observedAt: new Date(target.clock.now()).toISOString() };
    target.simulator.expire(commandId);

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('LOST');
    expect(observation.message).not.toMatch(/commandUrlTemplate/);
  });
});

describe('Avid CTMS connection options', () => {
  it('takes a commandUrlTemplate with a leading slash, relative to the base URL', async () => {
    // Prepare
    const target = await start({ options: { commandUrlTemplate: '/apis/mam/commands/{commandId}' } });
    const { commandId } = target.simulator.createDemoJob(100);

    // Act
    const observation = await target.watch({ commandId }).poll();

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(target.requestLines()).toContain(`GET /apis/mam/commands/${commandId}`);
  });

  it.each([
    ['apis/mam/commands', /placeholder \{commandId\}/],
    ['apis/mam/commands/{id}', /placeholder \{commandId\}/],
    ['http://elsewhere/commands/{commandId}', /relative to the connection's base URL/],
  ])('refuses the template %s', (commandUrlTemplate, message) => {
    // Act
    const parsed = avidCtmsAdapter.optionsSchema.safeParse({ commandUrlTemplate });

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message).join('; ')).toMatch(message);
  });

  it.each([
    ['authPath', 'auth'],
    ['tokenRefreshMarginSeconds', 60],
    ['defaultTokenLifetimeSeconds', 300],
  ])('no longer takes the option %s: the token endpoint is configured, the timing fixed', (option, value) => {
    // Act
    const parsed = avidCtmsAdapter.optionsSchema.safeParse({ [option]: value });

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message).join('; ')).toMatch(/Unrecognized key/);
  });

  it("defaults the token endpoints to the hrefs a CTMS's GET /auth lists for them", async () => {
    // Prepare
    const target = await start();

    // Act
    const entry = (await (await fetch(`${target.baseUrl}auth`)).json()) as {
      _links: Record<string, { href: string }[]>;
    };

    // Assess
    expect(entry._links['auth:client-credentials']?.[0]?.href).toBe(`${target.baseUrl}${DEFAULT_TOKEN_PATH}`);
    expect(entry._links['auth:ropc-default']?.[0]?.href).toBe(`${target.baseUrl}${DEFAULT_ROPC_PATH}`);
  });
});

describe('Avid CTMS dates', () => {
  it.each([
    ['2020-01-27T13:21:53.9138053+01:00', '2020-01-27T12:21:53.913Z'],
    ['2020-08-11T14:25:45.1426858+02:00', '2020-08-11T12:25:45.142Z'],
    ['2020-01-27T13:21:53Z', '2020-01-27T13:21:53.000Z'],
    // Not what CTMS writes: no offset is no point in time, and the offset has its colon.
    ['2020-01-27T13:21:53.5+0100', undefined],
    ['2020-01-27T13:21:53.123', undefined],
    ['1580127713913', undefined],
    ['not a date', undefined],
    ['', undefined],
  ])('reads %s as %s', (raw, expected) => {
    // Act / Assess
    expect(parseAvidDate(raw)).toBe(expected);
  });
});

describe('Avid CTMS payloads that bend the documentation', () => {
  it('reads a bulk result whose items carry only httpStatus/errorCode, and counts from state.param', () => {
    // Prepare: `param`, as the property list spells it; items without `success`
    const body = command(
      {
        type: 'loc:delete-item-by-id-bulk-command',
        lifecycle: 'finished',
        state: {
          text: 'Deleted 2 of 3 items',
          code: 'avid.mam.assets.access/DELETE_ITEMS_DONE',
          param: { totalCount: 3, successCount: 2, failureCount: 1 },
        },
        progress: 100,
      },
      {
        payload: {
          result: [
            { data: '123330.1444213', httpStatus: 200 },
            { data: '123330.1444214', httpStatus: 204 },
            {
              data: '',
              httpStatus: 404,
              errorCode: 'avid.mam.assets.access/ITEM_NOT_FOUND',
              errorMessage: 'No such item',
            },
          ],
        },
      },
    );

    // Act
    const observation = observe(body);

    // Assess
    expect(observation).toMatchObject({
      status: 'SUCCEEDED',
      partial: true,
      message: 'Deleted 2 of 3 items',
    });
    expect(observation.details?.bulk).toEqual({
      total: 3,
      succeeded: 2,
      failed: 1,
      undetermined: 0,
      failures: [
        { errorCode: 'avid.mam.assets.access/ITEM_NOT_FOUND', errorMessage: 'No such item', httpStatus: 404 },
      ],
    });
  });

  it('keeps reading a command whose fields have unexpected types, dropping only those fields', () => {
    // Prepare
    const body = {
      command: {
        type: 'aa:set-thumb-command',
        id: 4711,
        lifecycle: 'running',
        state: 'Copying essence',
        progress: '37 %',
        host: 17,
        created: 1580127713913,
        modified: '2020-01-27T13:21:54.6448607+01:00',
      },
      version: 1,
      payload: [],
      _links: {
        self: { href: 'https://mc.example.com/pamctc/commands/2222498676990702465' },
        curies: [{ href: 'http://services.avid.com/apis/command/{rel}', name: 'cmd', templated: true }],
        'cmd:cancel': { href: 'https://mc.example.com/pamctc/commands/2222498676990702465/cancel' },
      },
    };

    // Act
    const observation = observe(body);

    // Assess
    expect(observation).toMatchObject({
      status: 'RUNNING',
      rawStatus: 'running',
      vendorUpdatedAt: '2020-01-27T12:21:54.644Z',
      adapterState: {
        selfHref: 'https://mc.example.com/pamctc/commands/2222498676990702465',
        cancelHref: 'https://mc.example.com/pamctc/commands/2222498676990702465/cancel',
      },
    });
    expect(observation.progress).toBeUndefined();
    expect(observation.message).toBeUndefined();
    expect(observation.details?.host).toBeUndefined();
    expect(observation.details?.commandId).toBeUndefined();
    expect(observation.details?.createdAt).toBeUndefined();
  });

  it.each([
    [{ success: 'false', errorCode: 'X' }, { success: 'TRUE' }, 'partial'],
    [{ httpStatus: 500 }, { errorMessage: 'Locked' }, 'failed'],
    [{ httpStatus: 201 }, { success: true, httpStatus: 500 }, 'succeeded'],
  ])('decides bulk items %j and %j as %s', (first, second, outcome) => {
    // Act
    const observation = observe(command({ lifecycle: 'finished' }, { payload: { result: [first, second] } }));

    // Assess
    const expected = {
      partial: { status: 'SUCCEEDED', partial: true },
      failed: { status: 'FAILED' },
      succeeded: { status: 'SUCCEEDED' },
    }[outcome as 'partial' | 'failed' | 'succeeded'];
    expect(observation).toMatchObject(expected ?? {});
    if (outcome === 'succeeded') expect(observation.partial).toBeUndefined();
  });

  it('reads no result list wrapped in an object, and falls back to the counts when no item says anything', () => {
    // Act
    const wrapped = observe(
      command(
        { lifecycle: 'finished' },
        { payload: { result: { items: [{ httpStatus: 409 }, { httpStatus: 200 }] } } },
      ),
    );
    const silent = observe(
      command(
        {
          lifecycle: 'finished',
          state: { text: 'Done', params: { totalCount: 2, successCount: 0, failureCount: 2 } },
        },
        { payload: { result: [{ data: 'a' }, { data: 'b' }] } },
      ),
    );

    // Assess
    expect(wrapped.status).toBe('SUCCEEDED');
    expect(wrapped.partial).toBeUndefined();
    expect(wrapped.details?.bulk).toBeUndefined();
    expect(silent.status).toBe('FAILED');
    expect(silent.error?.message).toMatch(/^All 2 items of the bulk command failed/);
  });

  it.each([
    [150, 100],
    [-5, 0],
    [42.5, 42.5],
    ['42', undefined],
    ['42.5 %', undefined],
    [undefined, undefined],
  ])('reads progress %j as %j', (progress, expected) => {
    // Act
    const observation = observe(command({ lifecycle: 'running', progress }));

    // Assess
    expect(observation.progress).toBe(expected);
  });

  it.each([
    [{ cause: 'canceled', text: 'Stopped' }, 'CANCELLED'],
    [{ cause: 'cancelled', text: 'Stopped' }, 'FAILED'],
    [{ cause: 'CANCELED', text: 'Stopped' }, 'FAILED'],
    [{ cause: 'quotaExceeded', text: 'No quota' }, 'FAILED'],
    [{ text: 'No cause given', code: 'X/Y' }, 'FAILED'],
  ])('maps error %j to %s', (error, status) => {
    // Act
    const observation = observe(command({ lifecycle: 'error', error }));

    // Assess
    expect(observation.status).toBe(status);
    expect(observation.error?.message).toBe(error.text);
  });

  it('reads an error sent as a bare string as no error struct, and still fails the command', () => {
    // Act
    const observation = observe(
      command({ lifecycle: 'error', state: { text: 'Processing' }, error: 'Disk full on target volume' }),
    );

    // Assess
    expect(observation).toMatchObject({ status: 'FAILED', message: 'Processing' });
    expect(observation.error?.message).toMatch(/without error details/);
  });

  it('finds the cancel link under another curie prefix or as the expanded relation URI', () => {
    // Act
    const prefixed = observe(
      command(
        { lifecycle: 'running' },
        {
          _links: {
            curies: [{ name: 'c', href: 'http://services.avid.com/apis/command/{rel}', templated: true }],
            'c:cancel': { href: 'https://mc.example.com/cmds/c1/stop' },
          },
        },
      ),
    );
    const expanded = observe(
      command(
        { lifecycle: 'running' },
        {
          _links: {
            'http://services.avid.com/apis/command/cancel': { href: 'https://mc.example.com/cmds/c1/x' },
          },
        },
      ),
    );
    const guessed = observe(
      command(
        { lifecycle: 'running' },
        { _links: { 'x:cancel': { href: 'https://mc.example.com/cmds/c1/y' } } },
      ),
    );

    // Assess
    expect(prefixed.adapterState?.cancelHref).toBe('https://mc.example.com/cmds/c1/stop');
    expect(expanded.adapterState?.cancelHref).toBe('https://mc.example.com/cmds/c1/x');
    // A relation merely ending in ":cancel", without the curie, is not the documented one.
    expect(guessed.adapterState?.cancelHref).toBeUndefined();
  });
});
