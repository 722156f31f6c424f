import { describe, expect, it } from 'vitest';
import { parseConnections } from '../../lib/config/connection-registry.js';
import { POLL_VENDOR_BUDGET_MS } from '../../lib/config/time-budgets.js';

const connection = (timeoutMs: number) => ({
  name: 'avid-prod',
  vendor: 'avid-ctms',
  baseUrl: 'https://mediacentral.example.com/',
  timeoutMs,
});

/** A request may not outwait the whole poll it belongs to: refused when the config is read. */
describe('a connection’s per-request timeout', () => {
  it('is accepted up to one poll’s vendor budget', () => {
    const [parsed] = parseConnections([connection(POLL_VENDOR_BUDGET_MS)], 'config.json');

    expect(parsed?.timeoutMs).toBe(45_000);
  });

  it('is refused above it, naming the connection and the limit', () => {
    expect(() => parseConnections([connection(120_000)], 'config.json')).toThrow(
      'config.json: 0.timeoutMs: connection "avid-prod": timeoutMs 120000 is more than the 45000 ms all requests of one poll may take together; set at most 45000',
    );
  });
});
