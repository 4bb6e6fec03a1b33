const FEATURES = (setting: string) => [`GET /people/{personId}/features/${setting}`, `PUT /people/{personId}/features/${setting}`];

/**
 * The Webex operations wbp calls, by module. The simulator serves exactly these and validates
 * every request against their spec-derived request schemas. The calling module is generated from
 * the whole official Cloud Calling spec, so its used operations are listed one by one.
 */
export const USED_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  admin: ['GET /people/me', 'GET /people', 'GET /people/{personId}', 'PUT /people/{personId}', 'GET /licenses', 'PATCH /licenses/users'],
  device: [
    'GET /locations',
    'POST /locations',
    'GET /locations/{locationId}',
    'PUT /locations/{locationId}',
    'DELETE /locations/{locationId}',
  ],
  calling: [
    'GET /telephony/config/locations',
    'POST /telephony/config/locations',
    'GET /telephony/config/locations/{locationId}',
    'PUT /telephony/config/locations/{locationId}',
    'POST /telephony/config/locations/{locationId}/actions/validateExtensions/invoke',
    'GET /telephony/config/numbers',
    'POST /telephony/config/locations/{locationId}/numbers',
    'PUT /telephony/config/locations/{locationId}/numbers',
    'GET /people/{personId}/features/numbers',
    'PUT /telephony/config/people/{personId}/numbers',
    // The person settings, by name (alphabetical); independent of the client's own list by design.
    ...['bargeIn', 'callerId', 'callForwarding', 'callRecording', 'callWaiting', 'doNotDisturb'].flatMap(FEATURES),
    ...['hoteling', 'incomingPermission', 'outgoingPermission', 'voicemail'].flatMap(FEATURES),
    'GET /telephony/config/people/{personId}/emergencyCallbackNumber',
    'PUT /telephony/config/people/{personId}/emergencyCallbackNumber',
  ],
};
