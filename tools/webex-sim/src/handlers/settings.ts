import type { HttpHandler } from 'msw';
import type { SimContext } from '../context.js';
import { PERSON_SETTINGS } from '../person-settings.js';
import type { EcbnSetting } from '../org/emergency-callback.js';
import { operation } from '../pipeline.js';
import { SimHttpError } from '../sim-error.js';

export function settingHandlers(sim: () => SimContext): HttpHandler[] {
  const ecbn = '/telephony/config/people/{personId}/emergencyCallbackNumber';
  return [
    operation(sim, `GET ${ecbn}`, ({ sim: { org }, params }) => ({ status: 200, body: org.emergencyCallback(params.personId!) })),
    operation(sim, `PUT ${ecbn}`, ({ sim: { org }, params, body }) => {
      org.putEmergencyCallback(params.personId!, (body ?? {}) as EcbnSetting);
      return { status: 204 };
    }),
    ...PERSON_SETTINGS.flatMap((setting) => [
      operation(sim, `GET /people/{personId}/features/${setting}`, ({ sim: { org }, params }) => ({
        status: 200,
        body: org.setting(params.personId!, setting),
      })),
      operation(sim, `PUT /people/{personId}/features/${setting}`, ({ sim: { org, config }, params, body }) => {
        const value = body as Record<string, unknown>;
        if (setting === 'callRecording' && value.enabled === true && !config.callRecordingVendor) {
          org.setting(params.personId!, setting); // an unknown person or one without Calling is still a 404
          throw new SimHttpError(400, 'Call recording is not available: the organization has no call recording vendor.', 27301);
        }
        org.putSetting(params.personId!, setting, value);
        return { status: 204 };
      }),
    ]),
  ];
}
