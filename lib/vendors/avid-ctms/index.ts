export { avidCtmsAdapter } from './avid-ctms-adapter.js';
