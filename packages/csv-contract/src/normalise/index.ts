export { normaliseBoolean } from './boolean.js';
export { normaliseCallerId } from './caller-id.js';
export { normaliseCountry } from './country.js';
export { normaliseEmail } from './email.js';
export { normaliseExtension } from './extension.js';
export { normaliseForwardDestination } from './forward-destination.js';
export { normaliseLanguage } from './language.js';
export { nationalNumberOf, normalisePhoneNumber } from './phone.js';
export { normalisePostalCode } from './postal-code.js';
export { normaliseTimeZone } from './time-zone.js';
export type { Normalised } from './result.js';
export {
  CALL_RECORDING_CHOICES,
  OFF,
  normaliseCallPermission,
  normaliseCallRecording,
  normaliseEcbn,
  normaliseEmailOrOff,
  normaliseForwardTarget,
  normaliseRings,
  type CallRecordingChoice,
} from './settings.js';
