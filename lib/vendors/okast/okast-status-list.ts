import type { VendorResponse } from '../../http/vendor-http-client.js';
import { authRequestParts, parseConfigurableAuth } from '../shared/configurable-auth.js';
import type { AdapterContext } from '../vendor-adapter.js';
import { indexIngestList, type OkastIngestIndex } from './okast-ingest-index.js';
import type { OkastOptions } from './okast-options.js';
import { findIngestList } from './okast-schema.js';
import { statusPageTarget } from './okast-status-url.js';

/** One read of an instance's status list. */
export interface FetchedIngestList {
  index: OkastIngestIndex;
  /** When the request for this list was sent (connection clock). */
  requestedAt: Date;
  fetchedAt: Date;
}

interface CacheSlot {
  promise: Promise<FetchedIngestList>;
  /** Clock ms at which the request was sent. */
  startedAt: number;
  /** Clock ms after which the list is stale; undefined while the request is in flight. */
  expiresAt: number | undefined;
}

/**
 * Okast answers with every ingest of the instance in one list, and asks for "one call per owned
 * instance": all jobs of a connection polled in the same window share one request. Module-level,
 * so it spans every job a warm Lambda (or the local stack) polls.
 */
const lists = new Map<string, CacheSlot>();

/**
 * Forgets every cached list (tests; a changed configuration).
 *
 * @example beforeEach(() => clearOkastListCache());
 */
export function clearOkastListCache(): void {
  lists.clear();
}

function cacheKey(context: AdapterContext<OkastOptions>): string {
  // The time zone is part of the key because the cached index holds request times already read in it.
  return JSON.stringify([
    context.connection.name,
    context.http.baseUrl.href,
    context.options.statusPath,
    context.options.timeZone,
  ]);
}

function dropStale(now: number): void {
  for (const [key, slot] of lists) {
    if (slot.expiresAt !== undefined && slot.expiresAt <= now) lists.delete(key);
  }
}

/**
 * The instance's ingest list, indexed by file. Served from the cache while it is younger than
 * `listCacheSeconds` (connection clock); concurrent callers share the one request in flight. A
 * failed request is not cached: the next poll asks again.
 *
 * `notBefore`: a list requested before this moment is not good enough. A job not matched yet
 * passes its watch's start: a list fetched before the watch began may predate the job's own
 * ingest and list only an earlier ingest of the same file — which the job would then take.
 *
 * @example const { index } = await getOkastIngestList(context, { notBefore: job.submittedAt });
 */
export function getOkastIngestList(
  context: AdapterContext<OkastOptions>,
  freshness: { notBefore?: Date } = {},
): Promise<FetchedIngestList> {
  const key = cacheKey(context);
  const now = context.now().getTime();
  dropStale(now);
  const cached = lists.get(key);
  const notBefore = freshness.notBefore?.getTime();
  if (cached && (notBefore === undefined || cached.startedAt >= notBefore)) return cached.promise;

  const slot: CacheSlot = { promise: requestIngestList(context, now), startedAt: now, expiresAt: undefined };
  slot.promise = slot.promise.then(
    (list) => {
      const now = context.now().getTime();
      slot.expiresAt = now + context.options.listCacheSeconds * 1000;
      // With no cache time the list still served every caller that was waiting for it.
      if (slot.expiresAt <= now && lists.get(key) === slot) lists.delete(key);
      return list;
    },
    (error: unknown) => {
      if (lists.get(key) === slot) lists.delete(key);
      throw error;
    },
  );
  lists.set(key, slot);
  return slot.promise;
}

async function requestIngestList(
  context: AdapterContext<OkastOptions>,
  startedAt: number,
): Promise<FetchedIngestList> {
  const { headers, query } = authRequestParts(
    parseConfigurableAuth(context.credentials, context.connection.name),
  );
  const response = await context.http.request({
    url: statusPageTarget(context.http.baseUrl, context.options.statusPath, context.connection.name),
    query,
    headers: { accept: 'application/json', ...headers },
    maxBytes: context.options.maxBytes,
  });
  checkStatus(context, response);
  // The content type is not looked at: PHP pages often say text/html for JSON. (A byte order
  // mark from a PHP file saved with one is dropped by the HTTP client.)
  const body = context.http.parseJson(response);
  const shape = findIngestList(body);
  if (shape.kind === 'not-a-list') {
    throw context.http.protocolError(
      response,
      `answered ${shape.description} where Okast's array of ingest requests was expected`,
    );
  }
  return {
    index: indexIngestList(shape.items, context.options.timeZone),
    requestedAt: new Date(startedAt),
    fetchedAt: context.now(),
  };
}

function checkStatus(context: AdapterContext<OkastOptions>, response: VendorResponse): void {
  if (response.status === 404) {
    // Not the job: the page itself is missing. The base path differs between Okast pages.
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
