export { avidCtmsAdapter, checkAvidReference } from './avid-ctms-adapter.js';
export { clearAvidTokenCache } from './avid-ctms-auth.js';
export { parseAvidDate } from './avid-ctms-dates.js';
export {
  type AvidCtmsCredentials,
  AvidCtmsCredentialsSchema,
  type AvidCtmsOptions,
  AvidCtmsOptionsSchema,
  type AvidCtmsReference,
  AvidCtmsReferenceSchema,
  DEFAULT_AUTH_PATH,
  DEFAULT_COMMAND_URL_TEMPLATE,
  DEFAULT_ROPC_PATH,
  DEFAULT_TOKEN_PATH,
} from './avid-ctms-schema.js';
export { commandToObservation, parseCommandResource } from './command-to-observation.js';
export { mapAvidLifecycle } from './map-avid-ctms-status.js';
