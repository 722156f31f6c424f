import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { createJwtVerifier } from '../lib/auth/jwt-verifier.js';
import { requireEnv } from '../lib/config/environment.js';
import { logger } from './shared/logger.js';

let verify: ((token: string) => Promise<{ sub?: string }>) | undefined;

/**
 * API Gateway TOKEN authorizer, used when the app is deployed with a JWT issuer instead of IAM
 * auth. A valid bearer token is allowed every route of this API stage (so the answer can be
 * cached across routes); anything else is "Unauthorized", which API Gateway turns into a 401.
 */
export function createJwtAuthorizer(verifyToken: (token: string) => Promise<{ sub?: string }>) {
  return async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const token = /^Bearer\s+(\S+)$/i.exec(event.authorizationToken ?? '')?.[1];
    if (!token) throw new Error('Unauthorized');
    let subject: string | undefined;
    try {
      subject = (await verifyToken(token)).sub;
    } catch (error) {
      logger.info('Token refused', { reason: (error as Error).name });
      throw new Error('Unauthorized');
    }
    // methodArn: arn:aws:execute-api:region:account:apiId/stage/METHOD/path → allow the whole stage.
    const [apiArn, stage] = event.methodArn.split('/');
    return {
      principalId: subject ?? 'jwt',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${apiArn}/${stage}/*/*` }],
      },
      context: { subject: subject ?? '' },
    };
  };
}

export const handler = (event: APIGatewayTokenAuthorizerEvent) => {
  verify ??= createJwtVerifier({
    issuer: requireEnv('JWT_ISSUER'),
    audience: requireEnv('JWT_AUDIENCE'),
    jwksUrl: process.env.JWT_JWKS_URL || undefined,
  });
  return createJwtAuthorizer(verify)(event);
};
