import type { VendorResponse } from '../../http/vendor-http-client.js';
import { VendorProtocolError } from '../../jobs/errors.js';
import { authRequestParts, parseConfigurableAuth } from '../shared/configurable-auth.js';
import type { AdapterContext } from '../vendor-adapter.js';
import type { MissedSearch } from './cinegy-pcs-observation.js';
import { apiPathFor, type CinegyPcsOptions } from './cinegy-pcs-options.js';
import { ACCEPT_HEADER, listedWithoutMetadata, nextPageStart, parseCinegyDate } from './cinegy-pcs-quirks.js';
import type { CinegyPcsReference } from './cinegy-pcs-reference.js';
import { type CinegyTask, type CinegyTaskList, readTask, readTaskList } from './cinegy-pcs-schema.js';

/*
 * The wire calls of the read-only PCS REST API: `GET tasks/{id}` and `GET tasks/list`. PCS REST
 * has no login or session [DOC], so the client keeps nothing between calls: the adapter has no
 * memory, and each request carries the connection's configured (proxy) auth.
 */

/** What the client needs of an adapter context (any state, no memory). */
export type ClientContext = Pick<
  AdapterContext<CinegyPcsOptions>,
  'connection' | 'credentials' | 'http' | 'options'
>;

/** A GET below the REST root, with the connection's configured auth. */
function get(
  context: ClientContext,
  path: string,
  query: Record<string, number> = {},
): Promise<VendorResponse> {
  const auth = authRequestParts(
    parseConfigurableAuth(context.credentials, `connection "${context.connection.name}"`),
  );
  return context.http.request({
    url: `${apiPathFor(context.options, context.http.baseUrl)}${path}`,
    query: { ...query, ...auth.query },
    headers: { accept: ACCEPT_HEADER, ...auth.headers },
  });
}

function looksLikeHtml(response: VendorResponse): boolean {
  return (
    /html/i.test(response.headers.get('content-type') ?? '') || /^\s*<(!doctype|html)/i.test(response.text)
  );
}

/** The JSON body of a PCS answer, whatever its content type (see `ACCEPT_HEADER`); markup is named as such. */
function readJson(context: ClientContext, response: VendorResponse): unknown {
  if (looksLikeHtml(response) || /^\s*</.test(response.text)) {
    const contentType = response.headers.get('content-type') || 'no content type';
    throw context.http.protocolError(
      response,
      `answered ${looksLikeHtml(response) ? 'an HTML page' : 'markup'} (${contentType}) where JSON was expected`,
    );
  }
  return context.http.parseJson(response);
}

function requireSuccess(context: ClientContext, response: VendorResponse, what: string): void {
  if (response.status < 200 || response.status >= 300) {
    throw context.http.protocolError(response, `answered ${response.status} where ${what} was expected`);
  }
}

/** GUIDs compare without case (RFC 9562); PCS writes them in lower case. */
function sameTaskId(left: string, right: string): boolean {
  return left.trim().toLowerCase() === right.trim().toLowerCase();
}

function readTaskAnswer(context: ClientContext, response: VendorResponse, taskId: string): CinegyTask {
  requireSuccess(context, response, 'a task');
  const task = readTask(readJson(context, response));
  if (!task) {
    throw context.http.protocolError(response, 'answered JSON that is not a PCS task (no id and no status)');
  }
  if (task.id != null && !sameTaskId(task.id, taskId)) {
    // A proxy or a misconfigured path answering for another task must not feed this job's state.
    throw context.http.protocolError(response, `answered task ${task.id} when asked for task ${taskId}`);
  }
  return task;
}

