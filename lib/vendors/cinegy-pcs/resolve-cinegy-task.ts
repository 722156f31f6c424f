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
    }
  | {
      kind: 'missing';
      searchedTasks: number;
      totalCount?: number;
      /** True when the bounded walk stopped before the end of the list. */
      truncated: boolean;
      /** True when more list items lacked metadata than `metadataFetchLimit` allowed reading. */
      metadataReadsExhausted: boolean;
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
 * Finds the task a name/metadata reference means by walking `tasks/list` page by page: it
 * advances by what the server actually returned (PCS may cap `count`, the seed shows
 * `limit: 20`), stops at `totalCount`, at an empty or short page, or after `maxPages`. Among
 * several matches the newest (by `creationTime`) wins.
 *
 * @example const resolution = await resolveTask(context, { name: 'Task The Trail.mp4 - 27-Jule-23 13:29:00' });
 */
export async function resolveTask(context: Context, reference: CinegyPcsReference): Promise<TaskResolution> {
  const { pageSize, maxPages, metadataFetchLimit, timeZone } = context.options;
  const createdAfterMs =
    reference.createdAfter === undefined ? undefined : Date.parse(reference.createdAfter);
  const candidates: Candidate[] = [];
  let start = 0;
  let totalCount: number | undefined;
  let metadataReads = 0;
  let metadataReadsExhausted = false;
  let reachedEnd = false;

  for (let page = 0; page < maxPages; page += 1) {
    const list = await fetchTaskPage(context, start, pageSize);
    totalCount = list.totalCount ?? totalCount;
    for (const item of list.items) {
      const listed = readTask(item);
      if (!listed) continue;
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
        const fetched = await fetchTask(context, String(listed.id));
        if (!fetched.found || !metadataMatches(fetched.task.metadata, reference.metadata)) continue;
        task = fetched.task;
      }
      if (task.id == null) continue;
      candidates.push({ task, createdMs });
    }
    start += list.items.length;
    const pageLimit = list.limit && list.limit > 0 ? Math.min(list.limit, pageSize) : pageSize;
    if (
      list.items.length === 0 ||
      (totalCount !== undefined && start >= totalCount) ||
      (totalCount === undefined && list.items.length < pageLimit)
    ) {
      reachedEnd = true;
      break;
    }
  }

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
      searchedTasks: start,
    };
  }
  return {
    kind: 'missing',
    searchedTasks: start,
    ...(totalCount !== undefined ? { totalCount } : {}),
    truncated: !reachedEnd,
    metadataReadsExhausted,
  };
}
