import { describe, expect, it } from 'vitest';
import { MAX_POLL_INTERVAL_SECONDS } from '../../lib/config/connections.js';
import { ConfigurationError } from '../../lib/jobs/errors.js';
import { POLL_INTERVAL_TIERS } from '../../lib/workflow/poll-contract.js';
import { parseLocalConfig } from '../../local/local-config.js';

const FILE = 'jobwatch.json';

const cinegy = (fields: Record<string, unknown> = {}) => ({
  name: 'pcs-main',
  vendor: 'cinegy-pcs',
  baseUrl: 'http://pcs.example.com:8666/',
  ...fields,
});

/** The message of what parseLocalConfig throws, one problem a line. */
function refusal(connections: unknown[]): string[] {
  try {
    parseLocalConfig({ connections }, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message.split('\n');
  }
  throw new Error('the config was accepted');
}

/**
 * Everything a connection says is checked when the config is read, so an operator learns of a
 * bad setting when jobwatch starts, never at the first poll; each problem is one line naming the
 * file, the connection by name and the field.
 */
describe('checking the connections of a local config file', () => {
  it('accepts a complete, valid connection of every vendor', () => {
    const config = parseLocalConfig(
      {
        connections: [
          cinegy({
            options: { apiPath: 'pcs/v1/' },
            polling: { minIntervalSeconds: 5, maxIntervalSeconds: 300 },
          }),
          {
            name: 'okast-main',
            vendor: 'okast',
            baseUrl: 'https://channels.example.com/synthesia/okast-channels/',
            options: { timeZone: 'Europe/Paris' },
          },
          {
            name: 'ac',
            vendor: 'admiralcloud',
            baseUrl: 'https://api.admiralcloud.com/',
            credentials: { accessKey: 'k', accessSecret: 's' },
          },
          {
            name: 'avid',
            vendor: 'avid-ctms',
            baseUrl: 'https://mc.example.com/',
            credentials: { token: 't' },
          },
          {
            name: 'vdg',
            vendor: 'vdg-sense',
            baseUrl: 'http://vdg.example.com/',
            options: { auth: { nonce: 'AR5chsWVZagPfMpB' } },
          },
        ],
      },
      FILE,
    );

    expect(config.connections.map((connection) => connection.name)).toEqual([
      'pcs-main',
      'okast-main',
      'ac',
      'avid',
      'vdg',
    ]);
  });

  it('refuses a baseUrl with a user name and password, without repeating them', () => {
    const lines = refusal([cinegy({ baseUrl: 'http://ops:s3cret@pcs.example.com:8666/' })]);

    expect(lines).toEqual([
      'jobwatch.json: connection "pcs-main": baseUrl: must not hold a user name or password (user:password@host): put them in credentials (scheme "basic") instead',
    ]);
  });

  it('refuses a baseUrl with a query, which requests would drop', () => {
    expect(refusal([cinegy({ baseUrl: 'http://pcs.example.com:8666/?key=abc' })])).toEqual([
      'jobwatch.json: connection "pcs-main": baseUrl: must not have a query (?…) or fragment (#…): requests would silently drop it; a key in the query belongs in credentials (scheme "query")',
    ]);
  });

  it('refuses an option the vendor does not have', () => {
    expect(refusal([cinegy({ options: { pollEvery: 5 } })])).toEqual([
      'jobwatch.json: connection "pcs-main": options: Unrecognized key: "pollEvery"',
    ]);
  });

  it('refuses an option value the vendor schema refuses, naming the option', () => {
    expect(refusal([cinegy({ options: { pageSize: 0 } })])).toEqual([
      'jobwatch.json: connection "pcs-main": options.pageSize: Too small: expected number to be >=1',
    ]);
  });

  it.each([
    ['%2e%2e/', '"%2e%2e/" must not contain "." or ".." segments'],
    ['pcs/%2E%2E/%2e%2e/other/', '"pcs/%2E%2E/%2e%2e/other/" must not contain "." or ".." segments'],
    ['..\\admin/', '"..\\\\admin/" must not contain "\\" (it reads as "/")'],
    ['pcs%2f..%2fadmin/', '"pcs%2f..%2fadmin/" must not contain "." or ".." segments'],
  ])('refuses a Cinegy apiPath %s that leaves the base URL', (apiPath, message) => {
    expect(refusal([cinegy({ options: { apiPath } })])).toEqual([
      `jobwatch.json: connection "pcs-main": options.apiPath: ${message}`,
    ]);
  });

  it('refuses an Okast statusPath on another host', () => {
    const okast = {
      name: 'okast-main',
      vendor: 'okast',
      baseUrl: 'https://channels.example.com/',
      options: { statusPath: 'https://elsewhere.example.net/_getIngestStatus.php' },
    };

    expect(refusal([okast])).toEqual([
      // A full URL is no longer read as a statusPath at all (issue 11: the knob is a path).
      'jobwatch.json: connection "okast-main": options.statusPath: statusPath must be a path relative to the base URL',
    ]);
  });

  it('refuses an absolute AdmiralCloud path that escapes a base URL with a path', () => {
    const admiralcloud = {
      name: 'ac',
      vendor: 'admiralcloud',
      baseUrl: 'https://gateway.example.com/admiralcloud/',
      credentials: { accessKey: 'k', accessSecret: 's' },
      options: { jobResultPath: '/v5/activity/jobResult/{jobId}' },
    };

    expect(refusal([admiralcloud])).toEqual([
      'jobwatch.json: connection "ac": options.jobResultPath: "/v5/activity/jobResult/{jobId}" resolves to https://gateway.example.com/v5/activity/jobResult/x, outside the baseUrl https://gateway.example.com/admiralcloud/; give a path relative to it',
    ]);
  });

  it('refuses missing credentials, naming the fields and never a value', () => {
    const admiralcloud = {
      name: 'ac',
      vendor: 'admiralcloud',
      baseUrl: 'https://api.admiralcloud.com/',
      credentials: { accessKey: 'AKIA-visible-key' },
    };

    expect(refusal([admiralcloud])).toEqual([
      'jobwatch.json: connection "ac": credentials.accessSecret: accessSecret is required',
    ]);
  });

  it('refuses credentials of the wrong shape for the vendor', () => {
    expect(refusal([cinegy({ credentials: { username: 'ops', password: 'p' } })])[0]).toMatch(
      /^jobwatch\.json: connection "pcs-main": credentials\.scheme: /,
    );
  });

  it('refuses a credentialsSecret in local mode, where nothing reads it', () => {
    expect(refusal([cinegy({ credentialsSecret: 'jobwatch/pcs' })])).toEqual([
      'jobwatch.json: connection "pcs-main": credentialsSecret: local mode reads credentials from the file, not from Secrets Manager: write them in credentials',
    ]);
  });

  it.each([
    [{ minIntervalSeconds: 1 }, 'polling.minIntervalSeconds: Too small: expected number to be >=5'],
    [{ maxIntervalSeconds: 4 }, 'polling.maxIntervalSeconds: Too small: expected number to be >=5'],
    [{ maxIntervalSeconds: 3600 }, 'polling.maxIntervalSeconds: Too big: expected number to be <=1800'],
    [
      { minIntervalSeconds: 60, maxIntervalSeconds: 30 },
      'polling.minIntervalSeconds: 60 is more than maxIntervalSeconds 30',
    ],
    [
      { defaultDeadlineSeconds: 400 * 86_400 },
      'polling.defaultDeadlineSeconds: Too big: expected number to be <=31536000',
    ],
  ])('refuses polling %o outside the documented bounds', (polling, message) => {
    expect(refusal([cinegy({ polling })])).toEqual([`jobwatch.json: connection "pcs-main": ${message}`]);
  });

  it('bounds the interval by the longest wait the state machine has', () => {
    expect(MAX_POLL_INTERVAL_SECONDS).toBe(POLL_INTERVAL_TIERS.at(-1));
  });

  it('names every problem of every connection, one line each, by connection name', () => {
    const lines = refusal([
      cinegy({
        baseUrl: 'http://u:p@pcs.example.com/',
        polling: { minIntervalSeconds: 1 },
        options: { nope: 1 },
      }),
      { name: 'avid', vendor: 'avid-ctms', baseUrl: 'https://mc.example.com/', timeoutMs: 60_000 },
      cinegy(),
    ]);

    expect(lines).toEqual([
      'jobwatch.json: connection "pcs-main": polling.minIntervalSeconds: Too small: expected number to be >=5',
      'jobwatch.json: connection "pcs-main": baseUrl: must not hold a user name or password (user:password@host): put them in credentials (scheme "basic") instead',
      'jobwatch.json: connection "pcs-main": options: Unrecognized key: "nope"',
      'jobwatch.json: connection "avid": timeoutMs: timeoutMs 60000 is more than the 45000 ms all requests of one poll may take together; set at most 45000',
      'jobwatch.json: connection "pcs-main": name: defined twice (connections 1 and 3 in the file); names must be unique',
    ]);
    expect(lines.join('\n')).not.toMatch(/connections\.\d/);
  });

  it('names a connection without a name by its place in the file', () => {
    expect(refusal([{ vendor: 'okast', baseUrl: 'https://c.example.com/' }])).toEqual([
      'jobwatch.json: connection 1 (it has no name): name: Invalid input: expected string, received undefined',
    ]);
  });
});
