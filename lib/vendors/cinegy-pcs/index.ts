export { cinegyPcsAdapter } from './cinegy-pcs-adapter.js';
export { apiPathsToTry, candidateApiPaths } from './cinegy-pcs-api-root.js';
export { type FetchTaskOutcome, fetchTask, fetchTaskPage } from './cinegy-pcs-client.js';
export { isValidTimeZone, parseCinegyDate } from './cinegy-pcs-dates.js';
export {
  apiPathFor,
  type CinegyPcsOptions,
  CinegyPcsOptionsSchema,
  DEFAULT_API_PATH,
} from './cinegy-pcs-options.js';
export {
  type CinegyPcsReference,
  CinegyPcsReferenceSchema,
  describeReference,
} from './cinegy-pcs-reference.js';
export {
  type CinegyTask,
  type CinegyTaskList,
  CinegyTaskListSchema,
  CinegyTaskSchema,
  readTask,
  readTaskList,
} from './cinegy-pcs-schema.js';
export { parseTimeSpanSeconds, progressPercent } from './cinegy-pcs-timespan.js';
export {
  type CinegyResultKind,
  type CinegyTaskPhase,
  mapCinegyTaskStatus,
  phaseFromWords,
  resultKind,
  taskPhase,
} from './map-cinegy-pcs-status.js';
export { resolveTask, type TaskResolution } from './resolve-cinegy-task.js';
export { rawStatusOf, taskToObservation } from './task-to-observation.js';
