import type { SettingValue } from '../src/steps/settings-registry.js';

/** Values as the official spec's GET examples show them (user-call-settings and emergency-services files). */
export const HELD: Record<string, SettingValue> = {
  callForwarding: {
    callForwarding: {
      always: { enabled: false, destination: '+19075551212', ringReminderEnabled: false, destinationVoicemailEnabled: false },
      busy: { enabled: false, destinationVoicemailEnabled: false },
      noAnswer: {
        enabled: true,
        destination: '2225551212',
        numberOfRings: 3,
        systemMaxNumberOfRings: 15,
        destinationVoicemailEnabled: false,
      },
    },
    businessContinuity: { enabled: false, destinationVoicemailEnabled: false },
  },
  voicemail: {
    enabled: true,
    sendAllCalls: { enabled: false },
    sendBusyCalls: { enabled: true, greeting: 'DEFAULT', greetingUploaded: false },
    sendUnansweredCalls: { enabled: true, greeting: 'CUSTOM', greetingUploaded: true, numberOfRings: 3, systemMaxNumberOfRings: 15 },
    notifications: { enabled: true, destination: 'dummy@example.com' },
    transferToNumber: { enabled: false },
    emailCopyOfMessage: { enabled: true, emailId: 'Dummy@Example.com' },
    messageStorage: { mwiEnabled: true, storageType: 'INTERNAL', externalEmail: '' },
    faxMessage: { enabled: false },
  },
  outgoingPermission: {
    useCustomEnabled: false,
    useCustomPermissions: false,
    callingPermissions: [
      { callType: 'INTERNAL_CALL', action: 'ALLOW', transferEnabled: true, isCallTypeRestrictionEnabled: false },
      { callType: 'INTERNATIONAL', action: 'BLOCK', transferEnabled: false, isCallTypeRestrictionEnabled: false },
      { callType: 'PREMIUM_SERVICES_I', action: 'BLOCK', transferEnabled: false, isCallTypeRestrictionEnabled: false },
      { callType: 'PREMIUM_SERVICES_II', action: 'BLOCK', transferEnabled: false, isCallTypeRestrictionEnabled: true },
      { callType: 'NATIONAL', action: 'ALLOW', transferEnabled: true, isCallTypeRestrictionEnabled: false },
    ],
  },
  callRecording: {
    enabled: false,
    record: 'Never',
    recordVoicemailEnabled: false,
    notification: { type: 'None', enabled: false },
    repeat: { interval: 15, enabled: false },
    serviceProvider: 'WSWYZ25455',
    externalGroup: 'WSWYZ25455L31161',
    externalIdentifier: 'a34iidrh5o@64941297.int10.bcld.webex.com',
    startStopAnnouncement: { internalCallsEnabled: false, pstnCallsEnabled: false },
  },
  doNotDisturb: { enabled: false, ringSplashEnabled: false, webexGoOverrideEnabled: false },
  hoteling: { enabled: false },
  bargeIn: { enabled: false, toneEnabled: true },
  emergencyCallbackNumber: { selected: 'LOCATION_ECBN', directLineInfo: { firstName: 'A', lastName: 'B' }, elinEnabled: false },
};
