import type { HttpHandler } from 'msw';
import type { SimContext } from '../context.js';
import { PERSON_SETTINGS } from '../person-settings.js';
import { operation } from '../pipeline.js';

export function settingHandlers(sim: () => SimContext): HttpHandler[] {
  return PERSON_SETTINGS.flatMap((setting) => [
    operation(sim, `GET /people/{personId}/features/${setting}`, ({ sim: { org }, params }) => ({
      status: 200,
      body: org.setting(params.personId!, setting),
    })),
    operation(sim, `PUT /people/{personId}/features/${setting}`, ({ sim: { org }, params, body }) => {
      org.putSetting(params.personId!, setting, body as Record<string, unknown>);
      return { status: 204 };
    }),
  ]);
}
