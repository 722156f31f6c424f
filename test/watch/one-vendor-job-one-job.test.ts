import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicJob } from '../../lib/jobs/job.js';
import { okastAdapter } from '../../lib/vendors/okast/index.js';
import { vdgSenseAdapter } from '../../lib/vendors/vdg-sense/index.js';
import type { AnyVendorAdapter } from '../../lib/vendors/vendor-adapter.js';
import { parseReference } from '../../lib/watch/adapter-context.js';
import { deriveJobId } from '../../lib/watch/job-identity.js';
import { scaledClock } from '../../local/clock.js';
import { AvidCtmsSimulator, stayIn } from '../../local/simulators/avid-ctms/index.js';
import { CinegyPcsSimulator } from '../../local/simulators/cinegy-pcs/index.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { waitUntil } from '../support/wait.js';

/** Spellings of one GUID a caller may copy from a log, a .NET tool or a URN. */
function spellings(guid: string): string[] {
  return [
    guid,
    guid.toUpperCase(),
    `{${guid.toUpperCase()}}`,
    `(${guid})`,
    `urn:uuid:${guid}`,
    `  ${guid}  `,
  ];
}

/**
 * Job identity follows what the vendor treats as equal: a GUID in another case, in braces or as
 * a `urn:uuid:` names the same PCS task or CTMS command, so it is the same jobwatch job — one
 * job, one execution, one poller — and it is polled under the vendor's own spelling.
 */
describe('one vendor job, one jobwatch job', () => {
  const clock = scaledClock(250);
  const cinegy = new CinegyPcsSimulator({ clock });
  const avid = new AvidCtmsSimulator({ clock });
  let stack: LocalStack;

  beforeAll(async () => {
    const [cinegyUrl, avidUrl] = await Promise.all([cinegy.start(), avid.start()]);
    stack = await startLocalStack({
      logLevel: 'SILENT',
      clock,
      config: {
        connections: [
          { name: 'pcs', vendor: 'cinegy-pcs', baseUrl: cinegyUrl, options: cinegy.connectionOptions() },
          {
            name: 'avid',
            vendor: 'avid-ctms',
            baseUrl: avidUrl,
            credentials: avid.credentials,
            options: avid.connectionOptions(),
          },
        ],
      },
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    await Promise.all([cinegy.close(), avid.close()]);
  });

  const start = async (connection: string, job: Record<string, unknown>) => {
    const response = await fetch(`${stack.apiUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connection, job }),
    });
    return { status: response.status, body: (await response.json()) as PublicJob & { detail?: string } };
  };
  const get = async (jobId: string) =>
    (await (await fetch(`${stack.apiUrl}/jobs/${jobId}`)).json()) as PublicJob;

  it('starts one job for a Cinegy task id however its GUID is written, and polls the task', async () => {
    const { taskId } = cinegy.createDemoJob(600);

    const starts = [];
    for (const written of spellings(taskId)) starts.push(await start('pcs', { taskId: written }));

    expect(starts.map((started) => started.status)).toEqual([202, 200, 200, 200, 200, 200]);
    expect(new Set(starts.map((started) => started.body.jobId)).size).toBe(1);
    expect(starts[0]?.body.reference).toEqual({ taskId });
    const jobId = starts[0]?.body.jobId ?? '';
    await waitUntil(async () => (await get(jobId)).status === 'RUNNING', 30_000);
  }, 60_000);

  it('starts one job for an Avid command id however its GUID is written', async () => {
    const { commandId } = avid.createCommand({ steps: stayIn('running') });

    const starts = [];
    for (const written of spellings(commandId)) starts.push(await start('avid', { commandId: written }));

    expect(starts.map((started) => started.status)).toEqual([202, 200, 200, 200, 200, 200]);
    expect(new Set(starts.map((started) => started.body.jobId)).size).toBe(1);
    const jobId = starts[0]?.body.jobId ?? '';
    await waitUntil(async () => (await get(jobId)).status === 'RUNNING', 30_000);
  }, 60_000);

  it('keeps ids that are not GUIDs as they are written, case and all', async () => {
    const numeric = await start('avid', { commandId: ' 2222498676990702465 ' });
    const lower = await start('pcs', { taskId: 'task-abc' });
    const upper = await start('pcs', { taskId: 'TASK-ABC' });

    expect(numeric.body.reference).toEqual({ commandId: '2222498676990702465' });
    expect(lower.body.jobId).not.toBe(upper.body.jobId);
  });
});

/** The same rule for the vendors whose references hold no GUID: what they compare as equal is one job. */
describe('job identity of references without a GUID', () => {
  const idOf = (adapter: AnyVendorAdapter, job: unknown) =>
    deriveJobId({ connection: 'c', reference: parseReference(adapter, job) });

  it('takes an Okast file URL as the URL parser writes it, as the list is matched', () => {
    const a = idOf(okastAdapter, {
      filePath: 'https://Storage.example.com/a b.mp4',
      metadataPath: 'https://s.example.com/a.json',
    });
    const b = idOf(okastAdapter, {
      filePath: 'https://storage.example.com/a%20b.mp4',
      metadataPath: 'https://s.example.com/a.json',
    });

    expect(a).toBe(b);
  });

  it('takes VDG device ids in any case and times however the instant is written', () => {
    const a = idOf(vdgSenseAdapter, {
      exportId: 12,
      devices: [{ serverId: 'SRV-1', deviceId: 'Cam1', startTime: '2024-05-01 10:00:00' }],
    });
    const b = idOf(vdgSenseAdapter, {
      exportId: '12',
      devices: [{ serverId: 'srv-1', deviceId: 'CAM1', startTime: '2024-05-01T10:00:00.000Z' }],
    });

    expect(a).toBe(b);
  });
});
