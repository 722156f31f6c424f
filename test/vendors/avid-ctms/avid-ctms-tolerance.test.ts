import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VendorProtocolError } from '../../../lib/jobs/errors.js';
import {
  avidCtmsAdapter,
  checkAvidReference,
  clearAvidTokenCache,
} from '../../../lib/vendors/avid-ctms/index.js';
import { type Harness, type HarnessOptions, startHarness, thrownBy } from './avid-ctms-harness.js';

/*
 * What an independently written CTMS (or a gateway in front of one) may legitimately send that
 * our simulator does not by default — each case over real HTTP, through the adapter's poll.
 */

let harness: Harness | undefined;

async function start(options: HarnessOptions = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

beforeEach(() => {
  clearAvidTokenCache();
});

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const ON_COMMANDS = { pathIncludes: '/apis/mam/commands/' };

function commandBody(
  id: string,
  command: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    command: { id, type: 'aa:set-thumb-command', ...command },
    version: '1.0',
    ...extra,
  });
}

describe('Avid CTMS wire variations', () => {
  it.each([
    ['application/hal+json', ''],
    ['application/json;charset=utf-8', ''],
    ['application/hal+json; charset=utf-8', '\uFEFF'],
  ])('reads a command served as %s (BOM %j)', async (contentType, bom) => {
    // Prepare
    const target = await start();
    const { commandId } = target.simulator.createDemoJob(100);
    const watch = target.watch({ commandId });
    const body = `${bom}${commandBody(commandId, { lifecycle: 'FINISHED', progress: 100 })}`;
    target.simulator.server.inject({ kind: 'status', status: 200, body, contentType }, ON_COMMANDS);

    // Act
    const observation = await watch.poll();

    // Assess
    expect(observation).toMatchObject({ status: 'SUCCEEDED', rawStatus: 'FINISHED' });
  });

  it('keeps polling through the template when a command has no _links at all', async () => {
    // Prepare
    const target = await start();
    const { commandId } = target.simulator.createDemoJob(100);
    const watch = target.watch({ commandId });
    target.simulator.server.inject(
      { kind: 'garbage', body: commandBody(commandId, { lifecycle: 'running', progress: '12' }) },
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

  it.each(['relative', 'root-relative'] as const)(
    'resolves %s links against the command document and cancels through them',
    async (linkStyle) => {
      // Prepare
      const target = await start({ simulator: { linkStyle } });
      const reference = target.simulator.createDemoJob(100);
      const watch = target.watch({ commandId: reference.commandId });
      target.clock.advance(10);
      await watch.poll();

      // Act
      const outcome = await avidCtmsAdapter.cancel?.(target.context, watch.job);

      // Assess
      expect(watch.job.latest.adapterState).toEqual({
        selfHref: `${target.baseUrl}apis/mam/commands/${reference.commandId}`,
        cancelHref: `${target.baseUrl}apis/mam/commands/${reference.commandId}/cancel`,
      });
      expect(outcome?.cancelled).toBe(true);
      expect(target.simulator.lifecycleOf(reference.commandId)).toBe('error');
    },
  );

  it('cancels through a command:cancel link named with another curie prefix', async () => {
    // Prepare
    const target = await start({ simulator: { commandCuriePrefix: 'cmd' } });
    const reference = target.simulator.createDemoJob(100);
    const watch = target.watch(reference);

    // Act
    const outcome = await avidCtmsAdapter.cancel?.(target.context, watch.job);

    // Assess
    expect(outcome?.cancelled).toBe(true);
    expect(target.requestLines()).toContain(`DELETE /apis/mam/commands/${reference.commandId}/cancel`);
  });

  it('follows links written as localhost when the connection says 127.0.0.1, and nothing else', async () => {
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
    const watch = target.watch({ commandId: reference.commandId });

    // Act
    const first = await watch.poll();
    const outcome = await avidCtmsAdapter.cancel?.(target.context, watch.job);

    // Assess
    expect(first.adapterState).toEqual({
      selfHref: `${target.baseUrl}apis/mam/commands/${reference.commandId}`,
      cancelHref: `${target.baseUrl}apis/mam/commands/${reference.commandId}/cancel`,
    });
    expect(first.details?.ignoredLinks).toBeUndefined();
    expect(outcome?.cancelled).toBe(true);
  });

  it('accepts and polls a reference href spelled with localhost on a 127.0.0.1 connection', async () => {
    // Prepare
    const target = await start();
    const reference = target.simulator.createDemoJob(100);
    const href = reference.href.replace('127.0.0.1', 'localhost');
    const watch = target.watch({ href });

    // Act
    checkAvidReference({ href }, target.baseUrl);
    const observation = await watch.poll();

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(target.requestLines()).toEqual([
      `GET /auth`,
      expect.stringMatching(/^POST /),
      `GET /apis/mam/commands/${reference.commandId}`,
    ]);
  });

  it('matches a command id that CTMS spells in another case or as a rounded JSON number', async () => {
    // Prepare
    const target = await start();
    const uuid = 'C296FCD5-B0A8-4750-B80B-1D06C5A2CA8A';
    const numeric = '2222498676990702465';
    target.simulator.createCommand({ id: uuid });
    target.simulator.createCommand({ id: numeric });
    target.simulator.server.inject(
      { kind: 'garbage', body: commandBody(uuid.toLowerCase(), { lifecycle: 'running' }) },
      ON_COMMANDS,
    );
    target.simulator.server.inject(
      { kind: 'garbage', body: `{"command":{"id":${numeric},"lifecycle":"running"},"version":"1.0"}` },
      ON_COMMANDS,
    );

    // Act
    const byUuid = await target.watch({ commandId: uuid }).poll();
    const byNumber = await target.watch({ commandId: numeric }).poll();

    // Assess
    expect(byUuid.status).toBe('RUNNING');
    expect(byNumber).toMatchObject({ status: 'RUNNING', details: { commandId: numeric } });
  });

  it('reads a command whose id is empty as the watched one', async () => {
    // Prepare
    const target = await start();
    const { commandId } = target.simulator.createDemoJob(100);
    target.simulator.server.inject(
      { kind: 'garbage', body: commandBody('', { lifecycle: 'running' }) },
      ON_COMMANDS,
    );

    // Act
    const observation = await target.watch({ commandId }).poll();

    // Assess
    expect(observation.status).toBe('RUNNING');
  });

  it('still refuses a genuinely different command id', async () => {
    // Prepare
    const target = await start();
    const { commandId } = target.simulator.createCommand({ id: 'c296fcd5-b0a8-4750-b80b-1d06c5a2ca8a' });
    const other = commandBody('e9094d1d-5a28-46cd-91ac-0098076dd9d1', { lifecycle: 'finished' });
    target.simulator.server.inject({ kind: 'garbage', body: other }, ON_COMMANDS);

    // Act
    const error = await thrownBy(() => target.watch({ commandId }).poll());

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

describe('Avid CTMS commandUrlTemplate', () => {
  it('takes {id} as Avid writes it, and a leading slash, relative to the base URL', async () => {
    // Prepare
    const target = await start({ options: { commandUrlTemplate: '/apis/mam/commands/{id}' } });
    const { commandId } = target.simulator.createDemoJob(100);

    // Act
    const observation = await target.watch({ commandId }).poll();

    // Assess
    expect(observation.status).toBe('QUEUED');
    expect(target.requestLines()).toContain(`GET /apis/mam/commands/${commandId}`);
  });

  it.each([
    ['apis/mam/commands', /placeholder \{commandId\}/],
    ['http://elsewhere/commands/{commandId}', /relative to the connection's base URL/],
  ])('refuses the template %s', (commandUrlTemplate, message) => {
    // Act
    const parsed = avidCtmsAdapter.optionsSchema.safeParse({ commandUrlTemplate });

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message).join('; ')).toMatch(message);
  });
});
