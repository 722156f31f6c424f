import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.js';

/**
 * A deploy checks its connectionsFile as `npm start` checks a local config: at synth, before
 * anything is deployed, one line per problem naming the file, the connection and the field.
 */
describe('synth with a connectionsFile', () => {
  const directory = mkdtempSync(join(tmpdir(), 'jobwatch-synth-config-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  function build(connections: unknown): () => unknown {
    const file = join(directory, `connections-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ connections }));
    return () =>
      buildApp({ connectionsFile: file, stage: 'test', nag: 'false', 'aws:cdk:bundling-stacks': [] });
  }

  function refusal(connections: unknown): string[] {
    try {
      build(connections)();
    } catch (error) {
      const lines = (error as Error).message.split('\n');
      // Each line starts with the file: strip it so expectations read as the operator sees them.
      return lines.map((line) => line.replace(/^.*connections-[a-z0-9]+\.json: /, ''));
    }
    throw new Error('synth accepted the connections');
  }

  it('accepts connections whose credentials are a named or a default secret', () => {
    const app = build([
      { name: 'pcs', vendor: 'cinegy-pcs', baseUrl: 'http://pcs.example.com:8666/' },
      {
        name: 'ac',
        vendor: 'admiralcloud',
        baseUrl: 'https://api.admiralcloud.com/',
        credentialsSecret: 'jobwatch/admiralcloud',
      },
    ]);

    expect(app).not.toThrow();
  });

  it('refuses every bad setting, one line each, by connection name', () => {
    const lines = refusal([
      {
        name: 'pcs',
        vendor: 'cinegy-pcs',
        baseUrl: 'http://ops:s3cret@pcs.example.com:8666/',
        polling: { minIntervalSeconds: 1 },
      },
      {
        name: 'okast-main',
        vendor: 'okast',
        baseUrl: 'https://channels.example.com/',
        options: { statusPath: 'https://elsewhere.example.net/x.php', pollEvery: 5 },
      },
      {
        name: 'pcs-2',
        vendor: 'cinegy-pcs',
        baseUrl: 'http://pcs.example.com/',
        options: { apiPath: '%2e%2e/' },
      },
    ]);

    expect(lines).toEqual([
      'connection "pcs": polling.minIntervalSeconds: Too small: expected number to be >=5',
      'connection "pcs": baseUrl: must not hold a user name or password (user:password@host): put them in credentials (scheme "basic") instead',
      'connection "okast-main": options.statusPath: statusPath must be a path relative to the base URL',
      'connection "okast-main": options: Unrecognized key: "pollEvery"',
      'connection "pcs-2": options.apiPath: "%2e%2e/" must not contain "." or ".." segments',
    ]);
  });

  it('refuses inline credentials, naming the connection', () => {
    const lines = refusal([
      {
        name: 'avid-prod',
        vendor: 'avid-ctms',
        baseUrl: 'https://mc.example.com/',
        credentials: { token: 'x' },
      },
    ]);

    expect(lines).toEqual([
      'connection "avid-prod": credentials: inline credentials are not deployed: credentials belong in Secrets Manager; set credentialsSecret, or leave both out and create the secret jobwatch/<stage>/<connection>',
    ]);
  });

  it('refuses a file without a connections array, naming the file', () => {
    const file = join(directory, 'no-connections.json');
    writeFileSync(file, JSON.stringify({ connection: [] }));

    expect(() => buildApp({ connectionsFile: file, stage: 'test', nag: 'false' })).toThrow(
      `${file}: connections: must be an array of connections`,
    );
  });
});
