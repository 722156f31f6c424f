export type { VdgSimAuth } from './routes.js';
export { VdgSenseSimulator, type VdgSenseSimulatorOptions } from './simulator.js';
export type { VdgDemoJob, VdgDeviceStatus, VdgSimDeviceSpec, VdgSimExportSpec } from './state.js';
export { type VdgSimQuirks, vdgTime } from './wire-format.js';