function readListAnswer(context: ClientContext, response: VendorResponse): CinegyTaskList {
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
 * Whether `tasks/list` answers a list under the REST root: tells an HTML 404 from a web framework
 * serving PCS (the task is gone) from one of a web server in front of something else. Transport
 * and auth errors still count.
 */
async function listAnswers(context: ClientContext): Promise<boolean> {
  try {
    readListAnswer(context, await get(context, 'tasks/list', { start: 0, count: 1 }));
    return true;
  } catch (error) {
    if (error instanceof VendorProtocolError) return false;
    throw error;
  }
}

export type FetchTaskOutcome = { found: true; task: CinegyTask } | { found: false; status: number };

/**
 * `GET tasks/{id}`: the task, or `found: false` on 404 (PCS no longer knows it). Anything that is
 * not a task with that id is a protocol error — and so is an HTML 404 when `tasks/list` does not
 * answer either, so a wrong base URL never turns every watched task LOST (which is final).
 *
 * @example const fetched = await fetchTask(context, '7b30672e-6a83-4559-9b0c-d2454fa7bab7');
 */
export async function fetchTask(context: ClientContext, taskId: string): Promise<FetchTaskOutcome> {
  const response = await get(context, `tasks/${encodeURIComponent(taskId)}`);
  if (response.status !== 404) return { found: true, task: readTaskAnswer(context, response, taskId) };
  if (!looksLikeHtml(response) || (await listAnswers(context))) return { found: false, status: 404 };
  throw context.http.protocolError(
    response,
    'answered 404 with an HTML page, and tasks/list does not answer either: probably not the PCS REST API (check the base URL and apiPath)',
  );
}

/**
 * `GET tasks/list?start&count`: one page.
 *
 * @example const list = await fetchTaskPage(context, 0, 100); // { items, totalCount, start, limit }
 */
export async function fetchTaskPage(
  context: ClientContext,
  start: number,
  count: number,
): Promise<CinegyTaskList> {
  return readListAnswer(context, await get(context, 'tasks/list', { start, count }));
}

export type TaskSearch =
  | { kind: 'found'; task: CinegyTask; taskId: string; matchCount: number }
  | ({ kind: 'missing' } & MissedSearch);

/** A search in progress: what the walk has seen so far. */
interface Walk {
  reference: CinegyPcsReference;
  createdAfterMs: number | undefined;
  matches: { task: CinegyTask; taskId: string; createdMs: number }[];
  searched: number;
  metadataReads: number;
  metadataReadsExhausted: boolean;
}

function metadataMatches(
  metadata: Record<string, unknown> | null | undefined,
  wanted: Record<string, string>,
): boolean {
  if (!metadata) return false;
  return Object.entries(wanted).every(([key, value]) => metadata[key] === value);
}

/** The task with its own metadata when the list left it out (bounded by `metadataFetchLimit`). */
async function withMetadata(
  context: ClientContext,
  walk: Walk,
  listed: CinegyTask,
): Promise<CinegyTask | undefined> {
  const wanted = walk.reference.metadata;
  if (wanted === undefined || metadataMatches(listed.metadata, wanted)) return listed;
  if (!listedWithoutMetadata(listed) || listed.id == null) return undefined;
  if (walk.metadataReads >= context.options.metadataFetchLimit) {
    walk.metadataReadsExhausted = true;
    return undefined;
  }
  walk.metadataReads += 1;
  const fetched = await fetchTask(context, listed.id);
  return fetched.found && metadataMatches(fetched.task.metadata, wanted) ? fetched.task : undefined;
}

async function consider(context: ClientContext, walk: Walk, item: unknown): Promise<void> {
  const listed = readTask(item);
  if (!listed) return;
  walk.searched += 1;
  if (walk.reference.name !== undefined && listed.name !== walk.reference.name) return;
  const createdIso = parseCinegyDate(listed.creationTime, context.options.timeZone);
  const createdMs = createdIso === undefined ? Number.NEGATIVE_INFINITY : Date.parse(createdIso);
  // A task whose creation time cannot be read cannot be shown to be recent enough.
  if (walk.createdAfterMs !== undefined && !(createdMs >= walk.createdAfterMs)) return;
  const task = await withMetadata(context, walk, listed);
  if (task?.id == null) return;
  walk.matches.push({ task, taskId: task.id, createdMs });
}

/**
 * Finds the task a name/metadata reference means by walking `tasks/list` page by page, up to
 * `maxPages`; it ends at an empty page or once `totalCount` tasks were listed. Among several
 * matches the newest (by `creationTime`) wins.
 *
 * @example const search = await findTask(context, { name: 'Task The Trail.mp4 - 27-Jule-23 13:29:00' });
 */
export async function findTask(context: ClientContext, reference: CinegyPcsReference): Promise<TaskSearch> {
  const { pageSize, maxPages } = context.options;
  const walk: Walk = {
    reference,
    createdAfterMs: reference.createdAfter === undefined ? undefined : Date.parse(reference.createdAfter),
    matches: [],
    searched: 0,
    metadataReads: 0,
    metadataReadsExhausted: false,
  };
  let start = 0;
  let totalCount: number | undefined;
  let reachedEnd = false;
  for (let page = 0; page < maxPages && !reachedEnd; page += 1) {
    const list = await fetchTaskPage(context, start, pageSize);
    totalCount = list.totalCount ?? totalCount;
    for (const item of list.items) await consider(context, walk, item);
    start = nextPageStart(start, list.items.length);
    reachedEnd = list.items.length === 0 || (totalCount !== undefined && start >= totalCount);
  }
  return outcomeOf(walk, reachedEnd, totalCount);
}

function outcomeOf(walk: Walk, reachedEnd: boolean, totalCount: number | undefined): TaskSearch {
  const newest = walk.matches.reduce<Walk['matches'][number] | undefined>(
    (best, match) => (best === undefined || match.createdMs > best.createdMs ? match : best),
    undefined,
  );
  if (newest)
    return { kind: 'found', task: newest.task, taskId: newest.taskId, matchCount: walk.matches.length };
  return {
    kind: 'missing',
    searchedTasks: walk.searched,
    ...(totalCount !== undefined ? { totalCount } : {}),
    truncated: !reachedEnd,
    metadataReadsExhausted: walk.metadataReadsExhausted,
  };
}
