import type { HttpHandler } from 'msw';
import type { SimContext } from '../context.js';
import { ORG_ID } from '../org/org-state.js';
import type { SimLocation } from '../org/types.js';
import { operation } from '../pipeline.js';
import { cursorPage, offsetPage } from './paging.js';

function renderLocation(l: SimLocation) {
  const { announcementLanguage: _announcement, ...rest } = l;
  return { ...rest, orgId: ORG_ID };
}

export function locationHandlers(sim: () => SimContext): HttpHandler[] {
  return [
    operation(sim, 'GET /locations', ({ sim: { org }, query, baseUrl }) => {
      const name = query.get('name')?.toLowerCase();
      const id = query.get('id');
      const all = [...org.locations.values()].filter((l) => (!name || l.name.toLowerCase().includes(name)) && (!id || l.id === id));
      const page = cursorPage(all, query, baseUrl, '/locations', 500, 1000);
      return { status: 200, body: { items: page.items.map(renderLocation) }, headers: page.headers, requiredFields: ['items'] };
    }),
    operation(sim, 'POST /locations', ({ sim: { org, config }, body }) => {
      const location = org.createLocation(body as Omit<SimLocation, 'id'>, config.duplicateLocationNames === 'allow');
      return { status: 201, body: { id: location.id }, requiredFields: ['id'] };
    }),
    operation(sim, 'GET /locations/{locationId}', ({ sim: { org }, params }) => ({
      status: 200,
      body: renderLocation(org.location(params.locationId!)),
      requiredFields: ['id'],
    })),
    operation(sim, 'PUT /locations/{locationId}', ({ sim: { org }, params, body }) => {
      org.updateLocation(params.locationId!, body as Partial<SimLocation>);
      return { status: 204 };
    }),
    operation(sim, 'DELETE /locations/{locationId}', ({ sim: { org }, params }) => {
      org.deleteLocation(params.locationId!);
      return { status: 204 };
    }),
    operation(sim, 'GET /telephony/config/locations', ({ sim: { org }, query }) => {
      const name = query.get('name')?.toLowerCase();
      const all = [...org.callingLocations.keys()]
        .map((id) => org.callingLocation(id))
        .filter((l) => !name || l.name.toLowerCase().includes(name))
        .map((l) => ({
          id: l.id,
          name: l.name,
          routingPrefix: l.routingPrefix,
          outsideDialDigit: l.outsideDialDigit,
          enforceOutsideDialDigit: false,
          e911SetupRequired: false,
        }));
      return { status: 200, body: { locations: offsetPage(all, query, 100) }, requiredFields: ['locations'] };
    }),
    operation(sim, 'POST /telephony/config/locations', ({ sim: { org }, body }) => {
      const id = org.enableLocationCalling(body as { id: string; name: string });
      return { status: 201, body: { id }, requiredFields: ['id'] };
    }),
    operation(sim, 'GET /telephony/config/locations/{locationId}', ({ sim: { org }, params }) => {
      const l = org.callingLocation(params.locationId!);
      return {
        status: 200,
        body: {
          id: l.id,
          name: l.name,
          announcementLanguage: l.announcementLanguage,
          routingPrefix: l.routingPrefix,
          outsideDialDigit: l.outsideDialDigit,
          enforceOutsideDialDigit: false,
          callingLineId: l.callingLineId ?? {},
          connection: { type: 'TRUNK' },
          userLimit: 1000,
        },
        requiredFields: ['id'],
      };
    }),
    operation(sim, 'PUT /telephony/config/locations/{locationId}', ({ sim: { org }, params, body }) => {
      const calling = org.callingLocation(params.locationId!);
      const patch = body as Record<string, unknown>;
      const stored = org.callingLocations.get(calling.id)!;
      if (typeof patch.routingPrefix === 'string') stored.routingPrefix = patch.routingPrefix;
      if (typeof patch.outsideDialDigit === 'string') stored.outsideDialDigit = patch.outsideDialDigit;
      return { status: 200, body: {} };
    }),
  ];
}
