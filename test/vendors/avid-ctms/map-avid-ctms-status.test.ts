import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../lib/jobs/job.js';
import {
  commandToObservation,
  mapAvidLifecycle,
  parseAvidDate,
  parseCommandResource,
} from '../../../lib/vendors/avid-ctms/index.js';

const BASE_URL = new URL('https://mc.example.com/');

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

function observe(body: unknown, baseUrl = BASE_URL): Observation {
  const resource = parseCommandResource(body);
  if (!resource) throw new Error('not a command resource');
  return commandToObservation(resource, baseUrl);
}

const SEED_LINKS_IGNORED = [
  "self → https://host/%E2%80%A6 (outside the connection's base URL, not followed)",
  "command:cancel → https://host/%E2%80%A6 (outside the connection's base URL, not followed)",
];

describe('Avid CTMS seed examples', () => {
  it.each([
    {
      name: 'command-finished.json',
      expected: {
        status: 'SUCCEEDED',
        rawStatus: 'finished',
        progress: 100,
        message: 'Thumbnail changed successfully',
        vendorUpdatedAt: '2020-01-27T12:21:54.644Z',
        details: {
          ignoredLinks: SEED_LINKS_IGNORED,
          commandId: 'c296fcd5-b0a8-4750-b80b-1d06c5a2ca8a',
          commandType: 'aa:set-thumb-command',
          stateCode: 'CTMS/THUMB_CHANGED',
          serviceName: 'MAMAssetsCTC_1',
          serviceInstance: 'MAMAssetsCTC_1',
          serviceVersion: '7.4.0.102',
          createdAt: '2020-01-27T12:21:53.913Z',
          finishedAt: '2020-01-27T12:21:54.644Z',
        },
      },
    },
    {
      name: 'command-failed.json',
      expected: {
        status: 'FAILED',
        rawStatus: 'error',
        message: 'Failed to download image',
        error: {
          message: 'Failed to download image',
          code: 'CTMS/INTERNAL_SERVER_ERROR',
          cause: 'runtimeError',
          httpCode: 500,
        },
        vendorUpdatedAt: '2020-01-27T14:07:37.602Z',
        details: {
          ignoredLinks: SEED_LINKS_IGNORED,
          commandId: 'e9094d1d-5a28-46cd-91ac-0098076dd9d1',
          commandType: 'aa:set-thumb',
          serviceName: 'MAMAssetsCTC_1',
          serviceInstance: 'MAMAssetsCTC_1',
          serviceVersion: '7.4.0.102',
          createdAt: '2020-01-27T14:07:37.187Z',
          finishedAt: '2020-01-27T14:07:37.602Z',
        },
      },
    },
    {
      name: 'command-bulk-partial.json',
      expected: {
        status: 'SUCCEEDED',
        rawStatus: 'finished',
        progress: 100,
        partial: true,
        message: 'Deleted 1 of 2 items',
        vendorUpdatedAt: '2020-08-11T12:25:45.627Z',
        details: {
          bulk: {
            total: 2,
            succeeded: 1,
            failed: 1,
            undetermined: 0,
            failures: [
              {
                errorCode: 'avid.mam.assets.access/BAD_ARGUMENT',
                errorMessage: 'Invalid item ID',
                httpStatus: 400,
              },
            ],
          },
          ignoredLinks: [SEED_LINKS_IGNORED[0]],
          commandId: 'ab1b0976-0025-4211-87fa-fda6c033f4c9',
          commandType: 'loc:delete-item-by-id-bulk-command',
          stateCode: 'avid.mam.assets.access/DELETE_ITEMS_DONE',
          serviceName: 'MAMAssetsCTC_1',
          serviceInstance: 'MAMAssetsCTC_1',
          serviceVersion: '7.5.0.91',
          host: 'hostname',
          createdAt: '2020-08-11T12:25:45.142Z',
          finishedAt: '2020-08-11T12:25:45.627Z',
        },
      },
    },
  ])('maps the seed example $name to its normalized snapshot', ({ name, expected }) => {
    // Prepare
    const body = fixture(name);

    // Act
    const observation = observe(body);

    // Assess
    expect(observation).toEqual(expected);
  });

  it("remembers the seed's self and cancel links when they are under the connection's base URL", () => {
    // Prepare
    const body = fixture('command-failed.json');

    // Act
    const observation = observe(body, new URL('https://host/'));

    // Assess
    // Stored resolved and normalized, as they will be fetched.
    expect(observation.adapterState).toEqual({
      selfHref: 'https://host/%E2%80%A6',
      cancelHref: 'https://host/%E2%80%A6',
    });
    expect(observation.details?.ignoredLinks).toBeUndefined();
  });
});

function command(fields: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return { command: { id: 'c1', type: 'aa:test-command', ...fields }, version: '1.0', ...extra };
}

