import type { VendorRequest, VendorResponse } from '../../http/vendor-http-client.js';
import { VendorAuthError } from '../../jobs/errors.js';
import type { AdapterContext } from '../vendor-adapter.js';
import { authorizationHeaders, canRenewToken } from './avid-ctms-auth.js';
import type { AvidCtmsOptions } from './avid-ctms-schema.js';

/** CTMS answers HAL; plain JSON is what some gateways put in front of it. */
export const HAL_ACCEPT = 'application/hal+json, application/json;q=0.9';

/**
 * Sends one CTMS request with the connection's authorization. When the connection gets its tokens
 * from the token endpoint (client credentials or a user login) and CTMS refuses the token (401, or 403 — the only refusal the command link
 * relation documents), the token is fetched afresh once and the request retried once; a second
 * refusal is a {@link VendorAuthError}, never a job state.
 *
 * @example const response = await sendAuthorized(context, { url: 'apis/commands/42' });
 */
export async function sendAuthorized(
  context: AdapterContext<AvidCtmsOptions>,
  request: VendorRequest,
): Promise<VendorResponse> {
  const headers = { accept: HAL_ACCEPT, ...request.headers };
  const firstAuthorization = await authorizationHeaders(context, { forceRefresh: false });
  try {
    return await context.http.request({ ...request, headers: { ...headers, ...firstAuthorization } });
  } catch (error) {
    const refused = error instanceof VendorAuthError && [401, 403].includes(error.context.statusCode ?? 0);
    if (!refused || !canRenewToken(context.credentials)) throw error;
  }
  const freshAuthorization = await authorizationHeaders(context, { forceRefresh: true });
  try {
    return await context.http.request({ ...request, headers: { ...headers, ...freshAuthorization } });
  } catch (error) {
    if (error instanceof VendorAuthError) {
      throw new VendorAuthError(`${error.message} (also with a freshly issued token)`, error.context, {
        cause: error,
      });
    }
    throw error;
  }
}
