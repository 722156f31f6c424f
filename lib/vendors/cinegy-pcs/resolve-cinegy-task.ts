import type { AdapterContext } from '../vendor-adapter.js';
import { fetchTask, fetchTaskPage } from './cinegy-pcs-client.js';
import { parseCinegyDate } from './cinegy-pcs-dates.js';
import type { CinegyPcsOptions } from './cinegy-pcs-options.js';
import type { CinegyPcsReference } from './cinegy-pcs-reference.js';
import { type CinegyTask, readTask } from './cinegy-pcs-schema.js';

type Context = AdapterContext<CinegyPcsOptions>;

export type TaskResolution =
  | {
      kind: 'found';
      task: CinegyTask;
      taskId: string;
      /** How many tasks matched; the newest was taken. */
      matchCount: number;
      searchedTasks: number;
      /** The REST root that answered the list. */
      apiPath: string;
    }
  | {
      kind: 'missing';
      searchedTasks: number;
      totalCount?: number;
      /** True when the bounded walk stopped before the end of the list. */
      truncated: boolean;
      /** True when more list items lacked metadata than `metadataFetchLimit` allowed reading. */
      metadataReadsExhausted: boolean;
      apiPath: string;
    };

interface Candidate {
  task: CinegyTask;
  createdMs: number;
}

function metadataMatches(
  metadata: Record<string, unknown> | null | undefined,
  wanted: Record<string, string>,
): boolean {
  if (!metadata) return false;
  return Object.entries(wanted).every(([key, value]) => {
    const actual = metadata[key];
    return actual !== undefined && actual !== null && String(actual) === value;
  });
}

function isEmpty(metadata: Record<string, unknown> | null | undefined): boolean {
  return !metadata || Object.keys(metadata).length === 0;
}

/**
 * Finds the task a name/metadata reference means by walking `tasks/list` page by page. It
 * advances by what the server actually returned (PCS may cap `count`: the seed shows
 * `limit: 20`) and stops at an empty page, at a page with nothing new (a server that ignores
 * `start`), at a short page once `totalCount` is reached (without `totalCount`: a page shorter
 * than the echoed `limit`), or after `maxPages`. A full page always
 * leads to the next one, so a `totalCount` that only counts the page cannot end the walk early.
 * Among several matches the newest (by `creationTime`) wins.
 *
 * @example const resolution = await resolveTask(context, { name: 'Task The Trail.mp4 - 27-Jule-23 13:29:00' });
 */
export async function resolveTask(
  context: Context,
  reference: CinegyPcsReference,
  rememberedApiPath?: unknown,
): Promise<TaskResolution> {
  const { pageSize, maxPages, metadataFetchLimit, timeZone } = context.options;
  const createdAfterMs =
    reference.createdAfter === undefined ? undefined : Date.parse(reference.createdAfter);
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  let apiPath: unknown = rememberedApiPath;
  let start = 0;
  let searched = 0;
  let totalCount: number | undefined;
  let metadataReads = 0;
  let metadataReadsExhausted = false;
  let reachedEnd = false;

  for (let page = 0; page < maxPages; page += 1) {
    const answered = await fetchTaskPage(context, start, pageSize, apiPath);
    const list = answered.list;
    apiPath = answered.apiPath;
    totalCount = list.totalCount ?? totalCount;
    let fresh = 0;
    for (const item of list.items) {
      const listed = readTask(item);
      if (!listed) continue;
      const key = listed.id == null ? undefined : String(listed.id).toLowerCase();
      if (key !== undefined && seen.has(key)) continue;
      if (key !== undefined) seen.add(key);
      fresh += 1;
      if (reference.name !== undefined && listed.name !== reference.name) continue;
      const createdIso = parseCinegyDate(listed.creationTime, timeZone);
      const createdMs = createdIso === undefined ? Number.NEGATIVE_INFINITY : Date.parse(createdIso);
      // A task whose creation time cannot be read cannot be shown to be recent enough [INF].
      if (createdAfterMs !== undefined && !(createdMs >= createdAfterMs)) continue;
      let task = listed;
      if (reference.metadata !== undefined && !metadataMatches(listed.metadata, reference.metadata)) {
        if (!isEmpty(listed.metadata) || listed.id == null) continue;
        if (metadataReads >= metadataFetchLimit) {
          metadataReadsExhausted = true;
          continue;
        }
        metadataReads += 1;
        const fetched = await fetchTask(context, String(listed.id), apiPath);
        if (!fetched.found || !metadataMatches(fetched.task.metadata, reference.metadata)) continue;
        task = fetched.task;
      }
      if (task.id == null) continue;
      candidates.push({ task, createdMs });
    }
    start += list.items.length;
    searched += fresh;
    const echoedLimit = list.limit && list.limit > 0 ? Math.min(list.limit, pageSize) : undefined;
    const fullPage = list.items.length >= (echoedLimit ?? pageSize);
    // Without totalCount, only a page shorter than the limit the server echoed ends the walk: a
    // server that echoes nothing may cap `count` silently, so its short pages are not an end.
    const lastPage =
      totalCount !== undefined
        ? start >= totalCount && !fullPage
        : echoedLimit !== undefined && list.items.length < echoedLimit;
    if (list.items.length === 0 || fresh === 0 || lastPage) {
      reachedEnd = true;
      break;
    }
  }

  const resolvedApiPath = typeof apiPath === 'string' ? apiPath : '';
  const newest = candidates.reduce<Candidate | undefined>(
    (best, candidate) => (best === undefined || candidate.createdMs > best.createdMs ? candidate : best),
    undefined,
  );
  if (newest) {
    return {
      kind: 'found',
      task: newest.task,
      taskId: String(newest.task.id),
      matchCount: candidates.length,
      searchedTasks: searched,
      apiPath: resolvedApiPath,
    };
  }
  return {
    kind: 'missing',
    searchedTasks: searched,
    ...(totalCount !== undefined ? { totalCount } : {}),
    // A walk that ran out of pages exactly at `totalCount` still saw every task.
    truncated: !reachedEnd && !(totalCount !== undefined && start >= totalCount),
    metadataReadsExhausted,
    apiPath: resolvedApiPath,
  };
}
