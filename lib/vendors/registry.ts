import { ConfigurationError } from '../jobs/errors.js';
import type { VendorName } from '../jobs/job.js';
import { admiralcloudAdapter } from './admiralcloud/index.js';
import { avidCtmsAdapter } from './avid-ctms/index.js';
import { cinegyPcsAdapter } from './cinegy-pcs/index.js';
import { okastAdapter } from './okast/index.js';
import { vdgSenseAdapter } from './vdg-sense/index.js';
import type { AnyVendorAdapter } from './vendor-adapter.js';

/** Every vendor jobwatch can watch, by the name connections use. */
export const ADAPTERS: Readonly<Record<VendorName, AnyVendorAdapter>> = {
  'avid-ctms': avidCtmsAdapter,
  'cinegy-pcs': cinegyPcsAdapter,
  okast: okastAdapter,
  'vdg-sense': vdgSenseAdapter,
  admiralcloud: admiralcloudAdapter,
};

/**
 * The adapter for a vendor.
 *
 * @example adapterFor('avid-ctms').vendor // 'avid-ctms'
 */
export function adapterFor(vendor: VendorName): AnyVendorAdapter {
  // Own keys only: `toString` and the like are no vendors.
  const adapter = Object.hasOwn(ADAPTERS, vendor) ? ADAPTERS[vendor] : undefined;
  if (!adapter) throw new ConfigurationError(`No adapter for vendor "${vendor}"`);
  return adapter;
}
