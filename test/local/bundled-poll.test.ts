import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../lib/config/deployed-connections.js';
import { POLL_FAILED_ERROR } from '../../lib/workflow/poll-contract.js';
import { systemClock } from '../../local/clock.js';
import { LocalEventBus } from '../../local/event-bus.js';
import { type LocalFunction, loadLocalDeployment } from '../../local/lambda/assembly.js';
import { LocalAwsEndpoints } from '../../local/lambda/aws-endpoints.js';
import { LambdaHost } from '../../local/lambda/lambda-host.js';
import { LocalCallbacks } from '../../local/local-callbacks.js';

describe('the bundled poll function from the synthesized assembly', () => {
  let poll: LocalFunction;
  let endpoints: LocalAwsEndpoints;
  let host: LambdaHost;

  beforeAll(async () => {
    const deployment = await loadLocalDeployment(
      [{ name: 'avid', vendor: 'avid-ctms', baseUrl: 'http://127.0.0.1:9', credentials: { password: 'p' } }],
      { tableName: 'jobwatch-local-jobs' },
    );
    const found = deployment.functions.find((fn) => fn.role === 'poll');
    if (!found) throw new Error('The app has no poll function');
    poll = found;
    endpoints = new LocalAwsEndpoints({
      clock: systemClock,
      eventBusName: deployment.eventBusName,
      bus: new LocalEventBus(),
      stateMachineArn: 'arn:aws:states:local:000000000000:stateMachine:unused',
      workflows: () => {
        throw new Error('not used');
      },
      callbacks: new LocalCallbacks(),
    });
    await endpoints.start();
    const cursorSecretArn = poll.environment.CURSOR_SECRET_ARN ?? '';
    endpoints.addSecret({ arn: cursorSecretArn, name: 'cursor', value: 'a-cursor-secret-of-enough-length' });
  }, 60_000);
  afterAll(async () => {
    await host?.close();
    await endpoints?.close();
  });

  it('is minified, with the template environment resolved to local names', () => {
    const code = readFileSync(poll.handlerFile, 'utf8');
    expect(code).not.toMatch(/class ConfigurationError\b/);
    expect(poll).toMatchObject({ handlerExport: 'handler', timeoutSeconds: 60, memoryMb: 512 });
    expect(poll.environment).toMatchObject({
      TABLE_NAME: 'jobwatch-local-jobs',
      EVENT_BUS_NAME: 'jobwatch-local',
      CURSOR_SECRET_ARN: expect.stringMatching(/^arn:aws:secretsmanager:local:000000000000:secret:/),
    });
    // The deployed connections: a file in the code asset, named and hashed by the environment;
    // no inline credentials, the default secret's name instead
    expect(poll.environment.JOBWATCH_CONNECTIONS_FILE).toBe('connections.json');
    const text = readFileSync(join(dirname(poll.handlerFile), 'connections.json'), 'utf8');
    expect(poll.environment.JOBWATCH_CONNECTIONS_SHA256).toBe(sha256Hex(text));
    const [connection] = JSON.parse(text).connections;
    expect(connection).not.toHaveProperty('credentials');
    expect(connection.credentialsSecret).toBe('jobwatch/local/avid');
  });

  it('ships each adapter as a chunk of its own that only a dynamic import() reaches', () => {
    const directory = dirname(poll.handlerFile);
    const modules = readdirSync(directory).filter((name) => name.endsWith('.mjs'));
    const chunk = modules.find((name) => name.startsWith('avid-ctms-'));
    expect(chunk).toBeDefined();
    const code = modules.map((name) => readFileSync(join(directory, name), 'utf8')).join('\n');
    expect(code).toContain(`import("./${chunk}")`);
    expect(code).not.toMatch(new RegExp(`(from|import)\\s*"\\./${chunk}"`));
  });

  it('reports a ConfigurationError by its own name for a connection with invalid options', async () => {
    // Prepare: the deployed environment, naming a connections file whose one connection has
    // options that are not an object
    const connections = [
      { name: 'broken', vendor: 'avid-ctms', baseUrl: 'http://127.0.0.1:9', options: 'oops' },
    ];
    const text = JSON.stringify({ connections });
    const file = join(mkdtempSync(join(tmpdir(), 'jobwatch-broken-')), 'connections.json');
    writeFileSync(file, text);
    host = new LambdaHost({
      fn: {
        ...poll,
        name: poll.logicalId,
        environment: {
          ...poll.environment,
          JOBWATCH_CONNECTIONS_FILE: file,
          JOBWATCH_CONNECTIONS_SHA256: sha256Hex(text),
        },
      },
      overrides: {
        ...endpoints.endpointEnvironment(),
        AWS_REGION: 'local',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_TRACE_ENABLED: 'false',
      },
      clock: systemClock,
    });
    const event = {
      input: { jobId: 'job-1', continuation: 0 },
      execution: {
        id: 'arn:aws:states:local:000000000000:execution:m:job-1',
        startTime: new Date().toISOString(),
      },
    };

    // Act / Assess: the poll reports it as a workflow signal whose cause starts with the error's
    // name; a minifier-chosen class name (`new.target.name`) would show there instead.
    await expect(host.invoke(event, 'stepFunctions')).rejects.toMatchObject({
      errorType: POLL_FAILED_ERROR,
      errorMessage: expect.stringMatching(/^ConfigurationError: \/.*connections\.json: /),
    });
  });
});