describe('Avid CTMS lifecycle mapping', () => {
  it.each([
    { lifecycle: 'pending', cause: undefined, status: 'QUEUED' },
    { lifecycle: 'running', cause: undefined, status: 'RUNNING' },
    { lifecycle: 'suspended', cause: undefined, status: 'SUSPENDED' },
    { lifecycle: 'finished', cause: undefined, status: 'SUCCEEDED' },
    { lifecycle: 'error', cause: 'runtimeError', status: 'FAILED' },
    { lifecycle: 'error', cause: 'timeout', status: 'FAILED' },
    { lifecycle: 'error', cause: 'rejected', status: 'FAILED' },
    { lifecycle: 'error', cause: 'canceled', status: 'CANCELLED' },
    { lifecycle: 'error', cause: undefined, status: 'FAILED' },
    { lifecycle: 'Running', cause: undefined, status: 'RUNNING' },
    { lifecycle: 'archived', cause: undefined, status: 'UNKNOWN' },
  ])('maps lifecycle $lifecycle (cause $cause) to $status', ({ lifecycle, cause, status }) => {
    // Act
    const mapped = mapAvidLifecycle(lifecycle, cause);

    // Assess
    expect(mapped).toBe(status);
  });

  it('keeps cause, code, httpCode and text of an error, and calls a cancel by the service CANCELLED', () => {
    // Prepare
    const body = command({
      lifecycle: 'error',
      error: {
        cause: 'canceled',
        code: 'CTMS/CANCELED',
        httpCode: 409,
        text: 'Canceled after service restart',
      },
    });

    // Act
    const observation = observe(body);

    // Assess
    expect(observation.status).toBe('CANCELLED');
    expect(observation.error).toEqual({
      message: 'Canceled after service restart',
      code: 'CTMS/CANCELED',
      cause: 'canceled',
      httpCode: 409,
    });
  });

  it('says so when an error lifecycle carries no error struct', () => {
    // Act
    const observation = observe(command({ lifecycle: 'error' }));

    // Assess
    expect(observation.status).toBe('FAILED');
    expect(observation.error?.message).toMatch(/without error details/);
  });

  it('reports a lifecycle it does not know as UNKNOWN and keeps the raw value', () => {
    // Act
    const observation = observe(command({ lifecycle: 'archived', progress: 12 }));

    // Assess
    expect(observation).toMatchObject({ status: 'UNKNOWN', rawStatus: 'archived', progress: 12 });
  });

  it('reads progress and the state text of a running command', () => {
    // Act
    const observation = observe(
      command({ lifecycle: 'running', progress: '42', state: { text: 'Copying', code: 'X' } }),
    );

    // Assess
    expect(observation).toMatchObject({ status: 'RUNNING', progress: 42, message: 'Copying' });
  });

  it('fails a finished bulk command whose items all failed, saying how many', () => {
    // Prepare
    const body = command(
      { lifecycle: 'finished', progress: 100 },
      {
        payload: {
          result: [
            {
              success: false,
              data: '',
              httpStatus: 404,
              errorCode: 'NOT_FOUND',
              errorMessage: 'No such item',
            },
            {
              success: false,
              data: '',
              httpStatus: 400,
              errorCode: 'BAD_ARGUMENT',
              errorMessage: 'Invalid item ID',
            },
          ],
        },
      },
    );

    // Act
    const observation = observe(body);

    // Assess
    expect(observation.status).toBe('FAILED');
    expect(observation.error).toEqual({
      message: 'All 2 items of the bulk command failed (first: No such item)',
      code: 'NOT_FOUND',
      httpCode: 404,
    });
    expect(observation.details?.bulk).toMatchObject({ total: 2, succeeded: 0, failed: 2 });
  });

  it('counts a bulk command whose items all succeeded as a plain success', () => {
    // Act
    const observation = observe(
      command({ lifecycle: 'finished' }, { payload: { result: [{ success: true, data: '1' }] } }),
    );

    // Assess
    expect(observation.status).toBe('SUCCEEDED');
    expect(observation.partial).toBeUndefined();
  });

  it('falls back to the counts in state.params when a bulk command sends no result list', () => {
    // Act
    const observation = observe(
      command({
        lifecycle: 'finished',
        state: { text: 'Deleted 1 of 3', params: { totalCount: 3, successCount: 1, failureCount: 2 } },
      }),
    );

    // Assess
    expect(observation).toMatchObject({ status: 'SUCCEEDED', partial: true });
  });

  it('reads the counts from state.param, as the documentation also spells it', () => {
    // Act
    const observation = observe(
      command({
        lifecycle: 'finished',
        state: {
          text: 'Deleted 0 of 2',
          params: { note: 'x' },
          param: { totalCount: '2', successCount: 0, failureCount: 2 },
        },
      }),
    );

    // Assess
    expect(observation).toMatchObject({ status: 'FAILED', details: { bulk: { total: 2, failed: 2 } } });
  });

  it('survives unreadable dates and names them instead of crashing', () => {
    // Act
    const observation = observe(
      command({ lifecycle: 'running', created: 'yesterday', modified: '2020-13-45T99:00:00Z' }),
    );

    // Assess
    expect(observation.vendorUpdatedAt).toBeUndefined();
    expect(observation.details?.unreadableDates).toEqual(['created', 'modified']);
  });

  it('refuses JSON that is not a command resource', () => {
    // Act / Assess
    expect(parseCommandResource({ error: { text: 'nope' } })).toBeUndefined();
    expect(parseCommandResource('finished')).toBeUndefined();
  });
});

