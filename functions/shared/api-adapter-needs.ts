import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AdapterNeeds } from './aws-services.js';

/**
 * What an API request needs of the vendor adapters: starting a watch, the adapter of the
 * connection its body names (to read the job reference); everything else reads the job first,
 * and the store loads its adapter then. A body that names no connection loads nothing: the use
 * case refuses it before it asks for an adapter.
 *
 * @example adapterNeedsOf('startWatch', { body: '{"connection":"avid"}' }) // { connection: 'avid' }
 */
export function adapterNeedsOf(
  operationId: string,
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>,
): AdapterNeeds {
  if (operationId !== 'startWatch' || !event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  const connection = (body as { connection?: unknown } | null)?.connection;
  return typeof connection === 'string' ? { connection } : {};
}
