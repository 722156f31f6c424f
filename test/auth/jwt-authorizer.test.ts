import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtAuthorizer } from '../../functions/jwt-authorizer.js';
import { createJwtVerifier } from '../../lib/auth/jwt-verifier.js';

const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/GET/jobs';

/** A loopback identity provider: one RSA key, published as a JWKS. */
describe('the JWT authorizer', () => {
  let server: Server;
  let issuer: string;
  let sign: (
    claims: Record<string, unknown>,
    options?: { audience?: string; expiresIn?: string; issuer?: string },
  ) => Promise<string>;
  let authorize: ReturnType<typeof createJwtAuthorizer>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((request, response) => {
      if (request.url !== '/.well-known/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sign = (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? 'jobwatch')
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(privateKey);
    authorize = createJwtAuthorizer(createJwtVerifier({ issuer, audience: 'jobwatch' }));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('allows a valid token on every route of the stage', async () => {
    const token = await sign({ sub: 'pipeline-7' });

    const result = await authorize({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn });

    expect(result.principalId).toBe('pipeline-7');
    expect(result.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/*/*',
      },
    ]);
  });

  it.each([
    ['no bearer token', async () => ''],
    ['another audience', async () => `Bearer ${await sign({ sub: 'x' }, { audience: 'someone-else' })}`],
    [
      'another issuer',
      async () => `Bearer ${await sign({ sub: 'x' }, { issuer: 'https://elsewhere.example' })}`,
    ],
    ['an expired token', async () => `Bearer ${await sign({ sub: 'x' }, { expiresIn: '-1m' })}`],
    ['a tampered token', async () => `Bearer ${(await sign({ sub: 'x' })).slice(0, -4)}AAAA`],
  ])('refuses %s as Unauthorized (401)', async (_name, header) => {
    await expect(authorize({ type: 'TOKEN', authorizationToken: await header(), methodArn })).rejects.toThrow(
      'Unauthorized',
    );
  });
});
