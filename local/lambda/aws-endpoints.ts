import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../clock.js';
import type { LocalCallbacks } from '../local-callbacks.js';
import type { LocalExecution } from '../workflow-runner.js';

/** What the endpoints need of the local workflow runner (its public face). */
export interface LocalWorkflows {
  readonly executions: ReadonlyMap<string, LocalExecution>;
  start(request: { name: string; input: never }): Promise<{ started: boolean }>;
  stop(name: string, reason: string): Promise<boolean>;
}

/** What the endpoints need of the local event bus. */
export interface LocalBus {
  put(source: string, detailType: string, detail: unknown): Promise<void>;
}

export interface LocalSecret {
  arn: string;
  name: string;
  value: string;
}

export interface LocalAwsEndpointsOptions {
  clock: Clock;
  eventBusName: string;
  bus: LocalBus;
  stateMachineArn: string;
  /** The runner, once it exists (it needs the functions that need these endpoints). */
  workflows: () => LocalWorkflows;
  callbacks: LocalCallbacks;
  secrets?: readonly LocalSecret[];
}

/** An AWS error answer: its `__type` is the SDK's exception name. */
class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

type Operation = (input: Record<string, unknown>) => Promise<unknown>;

const MAX_PAYLOAD_BYTES = 262_144;
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

const seconds = (ms: number) => ms / 1000;

/** An execution's input as StartExecution checks it: at most 256 KiB, and JSON. */
function parseExecutionInput(text: string): unknown {
  if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES) {
    throw new AwsError('InvalidExecutionInput', `Execution input is over ${MAX_PAYLOAD_BYTES} bytes`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AwsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
  }
}

/**
 * The AWS APIs the bundled functions call, on one loopback HTTP server speaking AWS's JSON
 * protocols (`X-Amz-Target`): Secrets Manager GetSecretValue, EventBridge PutEvents, and Step
 * Functions StartExecution, StopExecution, DescribeExecution, SendTaskSuccess, SendTaskFailure,
 * backed by the local stack's bus, runner and callbacks. Errors carry AWS's exception names, so
 * the real SDK clients throw their modeled exceptions. The SDK finds it through
 * `AWS_ENDPOINT_URL_<SERVICE>` ({@link endpointEnvironment}).
 *
 * @example
 * const endpoints = new LocalAwsEndpoints({ clock, eventBusName, bus, stateMachineArn, workflows: () => runner, callbacks });
 * const url = await endpoints.start();
 */
export class LocalAwsEndpoints {
  url = '';
  private server: Server | undefined;
  private readonly secrets: LocalSecret[] = [];
  private readonly deliveries = new Set<Promise<unknown>>();
  private readonly operations: Record<string, Operation>;

  constructor(private readonly options: LocalAwsEndpointsOptions) {
    for (const secret of options.secrets ?? []) this.addSecret(secret);
    this.operations = {
      'secretsmanager.GetSecretValue': (input) => this.getSecretValue(input),
      'AWSEvents.PutEvents': (input) => this.putEvents(input),
      'AWSStepFunctions.StartExecution': (input) => this.startExecution(input),
      'AWSStepFunctions.StopExecution': (input) => this.stopExecution(input),
      'AWSStepFunctions.DescribeExecution': (input) => this.describeExecution(input),
      'AWSStepFunctions.SendTaskSuccess': (input) => this.sendTaskSuccess(input),
      'AWSStepFunctions.SendTaskFailure': (input) => this.sendTaskFailure(input),
    };
  }

  addSecret(secret: LocalSecret): void {
    this.secrets.push(secret);
  }

