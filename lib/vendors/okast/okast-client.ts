import { isUnderBase } from '../../http/url-guard.js';
import type { VendorResponse } from '../../http/vendor-http-client.js';
import { ConfigurationError } from '../../jobs/errors.js';
import { authRequestParts, parseConfigurableAuth } from '../shared/configurable-auth.js';
import type { AdapterContext } from '../vendor-adapter.js';
import { indexIngestList, type OkastIngestIndex } from './match-okast-ingest.js';
import type { OkastState } from './okast-observation.js';
import type { OkastOptions } from './okast-options.js';
import { describeJson, OkastIngestListSchema } from './okast-schema.js';

interface ListRequest {
  promise: Promise<OkastIngestIndex>;
  /** Clock ms at which the request was sent. */
  startedAt: number;
  /** Clock ms after which the list is stale; undefined while the request is in flight. */
  expiresAt: number | undefined;
}

/**
 * What the adapter keeps of one connection between polls: the latest request for the status
 * list. [DOC] Okast answers with every ingest of the instance in one list and asks for "one call
 * per owned instance", so every job of the connection polled in the same window shares it. A
 * changed address, option or credential starts a fresh memory (the list's dates were read in the
 * configured time zone).
 */
export interface OkastMemory {
  list: ListRequest | undefined;
}

/** @example okastAdapter.createMemory() // { list: undefined } */
export function createOkastMemory(): OkastMemory {
  return { list: undefined };
}

export type OkastContext = AdapterContext<OkastOptions, OkastState, OkastMemory>;

/**
 * The instance's ingest list, indexed by file. Served from the connection's memory while it is
 * younger than `listCacheSeconds` (connection clock); concurrent callers share the one request in
 * flight. A failed request is not kept: the next poll asks again.
 *
 * `notBefore`: a list requested before this moment is not good enough. A job not matched yet
 * passes its watch's start: a list fetched before the watch began may predate the job's own
 * ingest and list only an earlier ingest of the same file — which the job would then take.
 *
 * @example const index = await fetchOkastIngestList(context, { notBefore: job.submittedAt });
 */
export function fetchOkastIngestList(
  context: OkastContext,
  freshness: { notBefore?: Date | undefined } = {},
): Promise<OkastIngestIndex> {
  const { memory } = context;
  const now = context.now().getTime();
  const kept = memory.list;
  const fresh = kept && (kept.expiresAt === undefined || kept.expiresAt > now);
  const notBefore = freshness.notBefore?.getTime();
  if (kept && fresh && (notBefore === undefined || kept.startedAt >= notBefore)) return kept.promise;

  const slot: ListRequest = { promise: requestIngestList(context), startedAt: now, expiresAt: undefined };
  slot.promise = slot.promise.then(
    (list) => {
      slot.expiresAt = context.now().getTime() + context.options.listCacheSeconds * 1000;
      return list;
    },
    (error: unknown) => {
      if (memory.list === slot) memory.list = undefined;
      throw error;
    },
  );
  memory.list = slot;
  return slot.promise;
}

/** Where the status page is: `statusPath` under the connection's base URL, never outside it. */
function statusPageUrl(context: OkastContext): URL {
  const url = new URL(context.options.statusPath, context.http.baseUrl);
  if (!isUnderBase(context.http.baseUrl, url)) {
    throw new ConfigurationError(
      `statusPath of ${context.connection.name} leads outside its baseUrl ${context.http.baseUrl.origin}${context.http.baseUrl.pathname}`,
    );
  }
  return url;
}

async function requestIngestList(context: OkastContext): Promise<OkastIngestIndex> {
  const { headers, query } = authRequestParts(
    parseConfigurableAuth(context.credentials, context.connection.name),
  );
  const response = await context.http.request({
    url: statusPageUrl(context),
    query,
    headers: { accept: 'application/json', ...headers },
    maxBytes: context.options.maxBytes,
  });
  checkStatus(context, response);
  // The content type is not looked at: the body is read as JSON whatever the page calls it.
  const body = context.http.parseJson(response);
  const list = OkastIngestListSchema.safeParse(body);
  if (!list.success) {
    throw context.http.protocolError(
      response,
      `answered ${describeJson(body)} where Okast's array of ingest requests was expected`,
    );
  }
  return indexIngestList(list.data, context.options.timeZone);
}

function checkStatus(context: OkastContext, response: VendorResponse): void {
  if (response.status === 404) {
    // Not the job: the page itself is missing. [OBS] The base path differs between Okast pages.
    throw context.http.protocolError(
      response,
      `answered 404: no status page there (check the connection's baseUrl and statusPath "${context.options.statusPath}")`,
    );
  }
  if (response.status < 200 || response.status >= 300) {
    throw context.http.protocolError(
      response,
      `answered ${response.status} where the ingest list was expected`,
    );
  }
}
