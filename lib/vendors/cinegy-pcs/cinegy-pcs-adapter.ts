import type { Observation } from '../../jobs/job.js';
import { ConfigurableAuthCredentialsSchema, secretValuesOf } from '../shared/configurable-auth.js';
import type { AdapterContext, VendorAdapter, WatchedJob } from '../vendor-adapter.js';
import { candidateApiPaths } from './cinegy-pcs-api-root.js';
import { fetchTask } from './cinegy-pcs-client.js';
import { type CinegyPcsOptions, CinegyPcsOptionsSchema } from './cinegy-pcs-options.js';
import {
  type CinegyPcsReference,
  CinegyPcsReferenceSchema,
  describeReference,
} from './cinegy-pcs-reference.js';
import { resolveTask, type TaskResolution } from './resolve-cinegy-task.js';
import { taskToObservation } from './task-to-observation.js';

type Context = AdapterContext<CinegyPcsOptions>;
type Watched = WatchedJob<CinegyPcsReference>;

function rememberedTaskId(job: Watched): string | undefined {
  const remembered = job.latest.adapterState?.taskId;
  return typeof remembered === 'string' && remembered !== '' ? remembered : undefined;
}

/**
 * What the next poll needs: the task id, and the REST root when it had to be found (only then;
 * with a single candidate there is nothing to remember).
 */
function stateFor(context: Context, taskId: string | undefined, apiPath: string | undefined) {
  const learned =
    apiPath !== undefined && candidateApiPaths(context.options, context.http.baseUrl).length > 1;
  return {
    ...(taskId !== undefined ? { taskId } : {}),
    ...(learned ? { apiPath } : {}),
  };
}

function lostObservation(
  taskId: string,
  status: number,
  resolvedEarlier: boolean,
  adapterState: Record<string, unknown>,
): Observation {
  const how = resolvedEarlier ? ' (found earlier by name/metadata)' : '';
  return {
    status: 'LOST',
    rawStatus: `HTTP ${status}`,
    message: `Cinegy PCS no longer knows task ${taskId}${how} (HTTP ${status}): it was removed from the PCS database or never existed`,
    details: { taskId, httpStatus: status },
    adapterState,
  };
}

function notFoundObservation(
  context: Context,
  job: Watched,
  missing: Extract<TaskResolution, { kind: 'missing' }>,
): Observation {
  const graceSeconds = context.options.notFoundGraceSeconds;
  const waitedSeconds = Math.max(0, (context.now().getTime() - job.submittedAt.getTime()) / 1000);
  const searched =
    missing.totalCount === undefined
      ? `searched ${missing.searchedTasks} tasks`
      : `searched ${missing.searchedTasks} of ${missing.totalCount} tasks`;
  const caveats = [
    missing.truncated ? 'the search stopped at the page limit (options pageSize/maxPages)' : undefined,
    missing.metadataReadsExhausted
      ? 'some listed tasks without metadata were not read (option metadataFetchLimit)'
      : undefined,
  ].filter((caveat) => caveat !== undefined);
  const caveatText = caveats.length > 0 ? `; ${caveats.join('; ')}` : '';
  const details = {
    searchedTasks: missing.searchedTasks,
    ...(missing.totalCount !== undefined ? { totalCount: missing.totalCount } : {}),
    ...(missing.truncated ? { searchTruncated: true } : {}),
  };
  if (waitedSeconds < graceSeconds) {
    return {
      status: 'QUEUED',
      rawStatus: 'not listed',
      message: `No PCS task ${describeReference(job.reference)} is listed yet (${searched}${caveatText}); it may not be registered yet — reported LOST if still missing ${graceSeconds} s after the watch started`,
      details,
    };
  }
  return {
    status: 'LOST',
    rawStatus: 'not listed',
    message: `No PCS task ${describeReference(job.reference)} was listed within ${graceSeconds} s of the watch starting (${searched}${caveatText})`,
    details,
  };
}

async function poll(context: Context, job: Watched): Promise<Observation> {
  const timeZone = context.options.timeZone;
  const rememberedApiPath = job.latest.adapterState?.apiPath;
  const taskId = rememberedTaskId(job) ?? job.reference.taskId;
  if (taskId !== undefined) {
    const fetched = await fetchTask(context, taskId, rememberedApiPath);
    if (!fetched.found) {
      const state = stateFor(context, taskId, fetched.apiPath);
      return lostObservation(taskId, fetched.status, job.reference.taskId === undefined, state);
    }
    return withState(
      taskToObservation(fetched.task, { timeZone }),
      stateFor(context, taskId, fetched.apiPath),
    );
  }
  const resolution = await resolveTask(context, job.reference, rememberedApiPath);
  if (resolution.kind === 'missing') {
    return withState(
      notFoundObservation(context, job, resolution),
      stateFor(context, undefined, resolution.apiPath),
    );
  }
  // The list item is the same task resource [DOC]: no second request on the resolving poll.
  const observation = taskToObservation(resolution.task, {
    timeZone,
    details: { matchCount: resolution.matchCount },
  });
  return withState(observation, stateFor(context, resolution.taskId, resolution.apiPath));
}

/**
 * Adds what the adapter learned to the observation's state. The id that was asked for wins over
 * the id as the task spells it (`{7B30…}`): it is the one known to answer.
 */
function withState(observation: Observation, state: Record<string, unknown>): Observation {
  const merged = { ...observation.adapterState, ...state };
  return Object.keys(merged).length > 0 ? { ...observation, adapterState: merged } : observation;
}

/**
 * Watches Cinegy Convert tasks through the read-only Cinegy PCS REST API: `GET tasks/{id}`, or
 * a lookup in `tasks/list` by exact name and/or metadata first. There is no `cancel`: the REST
 * API is read-only, and aborting a task belongs to Convert Monitor/Agent Manager or the SOAP API.
 *
 * @example
 * const observation = await cinegyPcsAdapter.poll(context, { ...job, reference: { taskId: '7b30672e-…' } });
 */
export const cinegyPcsAdapter: VendorAdapter<CinegyPcsReference, CinegyPcsOptions> = {
  vendor: 'cinegy-pcs',
  referenceSchema: CinegyPcsReferenceSchema,
  optionsSchema: CinegyPcsOptionsSchema,
  credentialsSchema: ConfigurableAuthCredentialsSchema,
  secretValues: (credentials) => secretValuesOf(ConfigurableAuthCredentialsSchema.parse(credentials)),
  poll,
};
