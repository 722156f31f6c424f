import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../lib/jobs/errors.js';
import {
  apiPathFor,
  apiPathsToTry,
  CinegyPcsOptionsSchema,
  CinegyPcsReferenceSchema,
  candidateApiPaths,
  readTaskList,
} from '../../../lib/vendors/cinegy-pcs/index.js';
import {
  authRequestParts,
  ConfigurableAuthCredentialsSchema,
  parseConfigurableAuth,
  secretValuesOf,
} from '../../../lib/vendors/shared/configurable-auth.js';

function issuesOf(value: unknown): string[] {
  const parsed = CinegyPcsReferenceSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
}

describe('Cinegy PCS reference', () => {
  it.each([
    { taskId: '7b30672e-6a83-4559-9b0c-d2454fa7bab7' },
    { name: 'Task The Trail.mp4 - 27-Jule-23 13:29:00' },
    { metadata: { 'src.name': 'The Trail.mp4' } },
    { name: 'Task A', metadata: { 'src.ext': 'mp4' }, createdAfter: '2023-07-27T10:00:00+03:00' },
  ])('accepts %j', (reference) => {
    // Act
    const issues = issuesOf(reference);

    // Assess
    expect(issues).toEqual([]);
  });

  it.each([
    [{}, 'give taskId, or name and/or metadata'],
    [{ taskId: 'a', name: 'b' }, 'taskId alone'],
    [{ taskId: 'a', createdAfter: '2023-07-27T10:00:00Z' }, 'createdAfter only picks'],
    [{ taskId: '../clients/list' }, 'taskId must be the PCS task id'],
    [{ name: '' }, 'name must not be empty'],
    [{ metadata: {} }, 'at least one key'],
    [{ metadata: { 'src.name': 42 } }, 'metadata values are strings'],
    [{ name: 'a', createdAfter: '2023-07-27 10:00' }, 'createdAfter must be an ISO 8601'],
    [{ name: 'a', url: 'http://elsewhere/' }, 'Unrecognized key'],
  ])('refuses %j, saying %j', (reference, expected) => {
    // Act
    const issues = issuesOf(reference);

    // Assess
    expect(issues.join(' | ')).toContain(expected);
  });
});

describe('Cinegy PCS options', () => {
  it('defaults to paged lookups in UTC and finds the REST root below a host-root base URL', () => {
    // Act
    const options = CinegyPcsOptionsSchema.parse({});

    // Assess
    expect(options).toMatchObject({
      pageSize: 100,
      maxPages: 20,
      notFoundGraceSeconds: 600,
      timeZone: 'UTC',
    });
    expect(apiPathFor(options, new URL('http://pcs:8666/'))).toBe('pcs/v1/');
    expect(apiPathFor(options, new URL('http://pcs:8666/pcs/v1/'))).toBe('');
    expect(apiPathFor(CinegyPcsOptionsSchema.parse({ apiPath: 'pcs/v2' }), new URL('http://pcs/'))).toBe(
      'pcs/v2/',
    );
  });

  it.each([
    [{ apiPath: '/pcs/v1/' }],
    [{ apiPath: 'http://elsewhere/' }],
    [{ apiPath: '../admin/' }],
    [{ timeZone: 'Mars/Olympus' }],
    [{ pageSize: 0 }],
    [{ pagesize: 10 }],
  ])('refuses %j', (options) => {
    // Act
    const parsed = CinegyPcsOptionsSchema.safeParse(options);

    // Assess
    expect(parsed.success).toBe(false);
  });
});

