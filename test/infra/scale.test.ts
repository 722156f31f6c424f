import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CONNECTIONS_FILE_ENV,
  CONNECTIONS_SHA256_ENV,
  connectionsDocument,
  sha256Hex,
} from '../../lib/config/deployed-connections.js';
import { buildForTest, manyConnections, synthesize, withConnectionsFile } from './synthesize.js';

/** Lambda's limit on a function's environment: the variables as a JSON object, 4 KB. */
const LAMBDA_ENVIRONMENT_LIMIT = 4096;
/** CloudFormation's limit on resources in one stack. */
const STACK_RESOURCE_LIMIT = 500;
/**
 * What an unresolved token counts for: longer than any name or ARN this template's references
 * resolve to at deploy (generated table and secret names, ARNs with a long partition and region).
 */
const TOKEN_STAND_IN = 'x'.repeat(256);

/** A template value as it will be at deploy, tokens replaced by the longest stand-in. */
function deployedText(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | null)?.['Fn::Join'];
  if (join) return join[1].map(deployedText).join(join[0]);
  return TOKEN_STAND_IN;
}

function environmentSizes(template: ReturnType<typeof synthesize>['stateless']): Record<string, number> {
  const functions = template.findResources('AWS::Lambda::Function');
  return Object.fromEntries(
    Object.entries(functions).map(([id, resource]) => {
      const variables = (resource.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      const deployed = Object.fromEntries(
        Object.entries(variables).map(([key, v]) => [key, deployedText(v)]),
      );
      return [id, Buffer.byteLength(JSON.stringify(deployed), 'utf8')];
    }),
  );
}

const resourceCount = (template: ReturnType<typeof synthesize>['stateless']) =>
  Object.keys(template.toJSON().Resources).length;

describe('500 connections', () => {
  let one: ReturnType<typeof synthesize>;
  let five: ReturnType<typeof synthesize>;
  beforeAll(() => {
    one = withConnectionsFile(manyConnections(1), (connectionsFile) => synthesize({ connectionsFile }));
    // With cdk-nag on: synthesis throws on any finding that is not acknowledged.
    five = withConnectionsFile(manyConnections(500), (connectionsFile) => synthesize({ connectionsFile }));
  }, 120_000);

  it('keeps every function’s environment within Lambda’s 4 KB, whatever the number of connections', () => {
    const sizes = environmentSizes(five.stateless);

    expect(Object.keys(sizes)).toHaveLength(6);
    for (const [id, size] of Object.entries(sizes))
      expect(size, id).toBeLessThanOrEqual(LAMBDA_ENVIRONMENT_LIMIT);
    // The connections add a file name and a hash, not a byte per connection.
    expect(sizes).toEqual(
      Object.fromEntries(Object.entries(environmentSizes(one.stateless)).map(([id, size]) => [id, size])),
    );
  });

  it('adds no resource per connection: the stateless stack is as large with 500 as with 1', () => {
    expect(resourceCount(five.stateless)).toBe(resourceCount(one.stateless));
    expect(resourceCount(five.stateless)).toBeLessThan(STACK_RESOURCE_LIMIT);
    five.stateless.resourceCountIs('AWS::SecretsManager::Secret', 1); // the cursor secret only
  });

  it('names the connections file and its sha256 in each function’s environment', () => {
    const { stack } = withConnectionsFile(manyConnections(500), (connectionsFile) =>
      buildForTest({ connectionsFile, nag: 'false' }),
    );
    const document = connectionsDocument(stack.connections.connections);

    expect(stack.connections.document).toBe(document);
    expect(stack.connections.connections).toHaveLength(500);
    five.stateless.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [CONNECTIONS_FILE_ENV]: 'connections.json',
          [CONNECTIONS_SHA256_ENV]: sha256Hex(document),
        }),
      },
    });
  });

  it('lets the vendor-facing functions read every connection’s default secret with one statement', () => {
    five.stateless.resourceCountIs('AWS::IAM::ManagedPolicy', 4);
    five.stateless.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'secretsmanager:GetSecretValue',
            Effect: 'Allow',
            Resource: {
              'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':secret:jobwatch/test/\\*$')])],
            },
          },
        ],
      },
    });
  });
});

