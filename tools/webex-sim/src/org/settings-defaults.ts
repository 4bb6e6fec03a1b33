import schemas from '../generated/request-schemas.json' with { type: 'json' };
import type { PersonSetting } from '../person-settings.js';

/**
 * What the simulator returns for a newly Calling-enabled person. Webex documents no defaults: the
 * shapes follow the GET response examples of `cloud-calling/webex-cloud-calling.user-call-settings-1-2.json`
 * ("Read … Settings for a Person"), and each entry says whether its values are the example's or
 * assumed. Keyed by the spec-derived setting names, so a setting added to the spec without a default
 * here fails the typecheck.
 */
export function defaultSettings(): Record<PersonSetting, Record<string, unknown>> {
  return {
    // The example's values, except noAnswer.numberOfRings 3 (example: 2) — assumed.
    callForwarding: {
      callForwarding: {
        always: { enabled: false, ringReminderEnabled: false, destinationVoicemailEnabled: false },
        busy: { enabled: false, destinationVoicemailEnabled: false },
        noAnswer: { enabled: false, numberOfRings: 3, systemMaxNumberOfRings: 20, destinationVoicemailEnabled: false },
      },
      businessContinuity: { enabled: false, destinationVoicemailEnabled: false },
    },
    // Assumed (the example shows a configured user: sendAllCalls on, busy/unanswered off, notifications to an address).
    voicemail: {
      enabled: true,
      sendAllCalls: { enabled: false },
      sendBusyCalls: { enabled: true, greeting: 'DEFAULT', greetingUploaded: false },
      sendUnansweredCalls: { enabled: true, greeting: 'DEFAULT', greetingUploaded: false, numberOfRings: 3, systemMaxNumberOfRings: 20 },
      notifications: { enabled: false },
      transferToNumber: { enabled: false },
      emailCopyOfMessage: { enabled: false },
      messageStorage: { mwiEnabled: true, storageType: 'INTERNAL' },
      faxMessage: { enabled: false },
    },
    // Assumed: off (the example has every flag true).
    doNotDisturb: { enabled: false, ringSplashEnabled: false, webexGoOverrideEnabled: false },
    // `types` and `selected` as in the example; externalCallerIdNamePolicy assumed (example: OTHER).
    callerId: { selected: 'DIRECT_LINE', types: ['DIRECT_LINE', 'LOCATION_NUMBER', 'CUSTOM'], externalCallerIdNamePolicy: 'DIRECT_LINE' },
    // The example's value.
    callWaiting: { enabled: true },
    // [sim choice] No custom permissions: the list shows the location's, for every call type of the
    // spec's enum (the GET requires the list): national and the free/internal types allowed,
    // international, chargeable directory assistance and premium services blocked.
    outgoingPermission: { useCustomEnabled: false, useCustomPermissions: false, callingPermissions: defaultCallingPermissions() },
    // The example's values.
    incomingPermission: {
      useCustomEnabled: false,
      externalTransfer: 'ALLOW_ALL_EXTERNAL',
      internalCallsEnabled: true,
      collectCallsEnabled: true,
    },
    // record 'Never' and recordVoicemailEnabled as in the example; enabled false assumed (example: true);
    // the other fields the GET requires, off, with the sim's vendor as serviceProvider [sim choice].
    callRecording: {
      enabled: false,
      record: 'Never',
      recordVoicemailEnabled: false,
      notification: { type: 'None', enabled: false },
      repeat: { interval: 15, enabled: false },
      serviceProvider: 'WBP_SIM_RECORDING',
      externalGroup: '',
      externalIdentifier: '',
      startStopAnnouncement: { internalCallsEnabled: false, pstnCallsEnabled: false },
    },
    // [sim choice] Off: hoteling is something an administrator turns on for the people who need it (example: true).
    hoteling: { enabled: false },
    // [sim choice] Off, with the tone on should it be enabled (example: both true).
    bargeIn: { enabled: false, toneEnabled: true },
  };
}

const BLOCKED_BY_DEFAULT = new Set(['INTERNATIONAL', 'CHARGEABLE_DIRECTORY_ASSISTED', 'PREMIUM_SERVICES_I', 'PREMIUM_SERVICES_II']);
/** The call types of the spec's enum (PUT outgoingPermission `callingPermissions[].callType`). */
const CALL_TYPES = schemas['PUT /people/{personId}/features/outgoingPermission'].body.schema.properties.callingPermissions.items.properties
  .callType.enum as readonly string[];

function defaultCallingPermissions(): Record<string, unknown>[] {
  return CALL_TYPES.map((callType) => {
    const blocked = BLOCKED_BY_DEFAULT.has(callType);
    return { callType, action: blocked ? 'BLOCK' : 'ALLOW', transferEnabled: !blocked, isCallTypeRestrictionEnabled: false };
  });
}
