import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Clock } from '../clock.js';
import { lambdaArn } from './cfn-tokens.js';

/** Lambda's limit on a function's environment variables, all together. */
export const ENVIRONMENT_LIMIT_BYTES = 4096;
/** Payload limits by how the function is invoked. */
export const PAYLOAD_LIMITS = {
  /** A Step Functions task: state input and output at most 256 KiB. */
  stepFunctions: { request: 262_144, response: 262_144 },
  /** A synchronous invoke (API Gateway): 6 MB request, 6 MB (+100 bytes) response. */
  sync: { request: 6_291_456, response: 6_291_556 },
  /** An asynchronous invoke from an EventBridge rule: events are at most 256 KiB. */
  event: { request: 262_144, response: 6_291_556 },
} as const;
export type InvocationType = keyof typeof PAYLOAD_LIMITS;

/** What a host needs to know of a function: its code and the template's settings. */
export interface HostedFunction {
  /** The function's name (the logical id locally). */
  name: string;
  handlerFile: string;
  handlerExport: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** The template's environment: what the 4 KB limit applies to. */
  environment: Record<string, string>;
}

export interface LambdaHostOptions {
  fn: HostedFunction;
  /** Local additions to the environment (endpoints, credentials, region); not part of the deploy. */
  overrides?: Record<string, string>;
  clock: Clock;
  /** Containers (workers) that may run at once; each runs one invocation at a time, as on Lambda. */
  maxConcurrency?: number;
  /** Report the error's stack as Lambda's `trace` (costly with source maps on; off by default). */
  includeTrace?: boolean;
}

/** An error as Lambda reports a function error: `errorType` is the thrown error's name. */
export class LambdaFunctionError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: string[] = [],
  ) {
    super(errorMessage);
    this.name = errorType;
  }
}

/** Creating (deploying) the function failed, as `CreateFunction` would refuse it. */
export class LambdaDeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidParameterValueException';
  }
}

type Answer =
  | { ok: true; body?: string }
  | { ok: false; error: { errorType: string; errorMessage: string; trace?: string[] } };

interface Container {
  worker: Worker;
  busy: boolean;
  /** Set while an invocation runs: ends it with the container's death. */
  fail?: ((error: LambdaFunctionError) => void) | undefined;
  /** Invocations this container ran (the first one was a cold start). */
  invocations: number;
}

const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

/** The size Lambda measures: the variables as a JSON object, in bytes. */
export function environmentSize(environment: Record<string, string>): number {
  return Buffer.byteLength(JSON.stringify(environment), 'utf8');
}

/**
 * One bundled Lambda function, run as Lambda runs it: each container is a worker thread with its
 * own environment (the template's, plus the local endpoint overrides), loaded once and kept warm;
 * an invocation over the timeout is ended (`Sandbox.Timedout`) and its container thrown away, so
 * the next invocation starts cold with fresh module state. Payloads over the invocation type's
 * limit are refused as AWS refuses them.
 *
 * @example
 * const host = new LambdaHost({ fn, clock: systemClock });
 * const result = await host.invoke(event, 'stepFunctions');
 * await host.close();
 */
export class LambdaHost {
  /** Containers created so far (cold starts); tests read it. */
  coldStarts = 0;
  private readonly containers = new Set<Container>();
  private readonly queue: Array<() => void> = [];
  private readonly env: Record<string, string>;
  private closed = false;

  constructor(private readonly options: LambdaHostOptions) {
    const { fn } = options;
    const size = environmentSize(fn.environment);
    if (size > ENVIRONMENT_LIMIT_BYTES) {
      throw new LambdaDeployError(
        `Function ${fn.name}: Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit (${size} bytes of ${ENVIRONMENT_LIMIT_BYTES})`,
      );
    }
    this.env = {
      ...fn.environment,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(fn.timeoutSeconds),
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      LAMBDA_TASK_ROOT: fn.handlerFile.replace(/[/\\][^/\\]*$/, ''),
      TZ: 'UTC',
      ...options.overrides,
    };
  }

  get name(): string {
    return this.options.fn.name;
  }

  /** Runs one invocation; a function error is thrown as a {@link LambdaFunctionError}. */
  async invoke(event: unknown, type: InvocationType = 'sync'): Promise<unknown> {
    if (this.closed) throw new LambdaFunctionError('ServiceException', `Function ${this.name} is shut down`);
    const limits = PAYLOAD_LIMITS[type];
    const payload = event === undefined ? undefined : JSON.stringify(event);
    const requestBytes = payload === undefined ? 0 : Buffer.byteLength(payload, 'utf8');
    if (requestBytes > limits.request) throw this.tooLarge(type, 'request', requestBytes, limits.request);
    const container = await this.acquire();
    try {
      const answer = await this.run(container, payload);
      if (!answer.ok) {
        const { errorType, errorMessage, trace } = answer.error;
        throw new LambdaFunctionError(errorType, errorMessage, trace ?? []);
      }
      const responseBytes = answer.body === undefined ? 0 : Buffer.byteLength(answer.body, 'utf8');
      if (responseBytes > limits.response)
        throw this.tooLarge(type, 'response', responseBytes, limits.response);
      return answer.body === undefined ? null : JSON.parse(answer.body);
    } finally {
      this.release(container);
    }
  }

