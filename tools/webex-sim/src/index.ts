export { createSimulator, type Simulator, type SimulatorOptions } from './simulator.js';
export { startSimulator, type StartedSimulator } from './start.js';
export { serveHandlers, type RunningServer } from './node-server.js';
export { readNumbersSeed, readPeopleSeed } from './seed-files.js';
export { DEFAULT_CONFIG, parseConfigPatch, type SimConfig } from './config.js';
export { CALLING_PRO, CALLING_BASIC, MESSAGING, type OrgSeed } from './org/org-state.js';
export type { OAuthClient } from './handlers/oauth.js';
