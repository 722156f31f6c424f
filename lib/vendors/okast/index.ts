export { okastAdapter } from './okast-adapter.js';
