import type { VendorResponse } from '../../http/vendor-http-client.js';
import { authRequestParts, parseConfigurableAuth } from '../shared/configurable-auth.js';
import type { AdapterContext } from '../vendor-adapter.js';
import { apiPathFor, type CinegyPcsOptions } from './cinegy-pcs-options.js';
import { type CinegyTask, type CinegyTaskList, CinegyTaskListSchema, readTask } from './cinegy-pcs-schema.js';

type Context = AdapterContext<CinegyPcsOptions>;

/** PCS REST's curl examples ask for `text/plain`; it answers JSON either way [DOC]. */
const ACCEPT = 'application/json, text/plain;q=0.9';

/** A GET under the REST root, with the connection's configured auth. */
async function get(context: Context, path: string, query: Record<string, string | number | undefined> = {}) {
  const auth = authRequestParts(
    parseConfigurableAuth(context.credentials, `connection "${context.connection.name}"`),
  );
  return context.http.request({
    url: `${apiPathFor(context.options, context.http.baseUrl)}${path}`,
    query: { ...query, ...auth.query },
    headers: { accept: ACCEPT, ...auth.headers },
  });
}

/**
 * The JSON body of a PCS answer. The documentation says "XML text" and the curl examples send
 * `accept: text/plain`, but the server answers JSON [DOC]: any content type is accepted as long as
 * the body is JSON; an HTML page (a proxy's error page) is named as such.
 */
function readJson(context: Context, response: VendorResponse): unknown {
  const contentType = response.headers.get('content-type') ?? '';
  const start = response.text.trimStart();
  if (/html/i.test(contentType) || /^<(!doctype|html|\?xml|[a-z])/i.test(start)) {
    throw context.http.protocolError(
      response,
      `answered ${/html/i.test(contentType) || /^<(!doctype|html)/i.test(start) ? 'an HTML page' : 'markup'} (${contentType || 'no content type'}) where JSON was expected`,
    );
  }
  return context.http.parseJson(response);
}

function looksLikeHtml(response: VendorResponse): boolean {
  return (
    /html/i.test(response.headers.get('content-type') ?? '') ||
    /^<(!doctype|html)/i.test(response.text.trimStart())
  );
}

function requireSuccess(context: Context, response: VendorResponse, what: string): void {
  if (response.status < 200 || response.status >= 300) {
    throw context.http.protocolError(response, `answered ${response.status} where ${what} was expected`);
  }
}

export type FetchTaskOutcome = { found: true; task: CinegyTask } | { found: false; status: number };

/**
 * `GET tasks/{id}`: the task, or `found: false` on 404 (PCS no longer knows it). Anything that
 * is not a task with that id is a protocol error.
 *
 * @example const fetched = await fetchTask(context, '7b30672e-6a83-4559-9b0c-d2454fa7bab7');
 */
export async function fetchTask(context: Context, taskId: string): Promise<FetchTaskOutcome> {
  const response = await get(context, `tasks/${encodeURIComponent(taskId)}`);
  if (response.status === 404 || response.status === 410) {
    // PCS answers a JSON problem or nothing [INF]; an HTML 404 comes from a web server or proxy in
    // front of it — a wrong base URL or apiPath — and must not turn every watched task LOST.
    if (looksLikeHtml(response)) {
      throw context.http.protocolError(
        response,
        `answered ${response.status} with an HTML page: probably not the PCS REST API (check the base URL and apiPath)`,
      );
    }
    return { found: false, status: response.status };
  }
  requireSuccess(context, response, 'a task');
  const body = readJson(context, response);
  const task = readTask(body);
  if (!task) {
    throw context.http.protocolError(response, 'answered JSON that is not a PCS task (no id and no status)');
  }
  if (task.id != null && String(task.id).toLowerCase() !== taskId.toLowerCase()) {
    // A proxy or a misconfigured path answering for another task must not feed this job's state.
    throw context.http.protocolError(
      response,
      `answered task ${String(task.id)} when asked for task ${taskId}`,
    );
  }
  return { found: true, task };
}

/**
 * `GET tasks/list?start&count[&order&orderDirection]`: one page.
 *
 * @example const page = await fetchTaskPage(context, 0, 100); // { items, totalCount, start, limit }
 */
export async function fetchTaskPage(context: Context, start: number, count: number): Promise<CinegyTaskList> {
  const response = await get(context, 'tasks/list', {
    start,
    count,
    order: context.options.listOrder,
    orderDirection: context.options.listOrderDirection,
  });
  requireSuccess(context, response, 'a task list');
  const parsed = CinegyTaskListSchema.safeParse(readJson(context, response));
  if (!parsed.success) {
    throw context.http.protocolError(
      response,
      'answered JSON that is not a PCS task list (no "items" array)',
    );
  }
  return parsed.data;
}
