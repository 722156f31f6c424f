import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicJob } from '../../lib/jobs/job.js';
import { stayIn } from '../../local/simulators/avid-ctms/index.js';
import { type AvidStack, startAvidStack } from '../support/avid-stack.js';

interface Problem {
  type: string;
  status: number;
  detail?: string;
  errors?: string[];
}

/** A start answers a job or a problem; both have a `status` (a job status or an HTTP one). */
type StartAnswer = Omit<PublicJob, 'status'> & Omit<Problem, 'status'> & { status: string | number };

/** Deadlines over the API: bounded to one year, in the future, and never silently ignored. */
describe('watch deadlines', () => {
  let env: AvidStack;
  beforeAll(async () => {
    env = await startAvidStack();
  });
  afterAll(async () => {
    await env.close();
  });

  const pendingCommand = () => env.simulator.createCommand({ steps: stayIn('pending') });
  const start = (job: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    env.api<StartAnswer>('/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connection: 'avid', job, ...extra }),
    });

  describe('out of bounds', () => {
    it.each([
      ['99999999999999d', 'a duration no date can hold (was a 500)'],
      ['9999999d', 'a duration of 27,000 years (was 400 "Invalid job")'],
      ['366d', 'a day over the year'],
      ['9999-01-01T00:00:00Z', 'a timestamp in year 9999'],
    ])('refuses %s (%s) with a 400 that names the field and the one-year limit', async (deadline) => {
      const response = await start(pendingCommand(), { deadline });

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ type: 'urn:jobwatch:problem:invalid-request', status: 400 });
      expect(response.body.detail).toContain('deadline');
      expect(response.body.detail).toContain('one year');
      expect(response.body.errors?.[0]).toMatch(/^deadline: /);
    });

    it.each([
      ['0s', 'zero'],
      ['PT0S', 'zero, ISO 8601'],
      ['2020-01-01T00:00:00Z', 'in the past'],
    ])('refuses %s (%s) with a 400 naming the field, and watches nothing', async (deadline) => {
      const job = pendingCommand();

      const refused = await start(job, { deadline });
      const afterwards = await start(job);

      expect(refused.status).toBe(400);
      expect(refused.body.type).toBe('urn:jobwatch:problem:invalid-request');
      expect(refused.body.detail).toContain('not in the future');
      expect(refused.body.errors?.[0]).toMatch(/^deadline: /);
      expect(afterwards.status).toBe(202);
    });

    it('accepts a deadline just under one year away', async () => {
      const response = await start(pendingCommand(), { deadline: '364d23h' });

      expect(response.status).toBe(202);
      expect(Date.parse(response.body.deadline ?? '') - Date.parse(response.body.createdAt)).toBe(
        (364 * 86_400 + 23 * 3600) * 1000,
      );
    });
  });

  describe('a start for a watch that is running already', () => {
    it('is the same watch (200) when it repeats the duration: a duration counts from the first start', async () => {
      const job = pendingCommand();
      const first = await start(job, { deadline: '2h' });
      // The test clock runs 250x: a few real milliseconds are clock seconds.
      await new Promise((resolve) => setTimeout(resolve, 50));

      const again = await start(job, { deadline: '2h' });

      expect(first.status).toBe(202);
      expect(again.status).toBe(200);
      expect(again.body.deadline).toBe(first.body.deadline);
    });

    it('is the same watch when it repeats the deadline as a timestamp, or brings none', async () => {
      const job = pendingCommand();
      const first = await start(job, { deadline: '3h' });

      const sameInstant = await start(job, { deadline: first.body.deadline });
      const none = await start(job);

      expect(sameInstant.status).toBe(200);
      expect(none.status).toBe(200);
      expect(none.body.deadline).toBe(first.body.deadline);
    });

    it('refuses another deadline with 409 deadline-conflict naming both, and keeps the watch as it was', async () => {
      const job = pendingCommand();
      const first = await start(job, { deadline: '2h' });

      const oneHourSooner = new Date(Date.parse(first.body.deadline ?? '') - 3600_000).toISOString();

      const longer = await start(job, { deadline: '4h' });
      const sooner = await start(job, { deadline: oneHourSooner });
      const now = await env.api<PublicJob>(`/jobs/${first.body.jobId}`);

      for (const refused of [longer, sooner]) {
        expect(refused.status).toBe(409);
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
        expect(refused.body.type).toBe('urn:jobwatch:problem:deadline-conflict');
        expect(refused.body.detail).toContain(first.body.deadline);
      }
      expect(longer.body.detail).toContain('"4h"');
      expect(now.body.deadline).toBe(first.body.deadline);
    });

    it('refuses another deadline under the same idempotency key with 409 too', async () => {
      const job = pendingCommand();
      const key = `order-${job.commandId}`;
      const first = await start(job, { deadline: '2h', idempotencyKey: key });

      const repeated = await start(job, { deadline: '2h', idempotencyKey: key });
      const other = await start(job, { deadline: '5h', idempotencyKey: key });

      expect(first.status).toBe(202);
      expect(repeated.status).toBe(200);
      expect(other.status).toBe(409);
      expect(other.body.type).toBe('urn:jobwatch:problem:deadline-conflict');
    });
  });

  it('documents both refusals in the OpenAPI document', async () => {
    const { body } = await env.api<{
      paths: Record<string, { post?: { responses: Record<string, { description: string }> } }>;
      components: { schemas: { Problem: { properties: { type: { enum: string[] } } } } };
    }>('/openapi.json');

    const responses = body.paths['/jobs']?.post?.responses ?? {};
    expect(responses['409']?.description).toContain('deadline');
    expect(responses['400']?.description).toContain('one year');
    expect(body.components.schemas.Problem.properties.type.enum).toContain(
      'urn:jobwatch:problem:deadline-conflict',
    );
  });
});
