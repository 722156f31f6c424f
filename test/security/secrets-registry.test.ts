import { describe, expect, it } from 'vitest';
import { redact } from '../../lib/http/redact.js';
import { formsOf, MAX_DERIVED_SECRETS, SecretRegistry } from '../../lib/http/secret-registry.js';
import { VendorHttpClient } from '../../lib/http/vendor-http-client.js';
import { redactObservation } from '../../lib/watch/adapter-context.js';

describe('SecretRegistry', () => {
  it('redacts configured and derived secrets in every form a vendor could echo them in', () => {
    const registry = new SecretRegistry();
    registry.setConfigured(['p@ss word+1']);
    registry.add('tok/en=42&x<y>');
    const forms = [...formsOf('p@ss word+1'), ...formsOf('tok/en=42&x<y>')];
    expect(forms).toEqual(
      expect.arrayContaining([
        'p%40ss%20word%2B1',
        'p%40ss+word%2B1',
        Buffer.from('p@ss word+1').toString('base64'),
        Buffer.from('tok/en=42&x<y>').toString('base64url'),
        'tok/en=42&amp;x&lt;y&gt;',
      ]),
    );

    const text = forms.map((form) => `<${form}>`).join(' ');

    expect(registry.redact(text)).not.toMatch(/p@ss|p%40ss|tok\/en|tok%2Fen|cEBzcyB3b3JkKzE|dG9rL2Vu/);
    expect(registry.redact(text)).toContain('[REDACTED]');
  });

  it('treats a secret as text, never as a pattern', () => {
    const registry = new SecretRegistry();
    registry.add('.*(a+)+$');

    expect(registry.redact('aaaa .*(a+)+$ aaaa')).toBe('aaaa [REDACTED] aaaa');
  });

  it('leaves values under four characters alone, so ordinary words survive', () => {
    const registry = new SecretRegistry();
    registry.setConfigured(['ops', '']);
    registry.add('1');

    expect(registry.size).toBe(0);
    expect(registry.redact('ops 1 done')).toBe('ops 1 done');
  });

  it('redacts every string of a nested value, keys included, and keeps other values', () => {
    const registry = new SecretRegistry();
    registry.add('session-abc123');
    const value = {
      'session-abc123': 1,
      list: ['x session-abc123', 7, true, null],
      nested: { note: 'session-abc123' },
    };

    expect(registry.redactDeep(value)).toEqual({
      '[REDACTED]': 1,
      list: ['x [REDACTED]', 7, true, null],
      nested: { note: '[REDACTED]' },
    });
    expect(value.nested.note).toBe('session-abc123');
  });

  it('forgets the oldest derived secret past its bound, but not one still in use', () => {
    const registry = new SecretRegistry();
    registry.add('token-in-use');
    for (let index = 0; index < MAX_DERIVED_SECRETS * 2; index += 1) {
      registry.add(`signature-${index}`);
      registry.add('token-in-use');
    }

    expect(registry.size).toBe(MAX_DERIVED_SECRETS);
    expect(registry.redact('token-in-use signature-0')).toBe('[REDACTED] signature-0');
  });

  it('replaces configured values when the credentials are rotated', () => {
    const registry = new SecretRegistry();
    registry.setConfigured(['old-password']);
    registry.setConfigured(['new-password']);

    expect(registry.redact('old-password new-password')).toBe('old-password [REDACTED]');
  });

  it('backs redact() with a plain list too', () => {
    expect(redact('key=a%2Fb1 or a/b1', ['a/b1'])).toBe('key=[REDACTED] or [REDACTED]');
  });
});

describe('redactObservation', () => {
  it('redacts raw status, message, error, details and adapterState, and keeps status and timestamps', () => {
    const registry = new SecretRegistry();
    registry.add('Bearer-xyz789');
    const observation = {
      status: 'RUNNING' as const,
      rawStatus: 'running Bearer-xyz789',
      message: 'hello Bearer-xyz789',
      error: { message: 'Bearer-xyz789', code: 'E1' },
      vendorUpdatedAt: '2024-01-01T00:00:00.000Z',
      details: { echoed: ['Bearer-xyz789'] },
      adapterState: { selfHref: 'http://vendor/x?token=Bearer-xyz789' },
      progress: 50,
    };

    const redacted = redactObservation(registry, observation);

    expect(JSON.stringify(redacted)).not.toContain('Bearer-xyz789');
    expect(redacted).toMatchObject({
      status: 'RUNNING',
      progress: 50,
      vendorUpdatedAt: observation.vendorUpdatedAt,
    });
  });
});

describe('VendorHttpClient and the registry', () => {
  it('registers whatever authenticates a request it sends, and redacts it from later errors', async () => {
    const registry = new SecretRegistry();
    const client = new VendorHttpClient({
      vendor: 'avid-ctms',
      connection: 'unit',
      baseUrl: 'http://127.0.0.1:9/',
      secrets: registry,
      // No network: the "vendor" echoes the request's credentials in a 500 page.
      fetch: async (_url, init) => {
        const headers = new Headers(init?.headers);
        return new Response(`failed for ${headers.get('authorization')} and ${headers.get('cookie')}`, {
          status: 500,
        });
      },
    });

    const failure = (await client
      .request({
        url: 'x',
        headers: { authorization: 'Bearer tok-123456', cookie: 'sid=sess-98765; lang=en' },
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      )) as { message: string; context: { bodyExcerpt?: string } };

    expect(client.secrets).toBe(registry);
    expect(JSON.stringify([failure.message, failure.context])).not.toMatch(/tok-123456|sess-98765/);
    expect(failure.context.bodyExcerpt).toContain('[REDACTED]');
  });
});
