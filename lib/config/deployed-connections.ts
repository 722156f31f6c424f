import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationError } from '../jobs/errors.js';
import { parseConnections } from './connection-registry.js';
import type { Connection } from './connections.js';

/**
 * How a deployed function finds the operator's connections.
 *
 * The connection list is a file shipped inside each function's code asset, read once per
 * container, rather than an environment variable: Lambda allows 4 KB of environment in total and
 * a connection takes ~230 bytes there, so ~14 connections were the end. The environment keeps only
 * the file's name and the sha256 of its content, ~120 bytes whatever the number of connections:
 * a changed list still changes the function's configuration (so a new version is published), and
 * a function that found another file than the one it was deployed with refuses to start.
 * Parameter Store or AppConfig would add a call (and a permission, and a failure mode) to every
 * cold start for data that changes only with a deploy.
 */
export const CONNECTIONS_FILE_ENV = 'JOBWATCH_CONNECTIONS_FILE';
export const CONNECTIONS_SHA256_ENV = 'JOBWATCH_CONNECTIONS_SHA256';
/** The file's name in the code asset, next to the handler module. */
export const CONNECTIONS_FILE_NAME = 'connections.json';

/**
 * The secret a connection's credentials are read from when the operator names none: the operator
 * creates it (a JSON object of strings), the stack only grants reading `jobwatch/<stage>/*`.
 *
 * @example defaultCredentialsSecretName('prod', 'avid-main') // 'jobwatch/prod/avid-main'
 */
export function defaultCredentialsSecretName(stage: string, connection: string): string {
  return `${credentialsSecretPrefix(stage)}${connection}`;
}

/** Every stage's default secrets share this name prefix (one IAM resource covers them all). */
export function credentialsSecretPrefix(stage: string): string {
  return `jobwatch/${stage}/`;
}

/**
 * The file's exact text: the list as the functions read it. Deterministic, so the same
 * connections give the same hash and the same asset.
 */
export function connectionsDocument(connections: readonly Connection[]): string {
  return `${JSON.stringify({ connections }, null, 1)}\n`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Reads the deployed connection list named by the environment: the file relative to the
 * function's code root (`LAMBDA_TASK_ROOT`, `/var/task` on Lambda), checked against the hash
 * the template set beside it.
 *
 * @throws ConfigurationError when the variables are missing, the file is unreadable, its hash
 *   differs from the deployed one, or a connection in it is invalid.
 * @example const connections = readDeployedConnections(process.env);
 */
export function readDeployedConnections(environment: NodeJS.ProcessEnv): Connection[] {
  const file = environment[CONNECTIONS_FILE_ENV];
  const expected = environment[CONNECTIONS_SHA256_ENV];
  if (!file || !expected) {
    throw new ConfigurationError(
      `Environment variables ${CONNECTIONS_FILE_ENV} and ${CONNECTIONS_SHA256_ENV} are required`,
    );
  }
  const path = resolve(environment.LAMBDA_TASK_ROOT ?? process.cwd(), file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`Cannot read the deployed connections file ${file}`, { cause: error });
  }
  const actual = sha256Hex(text);
  if (actual !== expected) {
    throw new ConfigurationError(
      `${file}: its sha256 ${actual.slice(0, 12)}… is not the deployed ${expected.slice(0, 12)}…: the code asset and the configuration are from different deploys`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${file} is not JSON`, { cause: error });
  }
  const list = (parsed as { connections?: unknown } | null)?.connections;
  return parseConnections(list, file);
}
