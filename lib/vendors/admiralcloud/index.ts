export { admiralcloudAdapter } from './admiralcloud-adapter.js';
