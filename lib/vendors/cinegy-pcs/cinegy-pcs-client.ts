import type { VendorResponse } from '../../http/vendor-http-client.js';
import { VendorProtocolError } from '../../jobs/errors.js';
import { authRequestParts, parseConfigurableAuth } from '../shared/configurable-auth.js';
import type { AdapterContext } from '../vendor-adapter.js';
import { apiPathsToTry } from './cinegy-pcs-api-root.js';
import type { CinegyPcsOptions } from './cinegy-pcs-options.js';
import { type CinegyTask, type CinegyTaskList, readTask, readTaskList } from './cinegy-pcs-schema.js';

type Context = AdapterContext<CinegyPcsOptions>;

/** PCS REST's curl examples ask for `text/plain`; it answers JSON either way [DOC]. */
const ACCEPT = 'application/json, text/plain;q=0.9';

/** A GET under one REST root, with the connection's configured auth. */
async function get(
  context: Context,
  apiPath: string,
  path: string,
  query: Record<string, string | number | undefined> = {},
) {
  const auth = authRequestParts(
    parseConfigurableAuth(context.credentials, `connection "${context.connection.name}"`),
  );
  return context.http.request({
    url: `${apiPath}${path}`,
    query: { ...query, ...auth.query },
    headers: { accept: ACCEPT, ...auth.headers },
  });
}

function looksLikeHtml(response: VendorResponse): boolean {
  return (
    /html/i.test(response.headers.get('content-type') ?? '') ||
    /^<(!doctype|html)/i.test(response.text.replace(/^\uFEFF/, '').trimStart())
  );
}

/**
 * The JSON body of a PCS answer. The documentation says "XML text" and the curl examples send
 * `accept: text/plain`, but the server answers JSON [DOC]: any content type is accepted as long as
 * the body is JSON. A .NET writer may put a UTF-8 byte order mark first, and a "text/plain"
 * action may hand back the JSON as one JSON string: both are unwrapped. Markup is named as such.
 */