describe('Avid CTMS dates', () => {
  it.each([
    ['2020-01-27T13:21:53.9138053+01:00', '2020-01-27T12:21:53.913Z'],
    ['2020-08-11T14:25:45.1426858+02:00', '2020-08-11T12:25:45.142Z'],
    ['2020-01-27T13:21:53Z', '2020-01-27T13:21:53.000Z'],
    ['2020-01-27T13:21:53.5+0100', '2020-01-27T12:21:53.500Z'],
    ['2020-01-27T13:21:53.123', '2020-01-27T13:21:53.123Z'],
    ['not a date', undefined],
    ['', undefined],
  ])('reads %s as %s', (raw, expected) => {
    // Act / Assess
    expect(parseAvidDate(raw)).toBe(expected);
  });
});

describe('Avid CTMS payloads that bend the documentation', () => {
  it('reads a bulk result whose items carry only httpStatus/errorCode, and counts from state.param', () => {
    // Prepare
    const body = fixture('command-bulk-status-only.json');

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

  it('keeps reading a command whose fields have unexpected types, and resolves relative and curie links', () => {
    // Prepare
    const body = fixture('command-loose-types.json');
    const documentUrl = new URL('https://mc.example.com/pamctc/commands/2222498676990702465');

    // Act
    const resource = parseCommandResource(body);
    const observation = resource ? commandToObservation(resource, BASE_URL, documentUrl) : undefined;

    // Assess
    expect(observation).toMatchObject({
      status: 'RUNNING',
      rawStatus: 'RUNNING',
      progress: 37,
      message: 'Copying essence',
      vendorUpdatedAt: '2020-01-27T12:21:54.644Z',
      adapterState: {
        selfHref: 'https://mc.example.com/pamctc/commands/2222498676990702465',
        cancelHref: 'https://mc.example.com/pamctc/commands/2222498676990702465/cancel',
      },
    });
    expect(observation?.details).toMatchObject({ createdAt: '2020-01-27T12:21:53.913Z' });
    expect(observation?.details?.host).toBeUndefined();
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

  it('reads a result list wrapped in an object, and falls back to the counts when no item says anything', () => {
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
    expect(wrapped).toMatchObject({
      status: 'SUCCEEDED',
      partial: true,
      details: { bulk: { total: 2, failed: 1 } },
    });
    expect(silent.status).toBe('FAILED');
    expect(silent.error?.message).toMatch(/^All 2 items of the bulk command failed/);
  });

  it.each([
    ['150', 100],
    [-5, 0],
    ['42.5 %', 42.5],
    ['soon', undefined],
    [undefined, undefined],
  ])('reads progress %j as %j', (progress, expected) => {
    // Act
    const observation = observe(command({ lifecycle: 'running', progress }));

    // Assess
    expect(observation.progress).toBe(expected);
  });

  it.each([
    [{ cause: 'cancelled', text: 'Stopped' }, 'CANCELLED'],
    [{ cause: 'CANCELED', text: 'Stopped' }, 'CANCELLED'],
    [{ cause: 'quotaExceeded', text: 'No quota' }, 'FAILED'],
    [{ text: 'No cause given', code: 'X/Y' }, 'FAILED'],
  ])('maps error %j to %s', (error, status) => {
    // Act
    const observation = observe(command({ lifecycle: 'Error', error }));

    // Assess
    expect(observation.status).toBe(status);
    expect(observation.error?.message).toBe(error.text);
  });

  it('reads an error sent as a bare string, and prefers it to a stale state text', () => {
    // Act
    const observation = observe(
      command({ lifecycle: 'error', state: { text: 'Processing' }, error: 'Disk full on target volume' }),
    );

    // Assess
    expect(observation).toMatchObject({
      status: 'FAILED',
      message: 'Disk full on target volume',
      error: { message: 'Disk full on target volume' },
    });
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

    // Assess
    expect(prefixed.adapterState?.cancelHref).toBe('https://mc.example.com/cmds/c1/stop');
    expect(expanded.adapterState?.cancelHref).toBe('https://mc.example.com/cmds/c1/x');
  });

  it('reads epoch-number dates in seconds and milliseconds', () => {
    // Act / Assess
    expect(parseAvidDate(1580127713913)).toBe('2020-01-27T12:21:53.913Z');
    expect(parseAvidDate(1580127713)).toBe('2020-01-27T12:21:53.000Z');
    expect(parseAvidDate(Number.NaN)).toBeUndefined();
  });
});
