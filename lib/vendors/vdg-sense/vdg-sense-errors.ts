import { type VendorCallContext, VendorProtocolError } from '../../jobs/errors.js';

/** The `errorcode` values VDG Sense documents; anything else is reported by number only. */
export const VDG_SENSE_ERROR_CODES: Readonly<Record<number, string>> = {
  [-18]: 'general error',
  [-57]: 'invalid exportid',
};

/** VDG Sense's "export id does not exist" answer to getExportVideoStatus. */
export const INVALID_EXPORT_ID = -57;

/**
 * VDG Sense answered with a negative `errorcode` we cannot turn into a job state (for example
 * -18, "general error"). Retryable like every protocol error and never a job failure: the
 * export may be fine while the manager has trouble answering about it.
 */
export class VdgSenseErrorCodeError extends VendorProtocolError {
  override name = 'VdgSenseErrorCodeError';
  readonly errorCode: number;
  constructor(message: string, errorCode: number, context: VendorCallContext = {}) {
    super(message, context);
    this.errorCode = errorCode;
  }
}

/**
 * Names an errorcode for messages.
 *
 * @example describeErrorCode(-18) // 'errorcode -18 (general error)'
 */
export function describeErrorCode(code: number): string {
  const meaning = VDG_SENSE_ERROR_CODES[code];
  return meaning ? `errorcode ${code} (${meaning})` : `errorcode ${code}`;
}
