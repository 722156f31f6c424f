import { readFileSync } from 'node:fs';
import { buildApp } from './app.js';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** The context cdk.json gives the CLI, so the local definition is the one that deploys. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

let cached: Promise<object> | undefined;

/**
 * The watch state machine's definition exactly as `cdk synth` produces it, with CloudFormation
 * tokens resolved to local placeholders, for aws-local-stepfunctions. Lambda code is not bundled
 * (the local runner binds the handlers in-process), so this takes a few seconds and no network.
 *
 * @example const definition = await loadWatchDefinition(); definition.StartAt // 'Poll'
 */
export function loadWatchDefinition(): Promise<object> {
  cached ??= Promise.resolve().then(() => {
    const { app, stateless } = buildApp({
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      nag: 'false',
      stage: 'local',
    });
    const template = app.synth().getStackByName(stateless.stackName).template as Template;
    const machine = Object.values(template.Resources).find(
      (resource) => resource.Type === 'AWS::StepFunctions::StateMachine',
    );
    if (!machine?.Properties) throw new Error('The synthesized template has no state machine');
    return JSON.parse(resolveTokens(machine.Properties.DefinitionString)) as object;
  });
  return cached;
}

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'local',
  'AWS::AccountId': '000000000000',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** Flattens the intrinsic functions CDK uses in a definition string into plain text. */
export function resolveTokens(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if ('Fn::Join' in node) {
      const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map(resolveTokens).join(separator);
    }
    if ('Fn::GetAtt' in node) {
      const [logicalId] = node['Fn::GetAtt'] as [string, string];
      return `arn:aws:lambda:local:000000000000:function:${logicalId}`;
    }
    if ('Ref' in node) {
      const name = String(node.Ref);
      return PSEUDO_PARAMETERS[name] ?? name;
    }
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value).slice(0, 200)} in the state machine definition`);
}
