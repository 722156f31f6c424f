import { describe, expect, it } from 'vitest';
import { synthesize } from './synthesize.js';

type Method = { Properties: { HttpMethod: string; AuthorizationType: string; ResourceId: unknown } };
type Resource = { Properties: { PathPart: string; ParentId: unknown } };

/** Each method as `<HTTP method> <path>` → its authorization type. */
function methodsByPath(template: ReturnType<typeof synthesize>['stateless']): Map<string, string> {
  const resources = template.findResources('AWS::ApiGateway::Resource') as Record<string, Resource>;
  const pathOf = (id: unknown): string => {
    const ref = (id as { Ref?: string }).Ref;
    const resource = ref ? resources[ref] : undefined;
    if (!resource) return '';
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
  };
  const methods = template.findResources('AWS::ApiGateway::Method') as Record<string, Method>;
  const byPath = new Map<string, string>();
  for (const method of Object.values(methods)) {
    const path = pathOf(method.Properties.ResourceId) || '/';
    byPath.set(`${method.Properties.HttpMethod} ${path}`, method.Properties.AuthorizationType);
  }
  return byPath;
}

describe('the deployed dashboard', () => {
  it('opens GET / and GET /ui/{file} without the JWT authorizer; every other route keeps it', () => {
    const { stateless } = synthesize({ jwtIssuer: 'https://login.example.com/', jwtAudience: 'jobwatch' });
    const methods = methodsByPath(stateless);
    expect(methods.get('GET /')).toBe('NONE');
    expect(methods.get('GET /ui/{file}')).toBe('NONE');
    expect(methods.get('ANY /')).toBe('CUSTOM');
    expect(methods.get('ANY /{proxy+}')).toBe('CUSTOM');
    // Nothing else is open: the page holds no data, every answer with data needs a token.
    const open = [...methods].filter(([, auth]) => auth === 'NONE').map(([route]) => route);
    expect(open.sort()).toEqual(['GET /', 'GET /ui/{file}']);
  });

  it('stays closed under IAM auth, where a browser could not call the API anyway', () => {
    const { stateless } = synthesize();
    const methods = methodsByPath(stateless);
    expect([...methods.values()].every((auth) => auth === 'AWS_IAM')).toBe(true);
    expect(methods.has('GET /ui/{file}')).toBe(false);
  });
});
