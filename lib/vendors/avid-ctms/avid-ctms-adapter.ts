import { isFinal } from '../../jobs/job-status.js';
import type { CancelOutcome, VendorAdapter, WatchedJob } from '../vendor-adapter.js';
import {
  type AvidCtmsContext,
  type AvidCtmsMemory,
  createAvidCtmsMemory,
  deleteCommand,
  fetchCommand,
} from './avid-ctms-client.js';
import {
  type AvidCtmsObservation,
  type AvidCtmsState,
  AvidCtmsStateSchema,
  alreadyEnded,
  cancelAnswer,
  commandLabel,
  commandToObservation,
  lostObservation,
  noCancelLink,
} from './avid-ctms-observation.js';
import {
  AvidCtmsCredentialsSchema,
  type AvidCtmsOptions,
  AvidCtmsOptionsSchema,
} from './avid-ctms-options.js';
import {
  type AvidCtmsReference,
  AvidCtmsReferenceSchema,
  checkAvidReference,
  fetchableHref,
} from './avid-ctms-reference.js';

type Watched = WatchedJob<AvidCtmsReference>;

async function poll(context: AvidCtmsContext, job: Watched): Promise<AvidCtmsObservation> {
  const answer = await fetchCommand(context, job);
  if (answer.kind === 'gone') {
    return lostObservation(commandLabel(job.reference, job.jobId), {
      ...answer,
      seenBefore: job.latest.observedAt !== undefined,
    });
  }
  return commandToObservation(answer.resource, context.http.baseUrl, context.state);
}

/** Cancels through the command's `command:cancel` link, read fresh from the vendor first [DOC]. */
async function cancel(context: AvidCtmsContext, job: Watched): Promise<CancelOutcome> {
  const label = commandLabel(job.reference, job.jobId);
  const current = await poll(context, job);
  if (isFinal(current.status)) return alreadyEnded(label, current);
  const remembered = (current.adapterState ?? context.state)?.cancelHref;
  const cancelHref = remembered === undefined ? undefined : fetchableHref(context.http.baseUrl, remembered);
  if (!cancelHref) return noCancelLink(label);
  const response = await deleteCommand(context, cancelHref);
  return cancelAnswer(label, response, (text) => context.http.clean(text));
}

/**
 * Watches Avid CTMS long-running commands (`command:command` resources): polls the command's
 * `self` link, maps its lifecycle, reads bulk results, and cancels through `command:cancel`.
 *
 * @example
 * const observation = await avidCtmsAdapter.poll(context, { ...job, reference: { commandId: 'c296fcd5-…' } });
 */
export const avidCtmsAdapter: VendorAdapter<
  AvidCtmsReference,
  AvidCtmsOptions,
  AvidCtmsState,
  AvidCtmsMemory
> = {
  vendor: 'avid-ctms',
  referenceSchema: AvidCtmsReferenceSchema,
  optionsSchema: AvidCtmsOptionsSchema,
  credentialsSchema: AvidCtmsCredentialsSchema,
  stateSchema: AvidCtmsStateSchema,
  createMemory: createAvidCtmsMemory,
  checkReference: (reference, connection) => checkAvidReference(reference, connection.baseUrl),
  poll,
  cancel,
};
