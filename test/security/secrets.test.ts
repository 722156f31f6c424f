import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnections } from '../../lib/config/connection-registry.js';
import type { ConnectionInput } from '../../lib/config/connections.js';
import type { PublicJob } from '../../lib/jobs/job.js';
import { scaledClock } from '../../local/clock.js';
import { AdmiralCloudSimulator } from '../../local/simulators/admiralcloud/index.js';
import { AvidCtmsSimulator } from '../../local/simulators/avid-ctms/index.js';
import { CinegyPcsSimulator } from '../../local/simulators/cinegy-pcs/index.js';
import { OkastSimulator } from '../../local/simulators/okast/index.js';
import { VdgSenseSimulator } from '../../local/simulators/vdg-sense/index.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { TEST_SPEED } from '../support/avid-stack.js';
import { waitUntil } from '../support/wait.js';
import { appendToJsonFields, EchoProxy } from './secrets-echo-proxy.js';

/** Credential fields that name a scheme, a field or a user rather than hold a secret. */
const NOT_SECRET = new Set(['scheme', 'headerName', 'paramName', 'username']);

interface Simulator {
  readonly credentials: Record<string, string>;
  connectionOptions(): Record<string, unknown>;
  start(): Promise<string>;
  close(): Promise<void>;
  createDemoJob(seconds: number): Record<string, unknown> | Promise<Record<string, unknown>>;
}

/**
 * The reference a caller passes. Avid's carries the simulator's own URL, which is not the proxy's;
 * VDG's path and devices, which tell a reused export id apart, are left out because the echo
 * goes into the path.
 */
async function referenceOf(simulator: Simulator, seconds: number): Promise<Record<string, unknown>> {
  const {
    href: _href,
    path: _path,
    devices: _devices,
    ...reference
  } = await simulator.createDemoJob(seconds);
  return reference;
}

interface EchoCase {
  /** The connection name; also says which credential kind it covers. */
  name: string;
  vendor: ConnectionInput['vendor'];
  simulator: Simulator;
  options?: (simulator: Simulator) => Record<string, unknown>;
  /** Where the vendor echoes in a successful answer: a field the adapter keeps. */
  rewrite: (path: string, body: string, echo: string) => string;
}

