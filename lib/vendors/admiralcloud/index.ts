export { admiralcloudAdapter } from './admiralcloud-adapter.js';
export {
  destroyActivity,
  findActivities,
  getJobResult,
  isNotFound,
  isNotReady,
  isUnknownRoute,
  relativePath,
} from './admiralcloud-client.js';
export {
  type AdmiralCloudCredentials,
  AdmiralCloudCredentialsSchema,
  type AdmiralCloudOptions,
  AdmiralCloudOptionsSchema,
} from './admiralcloud-options.js';
export { batchPercent, describeParts, partsOfJob } from './admiralcloud-progress.js';
export { type AdmiralCloudReference, AdmiralCloudReferenceSchema } from './admiralcloud-reference.js';
export {
  type ActivityEntry,
  AdmiralCloudActivitySchema,
  AdmiralCloudErrorBodySchema,
  classifyJobResult,
  type JobResultBody,
  parseActivities,
} from './admiralcloud-schema.js';
export {
  canonicalPayload,
  compareKeys,
  requestTimestamp,
  type Signature,
  type SignatureInput,
  type SignatureTarget,
  type SignatureVersion,
  signAdmiralCloudRequest,
  stringToSign,
} from './admiralcloud-signature.js';
export {
  candidateForms,
  SchemeMemory,
  type SchemeRequest,
  type SignedForm,
  type SigningScheme,
  signedForm,
} from './admiralcloud-signing-scheme.js';
export { mapAdmiralCloudActivityStatus, mapAdmiralCloudStatus } from './map-admiralcloud-status.js';
export { summarizeJobResult } from './summarize-job-result.js';
