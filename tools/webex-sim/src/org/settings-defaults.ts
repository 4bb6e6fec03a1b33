import type { PersonSetting } from '@wbp/webex-client';

/** What Webex returns for a newly Calling-enabled person (values from the API reference examples). */
export function defaultSettings(): Record<PersonSetting, Record<string, unknown>> {
  return {
    callForwarding: {
      callForwarding: {
        always: { enabled: false, ringReminderEnabled: false, destinationVoicemailEnabled: false },
        busy: { enabled: false, destinationVoicemailEnabled: false },
        noAnswer: { enabled: false, numberOfRings: 3, systemMaxNumberOfRings: 20, destinationVoicemailEnabled: false },
      },
      businessContinuity: { enabled: false, destinationVoicemailEnabled: false },
    },
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
    doNotDisturb: { enabled: false, ringSplashEnabled: false, webexGoOverrideEnabled: false },
    callerId: { selected: 'DIRECT_LINE', types: ['DIRECT_LINE', 'LOCATION_NUMBER', 'CUSTOM'], externalCallerIdNamePolicy: 'DIRECT_LINE' },
    callWaiting: { enabled: true },
    outgoingPermission: { useCustomEnabled: false, useCustomPermissions: false, callingPermissions: [] },
    incomingPermission: { useCustomEnabled: false, externalTransfer: 'ALLOW_ALL_EXTERNAL', internalCallsEnabled: true, collectCallsEnabled: true },
    callRecording: { enabled: false, record: 'Never', recordVoicemailEnabled: false },
  };
}

/** PUT semantics of the person settings: the fields sent replace those fields, nested objects merge. */
export function mergeSetting(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    const existing = out[key];
    out[key] =
      isPlainObject(existing) && isPlainObject(value) ? mergeSetting(existing, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
