export { DEFAULT_PHP_PATH, type OkastSimAuth } from './routes.js';
export { type OkastDemoJob, OkastSimulator, type OkastSimulatorOptions } from './simulator.js';
export {
  demoSteps,
  type OkastSimIngestOptions,
  type OkastSimRequestParameters,
  type OkastSimState,
  type OkastSimStatus,
} from './state.js';
export { type OkastSimQuirks, okastDate, wallClockIn } from './wire-format.js';
