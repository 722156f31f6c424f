import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type AvidCtmsObservation,
  commandToObservation,
} from '../../../lib/vendors/avid-ctms/avid-ctms-observation.js';
import { parseCommandResource } from '../../../lib/vendors/avid-ctms/avid-ctms-schema.js';
import { mapAvidLifecycle } from '../../../lib/vendors/avid-ctms/map-avid-ctms-status.js';

const BASE_URL = new URL('https://mc.example.com/');

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

function observe(body: unknown, baseUrl = BASE_URL): AvidCtmsObservation {
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
    // The documented words only, as written: another spelling is a value no mapping knows.
    { lifecycle: 'Running', cause: undefined, status: 'UNKNOWN' },
    { lifecycle: 'error', cause: 'cancelled', status: 'FAILED' },
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
      command({ lifecycle: 'running', progress: 42, state: { text: 'Copying', code: 'X' } }),
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
          param: { totalCount: 2, successCount: 0, failureCount: 2 },
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
