import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stage } from 'aws-cdk-lib';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { Connection } from '../../lib/config/connections.js';
import {
  CONNECTIONS_FILE_ENV,
  CONNECTIONS_FILE_NAME,
  CONNECTIONS_SHA256_ENV,
  connectionsDocument,
  defaultCredentialsSecretName,
  sha256Hex,
} from '../../lib/config/deployed-connections.js';

export interface ConnectionsAssetProps {
  stage: string;
  /** The operator's validated connections (no inline credentials). */
  connections: readonly Connection[];
}

/**
 * The connection list as the functions receive it: a `connections.json` written into each
 * function's code asset when it is bundled, and two small environment variables naming it and
 * its sha256 (see lib/config/deployed-connections.ts for why a file and not the environment).
 * No CloudFormation resource: whatever the number of connections, the template does not grow.
 *
 * Each connection names the secret its credentials are read from: the operator's
 * `credentialsSecret`, or `jobwatch/<stage>/<connection>`, which the operator creates. The
 * stack creates no secret per connection (CloudFormation allows 500 resources per stack).
 */
export class ConnectionsAsset extends Construct {
  /** The connections with `credentialsSecret` always set, as the functions read them. */
  readonly connections: readonly Connection[];
  /** The file's exact text. */
  readonly document: string;
  readonly sha256: string;
  /** Where the file waits, in the cloud assembly directory, for the bundler to copy it. */
  private readonly stagedFile: string;

  constructor(scope: Construct, id: string, props: ConnectionsAssetProps) {
    super(scope, id);
    this.connections = props.connections.map((connection) => {
      if (connection.credentials) {
        throw new Error(
          `Connection "${connection.name}" has inline credentials: credentials belong in Secrets Manager; set credentialsSecret, or create the secret ${defaultCredentialsSecretName(props.stage, connection.name)}`,
        );
      }
      return {
        ...connection,
        credentialsSecret:
          connection.credentialsSecret ?? defaultCredentialsSecretName(props.stage, connection.name),
      };
    });
    this.document = connectionsDocument(this.connections);
    this.sha256 = sha256Hex(this.document);
    // The content hash in the name: the bundler caches by its command, so another list is
    // another command and never a reused bundle.
    const directory = Stage.of(this)?.outdir ?? '.';
    mkdirSync(directory, { recursive: true });
    this.stagedFile = join(directory, `jobwatch-connections-${this.sha256.slice(0, 16)}.json`);
    writeFileSync(this.stagedFile, this.document);
  }

  /** The function's environment: a name and a hash, ~120 bytes for any number of connections. */
  get environment(): Record<string, string> {
    return { [CONNECTIONS_FILE_ENV]: CONNECTIONS_FILE_NAME, [CONNECTIONS_SHA256_ENV]: this.sha256 };
  }

  /** Bundling hooks that put the file next to the handler module (local esbuild bundling). */
  get commandHooks(): ICommandHooks {
    const source = shellQuote(this.stagedFile);
    return {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir, outputDir) => [
        `cp ${source} ${shellQuote(join(outputDir, CONNECTIONS_FILE_NAME))}`,
      ],
    };
  }
}

function shellQuote(path: string): string {
  return `'${path.replaceAll("'", `'\\''`)}'`;
}
