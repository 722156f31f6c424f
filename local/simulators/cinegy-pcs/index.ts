export type { ProxyAuth, ProxyAuthScheme } from './routes.js';
export {
  CINEGY_API_PATH,
  CinegyPcsSimulator,
  type CinegyPcsSimulatorOptions,
  type CinegyTaskReference,
} from './simulator.js';
export {
  ABORTED_RESULT,
  ABORTED_STATUS,
  type CinegyTaskResultState,
  type CinegyTaskStep,
  type CinegyTaskStepState,
  type CreateTaskOptions,
  FAILURE,
  finished,
  IN_PROGRESS,
  PAUSED,
  REGISTERED,
  runToSuccess,
  SUCCESS,
  SUSPENDED,
  unknownStatus,
} from './state.js';
export type { CinegyPcsSimQuirks } from './wire-format.js';
