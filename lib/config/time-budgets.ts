/**
 * How long jobwatch may wait on vendors, next to the function timeouts those waits must fit in.
 * The stateless stack derives its function timeouts from these; nothing else states them.
 *
 * A vendor budget bounds one *call* of an adapter (one poll, one cancel) across all its requests
 * (token, list, status…): each request's timeout is the smaller of its own and what is left of the
 * budget, and a request with no budget left is not sent (a transport error, so polled again).
 */

/** API Gateway REST's integration timeout (the default; more only by a quota request). */
export const API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS = 29;

/** All vendor requests of one poll together. A connection's per-request `timeoutMs` may not exceed it. */
export const POLL_VENDOR_BUDGET_MS = 45_000;
/**
 * The rest of a poll: job read, snapshot update and EventBridge PutEvents, each with SDK retries
 * (~10 s together at worst), the credentials read from Secrets Manager in a fresh container and
 * the task-token callback (~5 s).
 */
export const POLL_MARGIN_MS = 15_000;
/** 45 s of vendor + 15 s of margin = 60 s: a poll ends by itself before Lambda ends it. */
export const POLL_FUNCTION_TIMEOUT_SECONDS = Math.ceil((POLL_VENDOR_BUDGET_MS + POLL_MARGIN_MS) / 1000);

/**
 * All vendor requests of one API call (`POST /jobs/{id}/cancel`: status read, then the cancel).
 * Also used where the execution-ended function cancels a stopped watch (its timeout is larger).
 */
export const API_VENDOR_BUDGET_MS = 20_000;
/** Job read, CANCELLED update, event, credentials read: ~8 s at worst with SDK retries. */
export const API_MARGIN_MS = 8_000;
/**
 * 20 s of vendor + 8 s of margin = 28 s, below API Gateway's 29 s: the Lambda answers (a 200 that
 * says the vendor could not be asked, or a problem+json) before API Gateway gives up with its own
 * bare 504.
 */
export const API_FUNCTION_TIMEOUT_SECONDS = Math.ceil((API_VENDOR_BUDGET_MS + API_MARGIN_MS) / 1000);
