import { ApiClient } from './api-client.js';
import { UsageError } from './errors.js';
import {
  createSigV4Signer,
  defaultCredentialsChain,
  isExecuteApiUrl,
  type RequestSigner,
  regionForApiUrl,
} from './sigv4.js';

/** The options every command accepts (defined once on the program, see main.ts). */
export interface GlobalOptions {
  api: string;
  token?: string;
  sigv4?: boolean;
  debug?: boolean;
  /** Per-request timeout, seconds. */
  timeout: number;
}

/** Where a command writes; `isTTY` decides between a live bar and one line per change. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** What a command runs with: the API client and the process's streams and environment. */
export interface CliContext {
  client: ApiClient;
  stdout: OutputStream & NodeJS.WritableStream;
  stderr: OutputStream & NodeJS.WritableStream;
  environment: NodeJS.ProcessEnv;
}

export interface CliIo {
  stdout: OutputStream & NodeJS.WritableStream;
  stderr: OutputStream & NodeJS.WritableStream;
  environment: NodeJS.ProcessEnv;
}

/**
 * Builds the API client the global options describe. SigV4 is chosen for `execute-api` hosts
 * (deployed jobwatch has IAM auth on every route) or when asked with `--sigv4` (a custom domain
 * in front of the same API); otherwise a bearer token is sent when one is given.
 */
export async function createContext(options: GlobalOptions, io: CliIo, version: string): Promise<CliContext> {
  let apiUrl: URL;
  try {
    apiUrl = new URL(options.api);
  } catch {
    throw new UsageError(`--api ${options.api} is not a URL`);
  }
  let signer: RequestSigner | undefined;
  if (options.sigv4 || isExecuteApiUrl(apiUrl)) {
    const region = regionForApiUrl(apiUrl, io.environment);
    if (!region) {
      throw new UsageError(`cannot tell the AWS region of ${apiUrl.host} for SigV4: set AWS_REGION`);
    }
    signer = createSigV4Signer({ region, credentials: await defaultCredentialsChain() });
  }
  if (!(options.timeout > 0)) throw new UsageError('--timeout must be a positive number of seconds');
  const client = new ApiClient({
    baseUrl: options.api,
    ...(options.token && !signer ? { token: options.token } : {}),
    ...(signer ? { signer } : {}),
    timeoutMs: options.timeout * 1000,
    userAgent: `jobwatch-cli/${version}`,
  });
  return { client, stdout: io.stdout, stderr: io.stderr, environment: io.environment };
}

/** Pretty JSON with a final newline, as every `--json` prints it. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
