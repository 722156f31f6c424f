export { mapOkastStatus } from './map-okast-status.js';
export { type MatchCriteria, type MatchResult, matchOkastIngest } from './match-okast-ingest.js';
export { okastAdapter } from './okast-adapter.js';
export { isValidTimeZone, offsetMinutes, parseOkastDate, wallTimeToInstant } from './okast-dates.js';
export {
  type IndexedIngest,
  indexIngestList,
  type OkastIngestIndex,
  pathKey,
} from './okast-ingest-index.js';
export { type OkastAdapterState, observeOkastIngest } from './okast-observation.js';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_STATUS_PATH,
  type OkastOptions,
  OkastOptionsSchema,
} from './okast-options.js';
export { DESTINATION_FOLDER_KINDS, type OkastReference, OkastReferenceSchema } from './okast-reference.js';
export {
  errorText,
  findIngestList,
  type OkastIngestEntry,
  OkastIngestEntrySchema,
  readText,
  requestField,
} from './okast-schema.js';
export { clearOkastListCache, type FetchedIngestList, getOkastIngestList } from './okast-status-list.js';
export { statusPageTarget } from './okast-status-url.js';
