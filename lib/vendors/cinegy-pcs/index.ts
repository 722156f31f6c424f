export { cinegyPcsAdapter } from './cinegy-pcs-adapter.js';
