import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../local/clock.js';
import { LocalEventBus } from '../../local/event-bus.js';
import { LocalAwsEndpoints, type LocalWorkflows } from '../../local/lambda/aws-endpoints.js';
import { LocalCallbacks } from '../../local/local-callbacks.js';
import type { LocalExecution } from '../../local/workflow-runner.js';

const STATE_MACHINE = 'arn:aws:states:local:000000000000:stateMachine:jobwatch-local-watch';
const SECRET_ARN = 'arn:aws:secretsmanager:local:000000000000:secret:jobwatch/local/avid-abcdef';

/** Records starts like the runner does: one execution per name. */
function fakeWorkflows(): LocalWorkflows {
  const executions = new Map<string, LocalExecution>();
  return {
    executions,
    start: async ({ name, input }) => {
      executions.set(name, {
        name,
        input,
        startedAt: Date.now(),
        status: 'RUNNING',
        transitions: 0,
        polls: 0,
        events: [],
        outcome: new Promise(() => undefined),
        abort: () => undefined,
      });
      return { started: true };
    },
    stop: async () => true,
  };
}

describe('the local AWS endpoints, through the real SDK clients', () => {
  const bus = new LocalEventBus();
  const callbacks = new LocalCallbacks();
  const workflows = fakeWorkflows();
  const endpoints = new LocalAwsEndpoints({
    clock: manualClock(),
    eventBusName: 'jobwatch-local',
    bus,
    stateMachineArn: STATE_MACHINE,
    workflows: () => workflows,
    callbacks,
    secrets: [{ arn: SECRET_ARN, name: 'jobwatch/local/avid', value: '{"username":"u","password":"p"}' }],
  });
  const config = () => ({
    endpoint: endpoints.url,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  beforeAll(async () => {
    await endpoints.start();
  });
  afterAll(async () => {
    await endpoints.close();
  });

  it('answers GetSecretValue by ARN and by name, and ResourceNotFoundException otherwise', async () => {
    const client = new SecretsManagerClient(config());
    const byArn = await client.send(new GetSecretValueCommand({ SecretId: SECRET_ARN }));
    const byName = await client.send(new GetSecretValueCommand({ SecretId: 'jobwatch/local/avid' }));
    expect(byArn.SecretString).toBe('{"username":"u","password":"p"}');
    expect(byName.ARN).toBe(SECRET_ARN);
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'other' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    client.destroy();
  });

  it('puts PutEvents entries on the local bus, and reports an unknown bus per entry', async () => {
    const client = new EventBridgeClient(config());
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'jobwatch-local',
            Source: 'jobwatch',
            DetailType: 'Job Status Changed',
            Detail: '{"a":1}',
          },
          { EventBusName: 'elsewhere', Source: 'jobwatch', DetailType: 'Job Status Changed', Detail: '{}' },
        ],
      }),
    );
    await endpoints.drain();
    expect(answer.FailedEntryCount).toBe(1);
    expect(answer.Entries?.[1]?.ErrorCode).toBe('NotFoundException');
    expect(bus.published).toMatchObject([
      { source: 'jobwatch', 'detail-type': 'Job Status Changed', detail: { a: 1 } },
    ]);
    client.destroy();
  });

  it('starts executions with Step Functions naming rules and answers with AWS error names', async () => {
    const client = new SFNClient(config());
    const start = (input: string) =>
      client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE, name: 'job-1', input }));

    const started = await start('{"jobId":"job-1"}');
    const again = await start('{"jobId":"job-1"}');

    expect(started.executionArn).toBe(
      'arn:aws:states:local:000000000000:execution:jobwatch-local-watch:job-1',
    );
    expect(again.executionArn).toBe(started.executionArn);
    expect(workflows.executions.get('job-1')?.input).toEqual({ jobId: 'job-1' });
    await expect(start('{"jobId":"other"}')).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    const described = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(described.status).toBe('RUNNING');
    await expect(
      client.send(new DescribeExecutionCommand({ executionArn: `${started.executionArn}-nope` })),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: 'never-issued', output: '{}' })),
    ).rejects.toBeInstanceOf(InvalidToken);
    client.destroy();
  });

  it('completes a task token with SendTaskSuccess', async () => {
    const client = new SFNClient(config());
    const { taskToken, outcome } = callbacks.issue();
    await client.send(new SendTaskSuccessCommand({ taskToken, output: '{"status":"SUCCEEDED"}' }));
    expect(await outcome).toEqual({ status: 'SUCCEEDED', output: { status: 'SUCCEEDED' } });
    client.destroy();
  });
});
