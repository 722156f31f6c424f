import { describe, expect, it } from 'vitest';
import { createSigV4Signer, isExecuteApiUrl, regionForApiUrl } from '../../cli/sigv4.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const fixedDate = () => new Date('2026-01-15T10:20:30Z');
const api = 'https://abc123def4.execute-api.eu-west-1.amazonaws.com/prod';

describe('SigV4 signing for API Gateway', () => {
  it('recognises execute-api hosts and reads their region', () => {
    expect(isExecuteApiUrl(new URL(api))).toBe(true);
    expect(isExecuteApiUrl(new URL('http://127.0.0.1:8787'))).toBe(false);
    expect(regionForApiUrl(new URL(api), { AWS_REGION: 'us-east-1' })).toBe('eu-west-1');
    expect(regionForApiUrl(new URL('https://jobs.example.com'), { AWS_REGION: 'us-east-1' })).toBe(
      'us-east-1',
    );
    expect(regionForApiUrl(new URL('https://jobs.example.com'), { AWS_DEFAULT_REGION: 'ap-south-1' })).toBe(
      'ap-south-1',
    );
    expect(regionForApiUrl(new URL('https://jobs.example.com'), {})).toBeUndefined();
  });

  it('signs with an Authorization header scoped to execute-api in the region', async () => {
    const sign = createSigV4Signer({ region: 'eu-west-1', credentials, signingDate: fixedDate });

    const headers = await sign({
      method: 'GET',
      url: new URL(`${api}/jobs?status=RUNNING&limit=5`),
      headers: { accept: 'application/json' },
    });

    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260115\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-date']).toBe('20260115T102030Z');
    expect(headers.accept).toBe('application/json');
    // fetch derives Host from the URL and refuses to be told it.
    expect(Object.keys(headers).map((name) => name.toLowerCase())).not.toContain('host');
  });

  it('signs the body, the query and the session token, so changing any changes the signature', async () => {
    const sign = createSigV4Signer({
      region: 'eu-west-1',
      credentials: async () => ({ ...credentials, sessionToken: 'session-token' }),
      signingDate: fixedDate,
    });
    const request = (path: string, body: string) => ({
      method: 'POST',
      url: new URL(`${api}${path}`),
      headers: { 'content-type': 'application/json' },
      body,
    });

    const base = await sign(request('/jobs', '{"connection":"a"}'));
    const otherBody = await sign(request('/jobs', '{"connection":"b"}'));
    const otherQuery = await sign(request('/jobs?x=1', '{"connection":"a"}'));

    expect(base['x-amz-security-token']).toBe('session-token');
    expect(base.authorization).toContain('x-amz-security-token');
    expect(otherBody.authorization).not.toBe(base.authorization);
    expect(otherQuery.authorization).not.toBe(base.authorization);
  });

  it('reports missing credentials as a signing error, not a crash', async () => {
    const sign = createSigV4Signer({
      region: 'eu-west-1',
      credentials: async () => {
        throw new Error('Could not load credentials from any providers');
      },
    });

    await expect(sign({ method: 'GET', url: new URL(`${api}/jobs`), headers: {} })).rejects.toMatchObject({
      name: 'SigningError',
      message: expect.stringMatching(/^no AWS credentials found.*Could not load credentials/),
    });
  });
});
