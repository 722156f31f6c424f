import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.js';

/** cdk.json's context, as the CLI passes it: tests must see the template that deploys. */
export const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
  .context as Record<string, unknown>;

/**
 * Builds the app as the CLI would (cdk-nag on unless `nag: 'false'`), without bundling the
 * functions (esbuild of each; the CLI test bundles for real), and synthesizes it.
 */
export function buildForTest(extra: Record<string, unknown> = {}) {
  const built = buildApp({ ...cdkContext, 'aws:cdk:bundling-stacks': [], stage: 'test', ...extra });
  return { ...built, stack: built.stateless };
}

export function synthesize(extra: Record<string, unknown> = {}) {
  const { app, stateful, stateless } = buildForTest(extra);
  app.synth();
  return {
    stateful: Template.fromStack(stateful),
    stateless: Template.fromStack(stateless),
    stack: stateless,
  };
}

/** `count` valid connections, as an operator's connectionsFile would list them. */
export function manyConnections(count: number, extra: (index: number) => object = () => ({})): object[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `avid-${String(index).padStart(3, '0')}`,
    vendor: 'avid-ctms',
    baseUrl: `https://mc${index}.example.com/`,
    ...extra(index),
  }));
}

/** Runs `use` with a connectionsFile holding these connections, then removes it. */
export function withConnectionsFile<T>(connections: readonly object[], use: (file: string) => T): T {
  const directory = mkdtempSync(join(tmpdir(), 'jobwatch-infra-'));
  try {
    const file = join(directory, 'connections.json');
    writeFileSync(file, JSON.stringify({ connections }));
    return use(file);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** The logical id of a function by its description (`jobwatch PollFunction`). */
export function functionId(template: Template, name: string): string {
  const found = Object.keys(
    template.findResources('AWS::Lambda::Function', { Properties: { Description: `jobwatch ${name}` } }),
  );
  if (found.length !== 1) throw new Error(`Expected one function ${name}, found ${found.length}`);
  return found[0] as string;
}

/** The logical id of a function resource's role. */
export function roleOf(resource: { Properties?: { Role?: unknown } } | undefined): string | undefined {
  return (resource?.Properties?.Role as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt']?.[0];
}

/**
 * Every statement that applies to a role: its inline policies' and its managed policies' (the
 * template's own `AWS::IAM::ManagedPolicy` resources it lists in `ManagedPolicyArns`).
 */
export function statementsOfRole(template: Template, roleId: string): Array<Record<string, unknown>> {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const inline = Object.values(resources).filter(
    (resource) =>
      resource.Type === 'AWS::IAM::Policy' &&
      JSON.stringify(resource.Properties?.Roles).includes(`"${roleId}"`),
  );
  const managedIds = JSON.stringify(resources[roleId]?.Properties?.ManagedPolicyArns ?? []);
  const managed = Object.entries(resources)
    .filter(([id, resource]) => resource.Type === 'AWS::IAM::ManagedPolicy' && managedIds.includes(`"${id}"`))
    .map(([, resource]) => resource);
  return [...inline, ...managed].flatMap(
    (policy) =>
      (policy.Properties?.PolicyDocument as { Statement?: Array<Record<string, unknown>> } | undefined)
        ?.Statement ?? [],
  );
}
