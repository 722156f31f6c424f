import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import type { WatchWorkflow } from '../../infra/constructs/watch-workflow.js';
import { buildForTest, synthesize } from './synthesize.js';

/**
 * cdk-nag's findings are acknowledged finding by finding on the construct they are about
 * (infra/constructs/nag.ts), never for the whole stack: a wildcard added anywhere else fails.
 */
describe('cdk-nag acknowledgments', () => {
  it('passes AwsSolutions with every accepted finding acknowledged where it is', () => {
    expect(() => synthesize()).not.toThrow();
    expect(() =>
      synthesize({ jwtIssuer: 'https://login.example.com/', jwtAudience: 'jobwatch' }),
    ).not.toThrow();
  });

  it.each([
    ['a function', 'api'],
    ['another function', 'reconcile'],
  ] as const)('fails when %s gains a new Resource: * statement', (_what, name) => {
    // Prepare: the app as it deploys, plus a wildcard statement no one reviewed
    const { app, stack } = buildForTest();
    stack.functions[name].addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:DeleteTable'], resources: ['*'] }),
    );

    // Act / Assess: synthesis runs the checks and stops on the unacknowledged finding
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });

  it('fails when the state machine’s role gains a new Resource: * statement', () => {
    const { app, stack } = buildForTest();
    const { stateMachine } = stack.node.findChild('Watch') as WatchWorkflow;
    stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: ['*'] }),
    );

    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });

  it('fails when a function may describe another state machine’s executions', () => {
    const { app, stack } = buildForTest();
    stack.functions.api.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: [`arn:aws:states:eu-west-1:111122223333:execution:jobwatch-test-watcher:*`],
      }),
    );

    expect(() => app.synth()).toThrow(
      /AwsSolutions-IAM5\[Resource::arn:aws:states:.*jobwatch-test-watcher:\*\]/,
    );
  });

  it('keeps every Resource: * in its own acknowledged policy, none in a role’s default policy', () => {
    const { stateless } = synthesize({ nag: 'false' });

    for (const [id, policy] of Object.entries(stateless.findResources('AWS::IAM::Policy'))) {
      const statements = policy.Properties.PolicyDocument.Statement as Array<{ Resource: unknown }>;
      for (const statement of statements) expect(statement.Resource, id).not.toEqual('*');
    }
    const unscoped = Object.entries(stateless.findResources('AWS::IAM::ManagedPolicy')).filter(([, policy]) =>
      (policy.Properties.PolicyDocument.Statement as Array<{ Resource: unknown }>).some(
        (statement) => statement.Resource === '*',
      ),
    );
    expect(unscoped.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'FunctionTracing',
      'TaskTokenAnswers',
      'WatchLogDeliveryAndTracing',
    ]);
  });
});
