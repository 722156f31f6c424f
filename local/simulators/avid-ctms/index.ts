export type { AvidSimAuth } from './routes.js';
export {
  type AvidCommandReference,
  type AvidCtmsQuirks,
  AvidCtmsSimulator,
  type AvidCtmsSimulatorOptions,
} from './simulator.js';
export {
  bulkCommand,
  type CommandStep,
  type CommandStepState,
  type CreateCommandOptions,
  type CtmsBulkItem,
  type CtmsError,
  type CtmsLifecycle,
  type CtmsText,
  isFinalLifecycle,
  runToError,
  runToSuccess,
  stayIn,
  suspendAndResume,
} from './state.js';
export { formatCtmsDate } from './wire-format.js';
