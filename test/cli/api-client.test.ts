import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, parseRetryAfter } from '../../cli/api-client.js';
import { ApiError, problemLine, ResponseShapeError, TransportError } from '../../cli/errors.js';
import { apiJob, sendJson, startFakeApi } from './fake-api.js';

describe('problemLine', () => {
  it('puts the field-by-field reasons after the status and title', () => {
    expect(
      problemLine(400, {
        title: 'Invalid request',
        detail: 'Invalid watch request: job.commandId: expected string',
        errors: ['job.commandId: expected string'],
      }),
    ).toBe('400 invalid request: job.commandId: expected string');
  });

  it('falls back to the detail, and to the title alone', () => {
    expect(problemLine(404, { title: 'Job not found', detail: 'No job jw-1' })).toBe(
      '404 job not found: No job jw-1',
    );
    expect(problemLine(500, { title: 'Internal error' })).toBe('500 internal error');
    expect(problemLine(502, {})).toBe('502 error');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores nonsense', () => {
    const now = Date.parse('2026-01-15T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Thu, 15 Jan 2026 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('ApiClient over real HTTP', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('turns a problem document into an ApiError with its type, detail and errors', async () => {
    const api = await startFakeApi((_request, response) =>
      sendJson(response, 400, {
        type: 'urn:jobwatch:problem:invalid-request',
        title: 'Invalid request',
        status: 400,
        detail: 'Invalid watch request: job.commandId: expected string',
        errors: ['job.commandId: expected string'],
      }),
    );
    close = api.close;
    const client = new ApiClient({ baseUrl: api.url });

    const error = await client
      .startWatch({ connection: 'avid', job: { commandId: 5 } })
      .catch((caught) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      type: 'urn:jobwatch:problem:invalid-request',
      errors: ['job.commandId: expected string'],
      request: 'POST /jobs',
      message: '400 invalid request: job.commandId: expected string',
    });
  });

  it('explains an API Gateway refusal that is not a problem document', async () => {
    const api = await startFakeApi((_request, response) =>
      sendJson(response, 403, { message: 'Missing Authentication Token' }),
    );
    close = api.close;

    const error = await new ApiClient({ baseUrl: api.url }).connections().catch((caught) => caught);

    expect(error).toMatchObject({
      status: 403,
      isAuthRefusal: true,
      message: '403 forbidden: Missing Authentication Token',
    });
  });

  it('keeps a non-JSON error page as an excerpt, not as the message', async () => {
    const api = await startFakeApi((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html><body>Bad gateway</body></html>');
    });
    close = api.close;

    const error = await new ApiClient({ baseUrl: api.url }).connections().catch((caught) => caught);

    expect(error).toMatchObject({ status: 502, isRetryable: true, message: '502 server error' });
    expect(error.bodyExcerpt).toContain('Bad gateway');
  });

  it('sends the bearer token, keeps a stage path, and encodes query filters', async () => {
    const api = await startFakeApi((_request, response) => sendJson(response, 200, { items: [apiJob()] }));
    close = api.close;
    const client = new ApiClient({ baseUrl: `${api.url}/prod/`, token: 'local-token' });

    const page = await client.listJobs({ statuses: ['RUNNING', 'QUEUED'], connection: 'avid', limit: 5 });

    expect(page.items[0]?.jobId).toBe('jw-test-1');
    expect(api.requests[0]?.url).toBe('/prod/jobs?status=RUNNING%2CQUEUED&connection=avid&limit=5');
    expect(api.requests[0]?.headers.authorization).toBe('Bearer local-token');
  });

  it('asks conditionally and reads 304, ETag and Retry-After', async () => {
    const api = await startFakeApi((request, response) => {
      if (request.headers['if-none-match'] === '"jw-test-1.v3"') {
        response.writeHead(304, { etag: '"jw-test-1.v3"', 'retry-after': '4' });
        response.end();
        return;
      }
      sendJson(response, 200, apiJob(), { etag: '"jw-test-1.v3"', 'retry-after': '4' });
    });
    close = api.close;
    const client = new ApiClient({ baseUrl: api.url });

    const first = await client.getJob('jw-test-1');
    const second = await client.getJob('jw-test-1', first.etag ? { ifNoneMatch: first.etag } : {});

    expect(first).toMatchObject({ etag: '"jw-test-1.v3"', retryAfterSeconds: 4, job: { version: 3 } });
    expect(second).toEqual({ etag: '"jw-test-1.v3"', retryAfterSeconds: 4 });
  });

  it('passes unknown fields through and refuses a body that breaks the contract', async () => {
    let body: unknown = apiJob({ futureField: 'kept' });
    const api = await startFakeApi((_request, response) => sendJson(response, 200, body));
    close = api.close;
    const client = new ApiClient({ baseUrl: api.url });

    const { job } = await client.getJob('jw-test-1');
    body = { jobId: 'jw-test-1' };
    const error = await client.getJob('jw-test-1').catch((caught) => caught);

    expect(job).toMatchObject({ futureField: 'kept' });
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(error.message).toMatch(/not what this CLI expects: connection: /);
  });

  it('reports an API that does not answer in time as a transport error', async () => {
    const api = await startFakeApi(() => {
      // Never answers.
    });
    close = api.close;

    const error = await new ApiClient({ baseUrl: api.url, timeoutMs: 200 })
      .connections()
      .catch((caught) => caught);

    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toBe(
      `cannot reach the API at ${api.url} (GET /connections): no answer within 0.2 s`,
    );
  });

  it('names the API URL when nothing listens there, without the credentials written into it', async () => {
    const api = await startFakeApi((_request, response) => sendJson(response, 200, { items: [] }));
    await api.close();
    const port = new URL(api.url).port;

    const error = await new ApiClient({ baseUrl: `http://me:s3cret@127.0.0.1:${port}/prod?sig=abc` })
      .connections()
      .catch((caught) => caught);

    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toBe(
      `cannot reach the API at http://127.0.0.1:${port}/prod (GET /prod/connections): ECONNREFUSED`,
    );
    expect(error.message).not.toMatch(/s3cret|sig=/);
  });
});
