import type { ConnectionInput } from '../lib/config/connections.js';
import type { VendorName } from '../lib/jobs/job.js';
import type { Clock } from './clock.js';
import { AdmiralCloudSimulator } from './simulators/admiralcloud/index.js';
import { AvidCtmsSimulator } from './simulators/avid-ctms/index.js';
import { CinegyPcsSimulator } from './simulators/cinegy-pcs/index.js';
import { OkastSimulator } from './simulators/okast/index.js';
import { VdgSenseSimulator } from './simulators/vdg-sense/index.js';

/** What the demo needs of a vendor simulator. */
export interface DemoSimulator {
  readonly credentials: Record<string, string>;
  connectionOptions(): Record<string, unknown>;
  start(): Promise<string>;
  close(): Promise<void>;
  createDemoJob(durationSeconds: number): Record<string, unknown> | Promise<Record<string, unknown>>;
}

export interface DemoVendor {
  vendor: VendorName;
  connection: string;
  simulator: DemoSimulator;
}

/** One simulator per vendor, each on its own loopback port, all on the same clock. */
export function createDemoVendors(clock: Clock): DemoVendor[] {
  return [
    { vendor: 'avid-ctms', connection: 'demo-avid', simulator: new AvidCtmsSimulator({ clock }) },
    { vendor: 'cinegy-pcs', connection: 'demo-cinegy', simulator: new CinegyPcsSimulator({ clock }) },
    { vendor: 'okast', connection: 'demo-okast', simulator: new OkastSimulator({ clock }) },
    { vendor: 'vdg-sense', connection: 'demo-vdg', simulator: new VdgSenseSimulator({ clock }) },
    {
      vendor: 'admiralcloud',
      connection: 'demo-admiralcloud',
      simulator: new AdmiralCloudSimulator({ clock, rtsClock: 'simulated' }),
    },
  ];
}

/** Starts the simulators and returns the connections an operator would configure for them. */
export async function startDemoVendors(vendors: readonly DemoVendor[]): Promise<ConnectionInput[]> {
  const connections: ConnectionInput[] = [];
  for (const { vendor, connection, simulator } of vendors) {
    const baseUrl = await simulator.start();
    connections.push({
      name: connection,
      vendor,
      baseUrl,
      credentials: simulator.credentials,
      options: simulator.connectionOptions(),
    });
  }
  return connections;
}
