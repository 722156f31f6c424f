export { vdgSenseAdapter } from './vdg-sense-adapter.js';
