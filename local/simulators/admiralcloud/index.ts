export type { AdmiralCloudSimQuirks } from './routes.js';
export { AdmiralCloudSimulator, type AdmiralCloudSimulatorOptions } from './simulator.js';
export type {
  AdmiralCloudSimJobSpec,
  AdmiralCloudSimOutcome,
  AdmiralCloudSimPartSpec,
  AdmiralCloudSimPhase,
} from './state.js';
