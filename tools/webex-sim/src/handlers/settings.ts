import type { HttpHandler } from 'msw';
import type { SimContext } from '../context.js';
import { PERSON_SETTINGS } from '../person-settings.js';
import type { EcbnSetting } from '../org/emergency-callback.js';
import { operation } from '../pipeline.js';

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
        org.putSetting(params.personId!, setting, body as Record<string, unknown>, { recordingVendor: config.callRecordingVendor });
        return { status: 204 };
      }),
    ]),
  ];
}