describe('connections and their credentials secrets', () => {
  function stackWith(connections: object[]) {
    return withConnectionsFile(connections, (connectionsFile) =>
      buildForTest({ connectionsFile, nag: 'false' }),
    );
  }

  it('reads each connection’s credentials from its own secret, by default jobwatch/<stage>/<name>', () => {
    const { stack } = stackWith([
      { name: 'avid-prod', vendor: 'avid-ctms', baseUrl: 'https://mc.example.com/' },
      {
        name: 'ac',
        vendor: 'admiralcloud',
        baseUrl: 'https://api.admiralcloud.com/',
        credentialsSecret: 'ops/admiralcloud',
      },
    ]);

    expect(stack.connections.connections.map((connection) => connection.credentialsSecret)).toEqual([
      'jobwatch/test/avid-prod',
      'ops/admiralcloud',
    ]);
  });

  it('grants a named secret outside the prefix as <name>-??????, and a complete ARN as given, in one statement', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ops/ac-AbCdEf';
    const template = withConnectionsFile(
      [
        {
          name: 'ac',
          vendor: 'admiralcloud',
          baseUrl: 'https://api.admiralcloud.com/',
          credentialsSecret: 'ops/ac',
        },
        {
          name: 'ac2',
          vendor: 'admiralcloud',
          baseUrl: 'https://api.admiralcloud.com/',
          credentialsSecret: arn,
        },
      ],
      (connectionsFile) => synthesize({ connectionsFile }),
    ).stateless;

    const [policy] = Object.values(
      template.findResources('AWS::IAM::ManagedPolicy', {
        Properties: {
          PolicyDocument: { Statement: [Match.objectLike({ Action: 'secretsmanager:GetSecretValue' })] },
        },
      }),
    );
    const statements = policy?.Properties.PolicyDocument.Statement as Array<{ Resource: unknown[] }>;
    expect(statements).toHaveLength(1);
    const resources = JSON.stringify(statements[0]?.Resource);
    expect(resources).toContain(':secret:jobwatch/test/*');
    expect(resources).toContain(':secret:ops/ac-??????');
    expect(resources).toContain(arn);
  });

  it('refuses more explicitly named secrets than one IAM policy can hold, before deploying', () => {
    const connections = manyConnections(120, (index) => ({
      credentialsSecret: `ops/vendor-credentials-${index}`,
    }));

    expect(() => stackWith(connections)).toThrow(
      /exceed IAM's 6144 characters.*jobwatch\/test\/<connection>/,
    );
  });

  it('refuses inline credentials', () => {
    expect(() =>
      stackWith([
        {
          name: 'avid-prod',
          vendor: 'avid-ctms',
          baseUrl: 'https://mc.example.com/',
          credentials: { token: 'x' },
        },
      ]),
    ).toThrow(/credentials belong in Secrets Manager/);
  });
});

describe('scale settings from the CDK context', () => {
  it('throttles the API stage at 50 requests a second, burst 100, and reserves nothing for polls by default', () => {
    const { stateless } = synthesize({ nag: 'false' });

    stateless.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })],
    });
    for (const fn of Object.values(stateless.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties).not.toHaveProperty('ReservedConcurrentExecutions');
    }
  });

  it('takes apiRateLimit, apiBurstLimit and pollReservedConcurrency from the context, as numbers or text', () => {
    const { stateless } = synthesize({
      nag: 'false',
      apiRateLimit: '400',
      apiBurstLimit: 800,
      pollReservedConcurrency: '200',
    });

    stateless.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 400, ThrottlingBurstLimit: 800 })],
    });
    const reserved = stateless.findResources('AWS::Lambda::Function', {
      Properties: { ReservedConcurrentExecutions: 200 },
    });
    expect(Object.values(reserved).map((fn) => fn.Properties.Description)).toEqual(['jobwatch PollFunction']);
  });

  it.each([
    [{ apiRateLimit: '0' }, /apiRateLimit: Too small/],
    [{ apiRateLimit: 'fast' }, /apiRateLimit/],
    [{ apiBurstLimit: 1.5 }, /apiBurstLimit: Invalid input: expected int/],
    [{ pollReservedConcurrency: 0 }, /pollReservedConcurrency: Too small/],
    [{ stage: 'prod/eu' }, /stage: letters, digits and "-"/],
  ])('refuses %o', (context, message) => {
    expect(() => buildForTest({ nag: 'false', ...context })).toThrow(message);
  });
});