  /** The environment that points the AWS SDK v3 clients at these endpoints. */
  endpointEnvironment(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_SFN: this.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: this.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.url,
    };
  }

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      void this.handle(request).then(({ status, body, type }) => {
        response.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': randomUUID(),
          ...(type ? { 'x-amzn-errortype': type } : {}),
        });
        response.end(body);
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Waits for the rule targets of events put so far (PutEvents answers before they run). */
  async drain(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled([...this.deliveries]);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; body: string; type?: string }> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = this.operations[target];
      if (!operation) throw new AwsError('UnknownOperationException', `Unknown operation ${target}`);
      const text = Buffer.concat(chunks).toString('utf8');
      const input = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      return { status: 200, body: JSON.stringify((await operation(input)) ?? {}) };
    } catch (error) {
      const aws =
        error instanceof AwsError
          ? error
          : new AwsError('InternalFailure', error instanceof Error ? error.message : String(error), 500);
      return {
        status: aws.status,
        type: aws.type,
        body: JSON.stringify({ __type: aws.type, message: aws.message }),
      };
    }
  }

  private async getSecretValue(input: Record<string, unknown>) {
    const id = String(input.SecretId ?? '');
    // By ARN, by name, or by an ARN without the six random characters (a partial ARN).
    const secret = this.secrets.find(
      (candidate) =>
        candidate.arn === id || candidate.name === id || candidate.arn.replace(/-[A-Za-z0-9]{6}$/, '') === id,
    );
    if (!secret)
      throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return {
      ARN: secret.arn,
      Name: secret.name,
      SecretString: secret.value,
      VersionId: 'local-version-1',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: seconds(this.options.clock.now()),
    };
  }

  private async putEvents(input: Record<string, unknown>) {
    const entries = (input.Entries ?? []) as Array<Record<string, unknown>>;
    if (entries.length < 1 || entries.length > 10) {
      throw new AwsError('ValidationException', 'Entries must hold between 1 and 10 events');
    }
    const { eventBusName } = this.options;
    const results = entries.map((entry) => {
      const bus = String(entry.EventBusName ?? 'default');
      if (bus !== eventBusName && !bus.endsWith(`:event-bus/${eventBusName}`)) {
        return { ErrorCode: 'NotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(String(entry.Detail ?? '{}'));
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' };
      }
      // As EventBridge: PutEvents answers once the event is accepted; its targets run after.
      const delivery = this.options.bus.put(String(entry.Source), String(entry.DetailType), detail);
      this.deliveries.add(delivery);
      void delivery.then(
        () => this.deliveries.delete(delivery),
        () => this.deliveries.delete(delivery),
      );
      return { EventId: randomUUID() };
    });
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  private executionArn(name: string): string {
    return `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  private execution(input: Record<string, unknown>): LocalExecution {
    const arn = String(input.executionArn ?? '');
    const prefix = this.executionArn('');
    const execution = arn.startsWith(prefix)
      ? this.options.workflows().executions.get(arn.slice(prefix.length))
      : undefined;
    if (!execution) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  private async startExecution(input: Record<string, unknown>) {
    if (input.stateMachineArn !== this.options.stateMachineArn) {
      throw new AwsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${input.stateMachineArn}'`,
      );
    }
    const name = String(input.name ?? randomUUID());
    if (!EXECUTION_NAME.test(name)) throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
    const parsed = parseExecutionInput(String(input.input ?? '{}'));
    const workflows = this.options.workflows();
    const existing = workflows.executions.get(name);
    // A running execution of this name and the same input is the answer; any other reuse fails.
    if (
      existing &&
      !(existing.status === 'RUNNING' && JSON.stringify(existing.input) === JSON.stringify(parsed))
    ) {
      throw this.alreadyExists(name);
    }
    if (!existing) await this.startNew(workflows, name, parsed);
    const started = workflows.executions.get(name);
    return {
      executionArn: this.executionArn(name),
      startDate: seconds(started?.startedAt ?? this.options.clock.now()),
    };
  }

  /** Starts the execution, with the runner's refusals in the words Step Functions uses for them. */
  private async startNew(workflows: LocalWorkflows, name: string, parsed: unknown): Promise<void> {
    try {
      await workflows.start({ name, input: parsed as never });
    } catch (error) {
      const type = error instanceof Error ? error.name : '';
      if (/ExecutionAlreadyExists/.test(type)) throw this.alreadyExists(name);
      if (type === 'InvalidName') throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
      if (type === 'States.DataLimitExceeded') throw new AwsError('InvalidExecutionInput', String(error));
      throw error;
    }
  }

  private alreadyExists(name: string): AwsError {
    return new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${this.executionArn(name)}'`);
  }

  private async stopExecution(input: Record<string, unknown>) {
    const execution = this.execution(input);
    await this.options.workflows().stop(execution.name, String(input.cause ?? ''));
    return { stopDate: seconds(this.options.clock.now()) };
  }

  private async describeExecution(input: Record<string, unknown>) {
    const execution = this.execution(input);
    const base = {
      executionArn: this.executionArn(execution.name),
      stateMachineArn: this.options.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: seconds(execution.startedAt),
      input: JSON.stringify(execution.input),
    };
    if (execution.status === 'RUNNING') return base;
    const outcome = await execution.outcome;
    return {
      ...base,
      stopDate: seconds(this.options.clock.now()),
      ...(outcome.output !== undefined ? { output: JSON.stringify(outcome.output) } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
    };
  }

  private async completeTask(complete: () => Promise<void>) {
    try {
      await complete();
      return {};
    } catch (error) {
      const type = error instanceof Error ? error.name : '';
      if (type === 'InvalidToken' || type === 'TaskTimedOut' || type === 'TaskDoesNotExist') {
        throw new AwsError(type, (error as Error).message);
      }
      throw error;
    }
  }

  private async sendTaskSuccess(input: Record<string, unknown>) {
    const text = String(input.output ?? '');
    if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES) {
      throw new AwsError('InvalidOutput', `Task output is over ${MAX_PAYLOAD_BYTES} bytes`);
    }
    let output: unknown;
    try {
      output = JSON.parse(text);
    } catch {
      throw new AwsError('InvalidOutput', 'Invalid Output: not JSON');
    }
    return this.completeTask(() => this.options.callbacks.succeed(String(input.taskToken ?? ''), output));
  }

  private async sendTaskFailure(input: Record<string, unknown>) {
    return this.completeTask(() =>
      this.options.callbacks.fail(
        String(input.taskToken ?? ''),
        String(input.error ?? ''),
        String(input.cause ?? ''),
      ),
    );
  }
}
