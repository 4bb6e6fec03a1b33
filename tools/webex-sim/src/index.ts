export { createSimulator, type Simulator, type SimulatorOptions } from './simulator.js';
export { startSimulator, type StartedSimulator } from './start.js';
export { serveHandlers, type RunningServer } from './node-server.js';
export { readNumbersSeed, readPeopleSeed } from './seed-files.js';
export { DEFAULT_CONFIG, parseConfigPatch, type SimConfig } from './config.js';
export {
  CALLING_PRO,
  CALLING_PRO_NAME,
  CALLING_BASIC,
  MESSAGING,
  callingLicenseId,
  type OrgSeed,
  type PersonSeed,
} from './org/org-state.js';
export { PERSON_SETTINGS, type PersonSetting } from './person-settings.js';
export type { OAuthClient } from './handlers/oauth.js';
