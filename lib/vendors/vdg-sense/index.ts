export { mapVdgSenseStatus } from './map-vdg-sense-status.js';
export { vdgSenseAdapter } from './vdg-sense-adapter.js';
export { describeErrorCode, VdgSenseErrorCodeError } from './vdg-sense-errors.js';
export { type Fingerprint, fingerprintMismatch } from './vdg-sense-fingerprint.js';
export { observeVdgSenseExport } from './vdg-sense-observation.js';
export {
  type VdgSenseAuth,
  VdgSenseCredentialsSchema,
  type VdgSenseOptions,
  VdgSenseOptionsSchema,
} from './vdg-sense-options.js';
export { exportProgress } from './vdg-sense-progress.js';
export { type VdgSenseReference, VdgSenseReferenceSchema } from './vdg-sense-reference.js';
export { parseVdgSenseResult, type VdgSenseExport, type VdgSenseResult } from './vdg-sense-schema.js';
export { clearVdgSenseSessions } from './vdg-sense-session.js';
export { formatVdgTime, parseVdgTime } from './vdg-sense-time.js';
