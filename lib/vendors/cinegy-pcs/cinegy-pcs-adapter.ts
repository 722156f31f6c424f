import { secretValuesOf } from '../shared/configurable-auth.js';
import type { AdapterContext, VendorAdapter, WatchedJob } from '../vendor-adapter.js';
import { fetchTask, findTask } from './cinegy-pcs-client.js';
import {
  type CinegyObservation,
  type CinegyPcsState,
  CinegyPcsStateSchema,
  lostObservation,
  notListedObservation,
  taskToObservation,
} from './cinegy-pcs-observation.js';
import {
  CinegyPcsCredentialsSchema,
  type CinegyPcsOptions,
  CinegyPcsOptionsSchema,
} from './cinegy-pcs-options.js';
import { type CinegyPcsReference, CinegyPcsReferenceSchema } from './cinegy-pcs-reference.js';

type Context = AdapterContext<CinegyPcsOptions, CinegyPcsState, undefined>;
type Watched = WatchedJob<CinegyPcsReference>;

/** `tasks/{id}`; the id asked for is the one remembered (it is the one known to answer). */
async function pollTask(context: Context, job: Watched, taskId: string): Promise<CinegyObservation> {
  const fetched = await fetchTask(context, taskId);
  if (!fetched.found) return lostObservation(taskId, fetched.status, job.reference.taskId === undefined);
  return { ...taskToObservation(fetched.task, context.options.timeZone), adapterState: { taskId } };
}

/** A name/metadata lookup; the list item is the task resource itself [DOC], so no second request. */
async function pollLookup(context: Context, job: Watched): Promise<CinegyObservation> {
  const search = await findTask(context, job.reference);
  if (search.kind === 'found') {
    const observation = taskToObservation(search.task, context.options.timeZone, {
      matchCount: search.matchCount,
    });
    return { ...observation, adapterState: { taskId: search.taskId } };
  }
  const waitedSeconds = Math.max(0, (context.now().getTime() - job.submittedAt.getTime()) / 1000);
  return notListedObservation(job.reference, search, waitedSeconds, context.options.notFoundGraceSeconds);
}

/**
 * Watches Cinegy Convert tasks through the read-only Cinegy PCS REST API: `GET tasks/{id}`, or
 * a lookup in `tasks/list` by exact name and/or metadata first. There is no `cancel`: the REST
 * API is read-only [DOC], and aborting a task belongs to Convert Monitor/Agent Manager or SOAP.
 *
 * @example
 * const observation = await cinegyPcsAdapter.poll(context, { ...job, reference: { taskId: '7b30672e-…' } });
 */
export const cinegyPcsAdapter: VendorAdapter<CinegyPcsReference, CinegyPcsOptions, CinegyPcsState> = {
  vendor: 'cinegy-pcs',
  referenceSchema: CinegyPcsReferenceSchema,
  optionsSchema: CinegyPcsOptionsSchema,
  credentialsSchema: CinegyPcsCredentialsSchema,
  stateSchema: CinegyPcsStateSchema,
  secretValues: (credentials) => secretValuesOf(CinegyPcsCredentialsSchema.parse(credentials)),
  poll(context, job) {
    const taskId = context.state?.taskId ?? job.reference.taskId;
    return taskId === undefined ? pollLookup(context, job) : pollTask(context, job, taskId);
  },
};