  /**
   * Starts a container and waits for its init phase (the bundle loaded), so the first invocation
   * is warm, as with provisioned concurrency. On a compressed clock a cold start of a few hundred
   * real milliseconds would otherwise be minutes of the stack's time.
   */
  async warm(): Promise<void> {
    if (this.closed || this.containers.size > 0) return;
    const container = this.createContainer();
    await new Promise<void>((resolve) => {
      const done = () => {
        container.worker.off('message', onReady);
        container.worker.off('exit', done);
        resolve();
      };
      const onReady = (message: { ready?: boolean }) => {
        if (message.ready !== undefined) done();
      };
      container.worker.on('message', onReady);
      container.worker.on('exit', done);
    });
  }

  /** Ends every container; invocations still running fail. */
  async close(): Promise<void> {
    this.closed = true;
    const containers = [...this.containers];
    this.containers.clear();
    for (const container of containers) {
      container.fail?.(new LambdaFunctionError('ServiceException', `Function ${this.name} was shut down`));
    }
    await Promise.allSettled(containers.map((container) => container.worker.terminate()));
  }

  private tooLarge(type: InvocationType, what: 'request' | 'response', bytes: number, limit: number) {
    if (type === 'stepFunctions') {
      return new LambdaFunctionError(
        'States.DataLimitExceeded',
        `The ${what} of function ${this.name} (${bytes} bytes) exceeds the maximum of ${limit} bytes for a state's input or output`,
      );
    }
    if (what === 'request') {
      return new LambdaFunctionError(
        'RequestTooLargeException',
        `Request must be smaller than ${limit} bytes for the InvokeFunction operation (function ${this.name}: ${bytes} bytes)`,
      );
    }
    return new LambdaFunctionError(
      'Function.ResponseSizeTooLarge',
      `Response payload size (${bytes} bytes) exceeded maximum allowed payload size (${limit} bytes).`,
    );
  }

  private async acquire(): Promise<Container> {
    for (;;) {
      const idle = [...this.containers].find((container) => !container.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.containers.size < (this.options.maxConcurrency ?? 1)) {
        const container = this.createContainer();
        container.busy = true;
        return container;
      }
      await new Promise<void>((resolve) => this.queue.push(resolve));
      if (this.closed)
        throw new LambdaFunctionError('ServiceException', `Function ${this.name} is shut down`);
    }
  }

  private release(container: Container): void {
    container.busy = false;
    container.fail = undefined;
    this.queue.shift()?.();
  }

  private createContainer(): Container {
    const { fn } = this.options;
    const worker = new Worker(BOOTSTRAP, {
      env: this.env,
      execArgv: [],
      workerData: {
        handlerFile: fn.handlerFile,
        handlerExport: fn.handlerExport,
        functionName: fn.name,
        memoryMb: fn.memoryMb,
        includeTrace: this.options.includeTrace ?? false,
        clock: { now: this.options.clock.now(), speed: 1000 / this.options.clock.realMsPerSecond },
      },
      resourceLimits: { maxOldGenerationSizeMb: fn.memoryMb },
    });
    const container: Container = { worker, busy: false, invocations: 0 };
    const die = (error: LambdaFunctionError) => {
      this.containers.delete(container);
      container.fail?.(error);
    };
    worker.on('error', (error) =>
      die(
        new LambdaFunctionError(
          'Runtime.ExitError',
          `Runtime exited with error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        ),
      ),
    );
    worker.on('exit', (code) =>
      die(new LambdaFunctionError('Runtime.ExitError', `Runtime exited with error: exit status ${code}`)),
    );
    this.containers.add(container);
    this.coldStarts += 1;
    return container;
  }

  private run(container: Container, payload: string | undefined): Promise<Answer> {
    const { fn, clock } = this.options;
    const id = randomUUID();
    const timeoutMs = fn.timeoutSeconds * 1000;
    return new Promise<Answer>((resolve) => {
      const timer = setTimeout(() => {
        // Lambda ends the invocation and the container with it: the next one starts cold.
        this.containers.delete(container);
        container.fail = undefined;
        void container.worker.terminate();
        resolve({
          ok: false,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${id} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
          },
        });
      }, timeoutMs);
      const settle = (answer: Answer) => {
        clearTimeout(timer);
        container.worker.off('message', onMessage);
        resolve(answer);
      };
      const onMessage = (message: Answer & { id?: string }) => {
        if (message.id === id) settle(message);
      };
      container.fail = (error) =>
        settle({ ok: false, error: { errorType: error.errorType, errorMessage: error.errorMessage } });
      container.worker.on('message', onMessage);
      container.invocations += 1;
      container.worker.postMessage({
        id,
        payload,
        clock: { now: clock.now(), speed: 1000 / clock.realMsPerSecond },
        context: {
          awsRequestId: id,
          deadline: Date.now() + timeoutMs,
          invokedFunctionArn: lambdaArn(fn.name),
          logStreamName: `local/[$LATEST]${id.replace(/-/g, '')}`,
        },
      });
    });
  }
}