function readJson(context: Context, response: VendorResponse): unknown {
  const text = response.text.replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (/html/i.test(response.headers.get('content-type') ?? '') || /^</.test(start)) {
    const contentType = response.headers.get('content-type') || 'no content type';
    throw context.http.protocolError(
      response,
      `answered ${looksLikeHtml(response) ? 'an HTML page' : 'markup'} (${contentType}) where JSON was expected`,
    );
  }
  const parsed = context.http.parseJson({ ...response, text });
  if (typeof parsed === 'string' && /^\s*[[{]/.test(parsed)) {
    try {
      return JSON.parse(parsed);
    } catch {
      return parsed;
    }
  }
  return parsed;
}

function isSuccess(response: VendorResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

function requireSuccess(context: Context, response: VendorResponse, what: string): void {
  if (!isSuccess(response)) {
    throw context.http.protocolError(response, `answered ${response.status} where ${what} was expected`);
  }
}

/** GUIDs compare without case and without the braces .NET's "B" format adds. */
function sameTaskId(left: string, right: string): boolean {
  const plain = (id: string) =>
    id
      .trim()
      .replace(/^\{(.*)\}$/, '$1')
      .toLowerCase();
  return plain(left) === plain(right);
}

function readTaskAnswer(context: Context, response: VendorResponse, taskId: string): CinegyTask {
  requireSuccess(context, response, 'a task');
  const task = readTask(readJson(context, response));
  if (!task) {
    throw context.http.protocolError(response, 'answered JSON that is not a PCS task (no id and no status)');
  }
  if (task.id != null && !sameTaskId(String(task.id), taskId)) {
    // A proxy or a misconfigured path answering for another task must not feed this job's state.
    throw context.http.protocolError(
      response,
      `answered task ${String(task.id)} when asked for task ${taskId}`,
    );
  }
  return task;
}

function readListAnswer(context: Context, response: VendorResponse): CinegyTaskList {
  requireSuccess(context, response, 'a task list');
  const list = readTaskList(readJson(context, response));
  if (!list) {
    throw context.http.protocolError(
      response,
      'answered JSON that is not a PCS task list (no "items" array)',
    );
  }
  return list;
}

/**
 * Tries each REST root in turn: the first one's errors are the caller's, a later one is only a
 * guess, so whatever goes wrong there just means "not this root" and the first answer stands.
 */
async function firstRootThatAnswers<T>(
  context: Context,
  apiPaths: string[],
  path: string,
  query: Record<string, string | number | undefined>,
  read: (response: VendorResponse) => T,
  isMiss: (response: VendorResponse) => boolean,
): Promise<{ answer: T; apiPath: string } | { misses: { response: VendorResponse; apiPath: string }[] }> {
  const misses: { response: VendorResponse; apiPath: string }[] = [];
  for (const [index, apiPath] of apiPaths.entries()) {
    if (index === 0) {
      const response = await get(context, apiPath, path, query);
      if (isMiss(response) && apiPaths.length > 1) {
        misses.push({ response, apiPath });
        continue;
      }
      if (isMiss(response)) return { misses: [{ response, apiPath }] };
      return { answer: read(response), apiPath };
    }
    try {
      const response = await get(context, apiPath, path, query);
      if (isMiss(response)) {
        misses.push({ response, apiPath });
        continue;
      }
      return { answer: read(response), apiPath };
    } catch {
      // A guessed root that errors (or answers something else) is simply not the REST root.
    }
  }
  return { misses };
}

export type FetchTaskOutcome =
  | { found: true; task: CinegyTask; apiPath: string }
  | { found: false; status: number; apiPath?: string };

const isGone = (response: VendorResponse) => response.status === 404 || response.status === 410;

/**
 * `GET tasks/{id}`: the task, or `found: false` on 404/410 (PCS no longer knows it), with the REST
 * root that answered. Anything that is not a task with that id is a protocol error.
 *
 * @example const fetched = await fetchTask(context, '7b30672e-6a83-4559-9b0c-d2454fa7bab7');
 */
export async function fetchTask(
  context: Context,
  taskId: string,
  rememberedApiPath?: unknown,
): Promise<FetchTaskOutcome> {
  const apiPaths = apiPathsToTry(context.options, context.http.baseUrl, rememberedApiPath);
  const outcome = await firstRootThatAnswers(
    context,
    apiPaths,
    `tasks/${encodeURIComponent(taskId)}`,
    {},
    (response) => readTaskAnswer(context, response, taskId),
    isGone,
  );
  if ('answer' in outcome) return { found: true, task: outcome.answer, apiPath: outcome.apiPath };
  const [first] = outcome.misses;
  if (!first) throw new Error('unreachable: no REST root was tried');
  const plain = outcome.misses.find((miss) => !looksLikeHtml(miss.response));
  // PCS (ASP.NET) answers a missing task with a JSON problem or nothing.
  if (plain) return { found: false, status: plain.response.status, apiPath: plain.apiPath };
  // Only HTML 404 pages: a web framework's "not found" page for the missing task, or a web server
  // or proxy in front of something else (a wrong base URL or apiPath). A working tasks/list tells
  // them apart, so a misconfiguration never turns every watched task LOST.
  const listed = await firstRootThatAnswers(
    context,
    outcome.misses.map((miss) => miss.apiPath),
    'tasks/list',
    { start: 0, count: 1 },
    (response) => readListAnswer(context, response),
    (response) => !isSuccess(response),
  ).catch((error: unknown) => {
    // A list that answers garbage is as good as none here; transport and auth errors still count.
    if (error instanceof VendorProtocolError) return undefined;
    throw error;
  });
  if (listed && 'answer' in listed)
    return { found: false, status: first.response.status, apiPath: listed.apiPath };
  throw context.http.protocolError(
    first.response,
    `answered ${first.response.status} with an HTML page, and tasks/list does not answer either: probably not the PCS REST API (check the base URL and apiPath)`,
  );
}

/**
 * `GET tasks/list?start&count[&order&orderDirection]`: one page, with the REST root that answered.
 *
 * @example const { list } = await fetchTaskPage(context, 0, 100); // { items, totalCount, start, limit }
 */
export async function fetchTaskPage(
  context: Context,
  start: number,
  count: number,
  rememberedApiPath?: unknown,
): Promise<{ list: CinegyTaskList; apiPath: string }> {
  const apiPaths = apiPathsToTry(context.options, context.http.baseUrl, rememberedApiPath);
  const outcome = await firstRootThatAnswers(
    context,
    apiPaths,
    'tasks/list',
    {
      start,
      count,
      order: context.options.listOrder,
      orderDirection: context.options.listOrderDirection,
    },
    (response) => readListAnswer(context, response),
    isGone,
  );
  if ('answer' in outcome) return { list: outcome.answer, apiPath: outcome.apiPath };
  const [first] = outcome.misses;
  if (!first) throw new Error('unreachable: no REST root was tried');
  return { list: readListAnswer(context, first.response), apiPath: first.apiPath };
}
