import { ConfigurationError } from '../jobs/errors.js';
import type { VendorName } from '../jobs/job.js';
import type { AnyVendorAdapter } from './vendor-adapter.js';

/**
 * Each vendor's adapter behind a dynamic `import()`: the deployed functions bundle every adapter
 * as a chunk of its own (with its parser and signing libraries) and read only the one a call
 * needs. registry.ts imports them all at once, for the local stack, the CLI and synth.
 */
const LOADERS: { readonly [vendor in VendorName]: () => Promise<AnyVendorAdapter> } = {
  'avid-ctms': async () => (await import('./avid-ctms/index.js')).avidCtmsAdapter,
  'cinegy-pcs': async () => (await import('./cinegy-pcs/index.js')).cinegyPcsAdapter,
  okast: async () => (await import('./okast/index.js')).okastAdapter,
  'vdg-sense': async () => (await import('./vdg-sense/index.js')).vdgSenseAdapter,
  admiralcloud: async () => (await import('./admiralcloud/index.js')).admiralcloudAdapter,
};

/**
 * Adapters loaded on demand, and a synchronous lookup of those loaded (what the use cases take).
 *
 * @example
 * const adapters = new AdapterLoader();
 * await adapters.load('avid-ctms');
 * adapters.lookup('avid-ctms').vendor // 'avid-ctms'
 */
export class AdapterLoader {
  private readonly loading = new Map<VendorName, Promise<AnyVendorAdapter>>();
  private readonly loaded = new Map<VendorName, AnyVendorAdapter>();

  /** @throws ConfigurationError for a vendor jobwatch has no adapter for. */
  load(vendor: VendorName): Promise<AnyVendorAdapter> {
    let adapter = this.loading.get(vendor);
    if (!adapter) {
      const loader = Object.hasOwn(LOADERS, vendor) ? LOADERS[vendor] : undefined;
      if (!loader) return Promise.reject(new ConfigurationError(`No adapter for vendor "${vendor}"`));
      adapter = loader().then((loadedAdapter) => {
        this.loaded.set(vendor, loadedAdapter);
        return loadedAdapter;
      });
      // A failed import may be retried by the next call.
      adapter.catch(() => this.loading.delete(vendor));
      this.loading.set(vendor, adapter);
    }
    return adapter;
  }

  /**
   * A loaded adapter, synchronously.
   *
   * @throws ConfigurationError when it was not loaded first: a function that calls an adapter
   *   must load it before the use case runs.
   */
  readonly lookup = (vendor: VendorName): AnyVendorAdapter => {
    const adapter = this.loaded.get(vendor);
    if (adapter) return adapter;
    if (!Object.hasOwn(LOADERS, vendor)) throw new ConfigurationError(`No adapter for vendor "${vendor}"`);
    throw new ConfigurationError(`The ${vendor} adapter was not loaded before it was needed`);
  };
}
