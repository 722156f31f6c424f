import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type FakeRoute = (request: RecordedRequest, response: ServerResponse) => void;

/**
 * A loopback HTTP server that answers with whatever the test scripts: for the API client's and
 * the CLI's behaviour on answers the real API gives rarely (401, 502 pages, odd bodies).
 */
export async function startFakeApi(route: FakeRoute): Promise<{
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded = {
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      route(recorded, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const problem = status >= 400 && typeof body === 'object' && body !== null && 'type' in body;
  response.writeHead(status, {
    'content-type': problem ? 'application/problem+json' : 'application/json',
    ...headers,
  });
  response.end(JSON.stringify(body));
}

/** A job as the API returns it, with the fields a test cares about overridden. */
export function apiJob(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jobId: 'jw-test-1',
    connection: 'avid',
    vendor: 'avid-ctms',
    reference: { commandId: 'c296' },
    status: 'RUNNING',
    rawStatus: 'running',
    progress: 40,
    version: 3,
    createdAt: '2026-01-15T10:00:00.000Z',
    updatedAt: '2026-01-15T10:01:00.000Z',
    ...overrides,
  };
}
