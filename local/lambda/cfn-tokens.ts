/**
 * CloudFormation intrinsic functions resolved the way a deploy would, but to the local stack's
 * names: the function environments the template gives become plain strings.
 */

export type Template = {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name?: unknown } }>;
};

export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';

/** What the local stack calls the stateful resources (the only names not in the template). */
export interface LocalResourceNames {
  tableName: string;
}

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'local',
  'AWS::NoValue': '',
};

/** The six characters Secrets Manager appends to a secret's name in its ARN, derived stably. */
function secretSuffix(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash.toString(36).padStart(6, 'a').slice(-6);
}

export function stateMachineArn(name: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}

export function lambdaArn(name: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
}

/**
 * Resolves `Ref`, `Fn::GetAtt`, `Fn::ImportValue`, `Fn::Join`, `Fn::Select`, `Fn::Split` and
 * `Fn::Sub` across the app's templates (an import is found among every template's exports).
 */
export class TokenResolver {
  constructor(
    private readonly templates: readonly Template[],
    private readonly names: LocalResourceNames,
  ) {}

  resolve(value: unknown, template: Template): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (!value || typeof value !== 'object') throw this.cannot(value);
    const node = value as Record<string, unknown>;
    if ('Ref' in node) return this.ref(String(node.Ref), template);
    if ('Fn::GetAtt' in node) return this.getAttOf(node['Fn::GetAtt'], template);
    if ('Fn::ImportValue' in node) return this.importValue(this.resolve(node['Fn::ImportValue'], template));
    if ('Fn::Join' in node) {
      const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => this.resolve(part, template)).join(separator);
    }
    if ('Fn::Select' in node) return this.select(node, template);
    if ('Fn::Sub' in node) return this.sub(node['Fn::Sub'], template);
    throw this.cannot(value);
  }

  /** `Fn::GetAtt` takes `[logicalId, attribute]` or the short form `logicalId.attribute`. */
  private getAttOf(target: unknown, template: Template): string {
    const [logicalId, attribute] = Array.isArray(target)
      ? (target as [string, string])
      : (String(target).split('.') as [string, string]);
    return this.getAtt(logicalId, attribute, template);
  }

  private select(node: Record<string, unknown>, template: Template): string {
    const [index, list] = node['Fn::Select'] as [unknown, unknown];
    const picked = this.list(list, template)[Number(this.resolve(index, template))];
    if (picked === undefined) throw this.cannot(node);
    return picked;
  }

  /** `${Name}` is a variable given with the text, else a Ref; `${Name.Attribute}` a GetAtt. */
  private sub(spec: unknown, template: Template): string {
    const [text, variables] = Array.isArray(spec)
      ? (spec as [string, Record<string, unknown>])
      : [String(spec), {}];
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (name in variables) return this.resolve(variables[name], template);
      const [logicalId, attribute] = name.split('.');
      return attribute
        ? this.getAtt(logicalId ?? name, attribute, template)
        : this.ref(logicalId ?? name, template);
    });
  }

  /** `Fn::Split` yields a list, so it is resolved where a list is expected (inside Select). */
  private list(value: unknown, template: Template): string[] {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item, template));
    const split = (value as Record<string, unknown> | null)?.['Fn::Split'];
    if (!Array.isArray(split)) throw this.cannot(value);
    const [separator, text] = split as [string, unknown];
    return this.resolve(text, template).split(separator);
  }

  private cannot(value: unknown): Error {
    return new Error(`Cannot resolve ${JSON.stringify(value)?.slice(0, 200)} to a local value`);
  }

  private resource(logicalId: string, template: Template) {
    const resource = template.Resources?.[logicalId];
    if (!resource) throw new Error(`The template has no resource ${logicalId}`);
    return resource;
  }

  private ref(name: string, template: Template): string {
    const pseudo = PSEUDO_PARAMETERS[name];
    if (pseudo !== undefined) return pseudo;
    const { Type: type, Properties: properties = {} } = this.resource(name, template);
    const named = (key: string) => (typeof properties[key] === 'string' ? (properties[key] as string) : name);
    switch (type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return this.names.tableName;
      case 'AWS::Events::EventBus':
        return named('Name');
      case 'AWS::SecretsManager::Secret': {
        const secretName = named('Name');
        return `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${secretName}-${secretSuffix(secretName)}`;
      }
      case 'AWS::StepFunctions::StateMachine':
        return stateMachineArn(named('StateMachineName'));
      case 'AWS::Lambda::Function':
        return named('FunctionName');
      case 'AWS::SQS::Queue':
        return `http://127.0.0.1/${LOCAL_ACCOUNT}/${named('QueueName')}`;
      default:
        return name;
    }
  }

  private getAtt(logicalId: string, attribute: string, template: Template): string {
    const { Type: type } = this.resource(logicalId, template);
    const ref = this.ref(logicalId, template);
    if (attribute !== 'Arn') {
      if (attribute === 'Name' || attribute === 'StreamArn') return ref;
      throw new Error(`Cannot resolve ${logicalId}.${attribute} (${type}) to a local value`);
    }
    switch (type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${ref}`;
      case 'AWS::Events::EventBus':
        return `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${ref}`;
      case 'AWS::Lambda::Function':
        return lambdaArn(ref);
      case 'AWS::SecretsManager::Secret':
      case 'AWS::StepFunctions::StateMachine':
        return ref;
      default:
        return `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${logicalId}`;
    }
  }

  private importValue(exportName: string): string {
    for (const template of this.templates) {
      for (const output of Object.values(template.Outputs ?? {})) {
        if (output.Export && this.resolve(output.Export.Name, template) === exportName) {
          return this.resolve(output.Value, template);
        }
      }
    }
    throw new Error(`No stack of the app exports ${exportName}`);
  }
}