function cases(clock: ReturnType<typeof scaledClock>): EchoCase[] {
  const vdg = new VdgSenseSimulator({ clock });
  return [
    {
      name: 'cinegy-basic-header',
      vendor: 'cinegy-pcs',
      simulator: new CinegyPcsSimulator({ clock, auth: 'basic' }),
      rewrite: appendToJsonFields(['statusDescription']),
    },
    {
      name: 'cinegy-query-key',
      vendor: 'cinegy-pcs',
      simulator: new CinegyPcsSimulator({ clock, auth: 'query' }),
      rewrite: appendToJsonFields(['statusDescription']),
    },
    {
      name: 'okast-api-key-header',
      vendor: 'okast',
      simulator: new OkastSimulator({
        clock,
        auth: { scheme: 'header', headerName: 'X-Okast-Key', headerValue: 'okast-key-5e3c9a1f7b' },
      }),
      // The request parameters Okast echoes in each list entry: `reschedule` is kept in details.
      rewrite: (_path, body, echo) => {
        let echoed = false;
        const parsed: unknown = JSON.parse(body, (key, value: unknown) => {
          if (key === 'request' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
            echoed = true;
            return { ...value, reschedule: echo };
          }
          return value;
        });
        return echoed ? JSON.stringify(parsed) : body;
      },
    },
    {
      name: 'vdg-session-in-query',
      vendor: 'vdg-sense',
      simulator: vdg,
      options: (simulator) => {
        const options = simulator.connectionOptions() as { auth: Record<string, unknown> };
        return { ...options, auth: { ...options.auth, sessionVia: 'query', sessionName: 'sessionid' } };
      },
      rewrite: (path, body, echo) =>
        path.toLowerCase().includes('webservice')
          ? body
          : body.replaceAll('<path>', `<path>${escapeXml(echo)} `),
    },
    {
      name: 'admiralcloud-signature',
      vendor: 'admiralcloud',
      simulator: new AdmiralCloudSimulator({ clock, rtsClock: 'real' }),
      // A job result's short top-level values are kept in details; one per echoed form.
      rewrite: (path, body, echo) => {
        if (!path.includes('jobResult')) return body;
        const parsed = JSON.parse(body) as Record<string, unknown>;
        if (Array.isArray(parsed) || parsed === null || typeof parsed !== 'object') return body;
        // `{"ok":true}` means "not done yet": only the final result is echoed into.
        if (Object.keys(parsed).length === 1 && parsed.ok === true) return body;
        echo.split(' ').forEach((form, index) => {
          parsed[`note${index}`] = form;
        });
        return JSON.stringify(parsed);
      },
    },
    {
      name: 'avid-oauth-token',
      vendor: 'avid-ctms',
      simulator: new AvidCtmsSimulator({ clock }),
      // `state.text` of a command is its message.
      rewrite: appendToJsonFields(['text']),
    },
  ];
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * Vendors that echo every credential they were sent — configured ones and the derived ones
 * (Basic header values, query keys, OAuth tokens, VDG session ids, AdmiralCloud signatures) —
 * in successful answers and in failed ones. Nothing of it may come out of jobwatch: not the
 * API (job, history, list, cancel answers), not the events, not the logs.
 */
describe('secrets a vendor echoes never leave jobwatch', () => {
  const clock = scaledClock(TEST_SPEED);
  const vendors = cases(clock).map((entry) => ({ ...entry, proxy: undefined as unknown as EchoProxy }));
  let stack: LocalStack;
  const logged: string[] = [];
  const originalWrite = process.stdout.write.bind(process.stdout);
  const originalErrorWrite = process.stderr.write.bind(process.stderr);

  beforeAll(async () => {
    const capture = (chunk: unknown) => {
      logged.push(String(chunk));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    const connections: ConnectionInput[] = [];
    for (const entry of vendors) {
      const target = await entry.simulator.start();
      const configured = Object.entries(entry.simulator.credentials)
        .filter(([key]) => !NOT_SECRET.has(key))
        .map(([, value]) => value);
      entry.proxy = new EchoProxy(target, entry.rewrite, configured);
      const baseUrl = await entry.proxy.start();
      connections.push({
        name: entry.name,
        vendor: entry.vendor,
        baseUrl,
        credentials: entry.simulator.credentials,
        options: entry.options?.(entry.simulator) ?? entry.simulator.connectionOptions(),
      });
    }
    stack = await startLocalStack({
      config: { connections: parseConnections(connections, 'test') },
      clock,
      logLevel: 'DEBUG',
    });
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all(
      vendors.map(async (entry) => Promise.all([entry.proxy?.close(), entry.simulator.close()])),
    );
    process.stdout.write = originalWrite;
    process.stderr.write = originalErrorWrite;
  });

  async function api(path: string, init?: RequestInit): Promise<unknown> {
    const response = await fetch(`${stack.apiUrl}${path}`, init);
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  }
  async function watch(connection: string, job: Record<string, unknown>): Promise<string> {
    return (
      (await api('/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ connection, job }),
      })) as PublicJob
    ).jobId;
  }
  const getJob = async (jobId: string) => (await api(`/jobs/${jobId}`)) as PublicJob;

  describe.each(vendors.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
    it('redacts them from snapshots, history, the list, cancel answers, events and logs', async () => {
      const { proxy, simulator } = entry;
      const logsBefore = logged.length;
      const eventsBefore = stack.bus.published.length;

      // Prepare: a job watched to its end while the vendor echoes in every successful answer.
      proxy.mode = 'success';
      const finished = await watch(entry.name, await referenceOf(simulator, 60));
      await stack.runner.waitFor(finished);
      // A second job: read while echoing, then while failing with echoes, then cancelled.
      const cancelled = await watch(entry.name, await referenceOf(simulator, 100_000));
      await waitUntil(async () => (await getJob(cancelled)).rawStatus !== undefined);
      proxy.mode = 'failure';
      await waitUntil(
        async () => proxy.failures >= 8 && (await getJob(cancelled)).watchIssue !== undefined,
        40_000,
      ).catch(async (error: unknown) => {
        throw new Error(
          `${String(error)}: ${proxy.failures} failures served, job ${JSON.stringify(await getJob(cancelled))}`,
        );
      });
      proxy.mode = 'success';
      const cancelAnswer = await api(`/jobs/${cancelled}/cancel`, { method: 'POST' });
      await stack.runner.waitFor(cancelled);

      // Act: everything jobwatch says about both jobs.
      const answers = [
        await getJob(finished),
        await getJob(cancelled),
        await api(`/jobs/${finished}/history?limit=100`),
        await api(`/jobs/${cancelled}/history?limit=100`),
        await api(`/jobs?connection=${entry.name}&limit=100`),
        await api('/jobs?limit=100'),
        cancelAnswer,
      ];
      const apiText = JSON.stringify(answers);
      const eventsText = JSON.stringify(stack.bus.published.slice(eventsBefore));
      const logsText = logged.slice(logsBefore).join('');

      // Assess: the vendor did echo, the echo reached what jobwatch keeps, and no secret came out.
      expect(proxy.echoed).toBeGreaterThan(0);
      expect(apiText).toContain('[REDACTED]');
      const secrets = proxy.secrets;
      expect(secrets.length).toBeGreaterThan(0);
      for (const secret of secrets) {
        for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]) {
          expect(apiText, `API answers carry ${form}`).not.toContain(form);
          expect(eventsText, `events carry ${form}`).not.toContain(form);
          expect(logsText, `logs carry ${form}`).not.toContain(form);
        }
      }
    }, 90_000);
  });
});
