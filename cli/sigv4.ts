import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { SigningError } from './errors.js';

/** What the signer needs to know about a request; the URL carries path and query. */
export interface SignableRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Returns the complete set of headers to send (the request's own plus the signature's). */
export type RequestSigner = (request: SignableRequest) => Promise<Record<string, string>>;

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialsSource = AwsCredentials | (() => Promise<AwsCredentials>);

const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/i;

/**
 * True when the URL is an API Gateway default endpoint, which (as deployed) requires IAM auth.
 *
 * @example isExecuteApiUrl(new URL('https://abc123.execute-api.eu-west-1.amazonaws.com/prod')) // true
 */
export function isExecuteApiUrl(url: URL): boolean {
  return EXECUTE_API_HOST.test(url.hostname);
}

/**
 * The region to sign for: the one in an `execute-api` host name, else `AWS_REGION` (or
 * `AWS_DEFAULT_REGION`), as the AWS CLI would pick it. A custom domain carries no region.
 *
 * @example regionForApiUrl(new URL('https://abc123.execute-api.eu-west-1.amazonaws.com/prod'), {}) // 'eu-west-1'
 */
export function regionForApiUrl(url: URL, environment: NodeJS.ProcessEnv): string | undefined {
  return (
    EXECUTE_API_HOST.exec(url.hostname)?.[1] ??
    (environment.AWS_REGION || environment.AWS_DEFAULT_REGION || undefined)
  );
}

/**
 * A signer for API Gateway's IAM auth (SigV4, service `execute-api`). Credentials are resolved on
 * each request through the given source, so refreshed session credentials are picked up during a
 * long `watch --wait`.
 *
 * @example
 * const sign = createSigV4Signer({ region: 'eu-west-1', credentials: fromNodeProviderChain() });
 * const headers = await sign({ method: 'GET', url: new URL('https://…/prod/jobs'), headers: {} });
 */
export function createSigV4Signer(options: {
  region: string;
  credentials: CredentialsSource;
  /** Fixed signing time, for tests. */
  signingDate?: () => Date;
}): RequestSigner {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region,
    credentials: explainingMissingCredentials(options.credentials),
    sha256: Sha256,
  });
  return async (request) => {
    const signed = await signer.sign(
      toSignerRequest(request),
      options.signingDate ? { signingDate: options.signingDate() } : {},
    );
    return withoutHost(signed.headers);
  };
}

/**
 * A provider's failure becomes a SigningError that says credentials were missing: the SDK's own
 * message names a provider chain step, which means little to someone running the CLI.
 */
function explainingMissingCredentials(credentials: CredentialsSource): CredentialsSource {
  if (typeof credentials !== 'function') return credentials;
  return async () => {
    try {
      return await credentials();
    } catch (error) {
      throw new SigningError(
        `no AWS credentials found to sign the request (SigV4): ${(error as Error).message}`,
        { cause: error },
      );
    }
  };
}

/** The request in the signer's shape: URL split into parts, a repeated query key as an array. */
function toSignerRequest(request: SignableRequest): Parameters<SignatureV4['sign']>[0] {
  return {
    method: request.method,
    protocol: request.url.protocol,
    hostname: request.url.hostname,
    ...(request.url.port ? { port: Number(request.url.port) } : {}),
    path: request.url.pathname,
    query: queryOf(request.url),
    // SigV4 signs the Host header; fetch sends the same value, so the signature holds.
    headers: { ...request.headers, host: request.url.host },
    ...(request.body !== undefined ? { body: request.body } : {}),
  };
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    query[key] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return query;
}

/** fetch refuses to set Host itself and derives the same value from the URL. */
function withoutHost(signedHeaders: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signedHeaders)) {
    if (name.toLowerCase() !== 'host') headers[name] = value;
  }
  return headers;
}

/**
 * The standard AWS credential chain (environment, SSO, shared config and credentials files,
 * web identity, container and instance metadata), loaded only when SigV4 is actually needed:
 * the local API never pays for importing it.
 */
export async function defaultCredentialsChain(): Promise<() => Promise<AwsCredentials>> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  return fromNodeProviderChain();
}
