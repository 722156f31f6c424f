import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

export interface JwtVerifierOptions {
  /** The `iss` every token must carry (the identity provider's issuer URL). */
  issuer: string;
  /** The `aud` every token must carry. */
  audience: string;
  /** Where the signing keys are published; default `<issuer>/.well-known/jwks.json`. */
  jwksUrl?: string | undefined;
}

/**
 * Verifies bearer JWTs against an identity provider's published keys (cached by jose), checking
 * signature, issuer, audience and expiry.
 *
 * @example
 * const verify = createJwtVerifier({ issuer: 'https://login.example.com/', audience: 'jobwatch' });
 * const claims = await verify(token); // throws when the token is not acceptable
 */
export function createJwtVerifier(options: JwtVerifierOptions): (token: string) => Promise<JWTPayload> {
  const jwksUrl = new URL(options.jwksUrl ?? `${options.issuer.replace(/\/$/, '')}/.well-known/jwks.json`);
  const keys = createRemoteJWKSet(jwksUrl);
  return async (token) => {
    const { payload } = await jwtVerify(token, keys, { issuer: options.issuer, audience: options.audience });
    return payload;
  };
}