describe('Cinegy PCS REST root candidates', () => {
  it.each([
    ['http://pcs:8666/', {}, ['pcs/v1/', '']],
    ['http://pcs:8666/pcs/v1/', {}, ['']],
    ['http://pcs:8666/pcs/v2/', {}, ['']],
    ['http://gateway/cinegy/', {}, ['', 'pcs/v1/']],
    ['http://pcs:8666/pcs/', {}, ['v1/', '']],
    ['http://pcs:8666/', { apiPath: 'api/' }, ['api/']],
    ['http://pcs:8666/pcs/v1/', { apiPath: '' }, ['']],
  ] as const)('base %s with %j tries %j', (baseUrl, options, expected) => {
    // Act
    const candidates = candidateApiPaths(CinegyPcsOptionsSchema.parse(options), new URL(baseUrl));

    // Assess
    expect(candidates).toEqual(expected);
  });

  it('tries only the root a previous poll found, while it is still a candidate', () => {
    // Prepare
    const options = CinegyPcsOptionsSchema.parse({});
    const hostRoot = new URL('http://pcs:8666/');

    // Act / Assess
    expect(apiPathsToTry(options, hostRoot, '')).toEqual(['']);
    expect(apiPathsToTry(options, hostRoot, 'pcs/v1/')).toEqual(['pcs/v1/']);
    expect(apiPathsToTry(options, hostRoot, 'elsewhere/')).toEqual(['pcs/v1/', '']);
    expect(apiPathsToTry(options, hostRoot, 42)).toEqual(['pcs/v1/', '']);
  });
});

describe('Cinegy PCS task list shapes', () => {
  it.each([
    [
      { items: [{ id: 'a' }], totalCount: '1', start: 0, limit: 20 },
      { items: [{ id: 'a' }], totalCount: 1 },
    ],
    [[{ id: 'a' }], { items: [{ id: 'a' }] }],
    [{ items: [], totalCount: 'many' }, { items: [] }],
    [
      { items: null, totalCount: 0 },
      { items: [], totalCount: 0 },
    ],
  ])('reads %j', (value, expected) => {
    // Act
    const list = readTaskList(value);

    // Assess
    expect(list).toMatchObject(expected);
  });

  it.each([[{ tasks: [] }], ['[]'], [null]])('refuses %j', (value) => {
    // Act / Assess
    expect(readTaskList(value)).toBeUndefined();
  });
});

describe('configurable auth', () => {
  it.each([
    [{}, { headers: {}, query: {} }],
    [{ scheme: 'none' }, { headers: {}, query: {} }],
    [
      { scheme: 'basic', username: 'ops', password: 'p4ss' },
      { headers: { authorization: 'Basic b3BzOnA0c3M=' }, query: {} },
    ],
    [
      { scheme: 'header', headerName: 'X-Api-Key', headerValue: 'k3y-value' },
      { headers: { 'x-api-key': 'k3y-value' }, query: {} },
    ],
    [
      { scheme: 'query', paramName: 'apikey', paramValue: 'k3y-value' },
      { headers: {}, query: { apikey: 'k3y-value' } },
    ],
  ])('turns %j into the request parts %j', (credentials, expected) => {
    // Act
    const parts = authRequestParts(ConfigurableAuthCredentialsSchema.parse(credentials));

    // Assess
    expect(parts).toEqual(expected);
  });

  it.each([
    [{ username: 'ops', password: 'p4ss' }, 'scheme must be one of'],
    [{ scheme: 'basic', username: 'ops' }, 'password is required'],
    [{ scheme: 'basic', username: 'o:ps', password: 'x' }, 'must not contain ":"'],
    [{ scheme: 'header', headerName: 'Host', headerValue: 'x' }, 'reserved header'],
    [{ scheme: 'header', headerName: 'X-Key', headerValue: 'a\r\nInjected: 1' }, 'control characters'],
    [{ scheme: 'query', paramName: 'a&b', paramValue: 'x' }, 'paramName must be'],
    [{ scheme: 'none', password: 'leftover' }, 'Unrecognized key'],
  ])('refuses %j, naming the field but never its value', (credentials, expected) => {
    // Act
    const error = (() => {
      try {
        parseConfigurableAuth(credentials as Record<string, string>, 'connection "pcs"');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(expected);
    expect((error as Error).message).not.toContain('p4ss');
    expect((error as Error).message).not.toContain('leftover');
  });

  it('lists only the secret parts of credentials for redaction', () => {
    // Act
    const secrets = secretValuesOf(
      ConfigurableAuthCredentialsSchema.parse({
        scheme: 'header',
        headerName: 'X-Api-Key',
        headerValue: 'k3y-value',
      }),
    );

    // Assess
    expect(secrets).toEqual(['k3y-value']);
  });
});
