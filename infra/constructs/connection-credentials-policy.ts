import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { Connection } from '../../lib/config/connections.js';
import { credentialsSecretPrefix } from '../../lib/config/deployed-connections.js';
import { acknowledge, nagArn } from './nag.js';

export interface ConnectionCredentialsPolicyProps {
  stage: string;
  /** The deployed connections, each with its `credentialsSecret` (a name or a complete ARN). */
  connections: readonly Connection[];
}

/**
 * IAM's limit on a managed policy document (whitespace excluded). The explicit secrets must fit
 * beside the prefix statement; past this, synth refuses rather than the deploy failing.
 */
const MAX_POLICY_CHARACTERS = 6144;
/** The longest a token-built secret ARN prefix can become at deploy (partition, region, account). */
const ARN_PREFIX_CHARACTERS = 'arn:aws-us-gov:secretsmanager:ap-southeast-4:123456789012:secret:'.length;
/** Room for the statement's other fields and the prefix resource. */
const POLICY_OVERHEAD_CHARACTERS = 400;

/**
 * Lets the functions that talk to vendors read their connections' credentials: one statement,
 * `secretsmanager:GetSecretValue` on `jobwatch/<stage>/*` (every connection's default secret)
 * plus each secret an operator named outside that prefix. One resource for any number of
 * connections; the prefix keeps it at one line for any number of default secrets.
 *
 * A named secret (not an ARN) is granted as `<name>-??????`, the six characters Secrets Manager
 * appends in its ARN; a `credentialsSecret` that is an ARN must be the complete ARN. Secrets
 * encrypted with a customer-managed KMS key also need `kms:Decrypt` on that key, which this
 * policy does not grant.
 */
export class ConnectionCredentialsPolicy extends iam.ManagedPolicy {
  constructor(scope: Construct, id: string, props: ConnectionCredentialsPolicyProps) {
    const prefix = credentialsSecretPrefix(props.stage);
    const named = explicitSecrets(prefix, props.connections);
    checkPolicySize(prefix, named);
    const stack = Stack.of(scope);
    const secretArn = (name: string) =>
      stack.formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    super(scope, id, {
      description: `jobwatch ${props.stage}: read the connections' credentials secrets`,
      statements: [
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [
            secretArn(`${prefix}*`),
            ...named.map((secret) => (secret.startsWith('arn:') ? secret : secretArn(`${secret}-??????`))),
          ],
        }),
      ],
    });
    acknowledge(
      this,
      'IAM5',
      `Every connection's default credentials secret is named ${prefix}<connection>: one prefix covers them, and only this stage's.`,
      `Resource::${nagArn('secretsmanager', `secret:${prefix}*`)}`,
    );
    for (const secret of named.filter((name) => !name.startsWith('arn:'))) {
      acknowledge(
        this,
        'IAM5',
        `A credentials secret the operator named (${secret}); "-??????" stands for the six characters Secrets Manager appends in its ARN.`,
        `Resource::${nagArn('secretsmanager', `secret:${secret}-??????`)}`,
      );
    }
  }
}

/** The secrets named outside the default prefix, each once, in a stable order. */
function explicitSecrets(prefix: string, connections: readonly Connection[]): string[] {
  const names = new Set<string>();
  for (const { credentialsSecret } of connections) {
    if (credentialsSecret && !credentialsSecret.startsWith(prefix)) names.add(credentialsSecret);
  }
  return [...names].sort();
}

function checkPolicySize(prefix: string, named: readonly string[]): void {
  const characters =
    POLICY_OVERHEAD_CHARACTERS +
    named.reduce(
      (total, secret) =>
        total + (secret.startsWith('arn:') ? secret.length : ARN_PREFIX_CHARACTERS + secret.length + 7) + 3,
      0,
    );
  if (characters > MAX_POLICY_CHARACTERS) {
    throw new Error(
      `${named.length} connections name a credentialsSecret outside jobwatch's prefix: the policy granting them would exceed IAM's ${MAX_POLICY_CHARACTERS} characters. Name the secrets ${prefix}<connection> (or leave credentialsSecret out) so one wildcard covers them.`,
    );
  }
}
