import type { HttpHandler } from 'msw';
import type { SimContext } from '../context.js';
import { SimHttpError } from '../sim-error.js';
import { operation } from '../pipeline.js';
import { offsetPage } from './paging.js';

export function numberHandlers(sim: () => SimContext): HttpHandler[] {
  return [
    operation(sim, 'GET /telephony/config/numbers', ({ sim: { org }, query }) => {
      const numberType = query.get('numberType');
      if (numberType === 'EXTENSION' && (query.has('available') || query.has('assigned') || query.has('state'))) {
        throw new SimHttpError(400, 'numberType EXTENSION cannot be combined with available, assigned or state.');
      }
      const locationId = query.get('locationId');
      const phoneNumber = query.get('phoneNumber');
      const extension = query.get('extension');
      const ownerId = query.get('ownerId');
      const available = query.get('available');
      const assigned = query.get('assigned');
      type Item = Record<string, unknown>;
      const items: Item[] = [];
      if (numberType !== 'EXTENSION') {
        for (const [number, n] of org.numbers) {
          const owner = n.ownerId ? org.people.get(n.ownerId) : undefined;
          if (locationId && n.locationId !== locationId) continue;
          if (phoneNumber && number !== phoneNumber) continue;
          if (ownerId && n.ownerId !== ownerId) continue;
          if (available === 'true' && n.ownerId) continue;
          if (assigned === 'true' && !n.ownerId) continue;
          if (extension && owner?.calling?.extension !== extension) continue;
          const location = org.locations.get(n.locationId)!;
          const ext = owner?.calling?.workNumber === number ? owner.calling.extension : undefined;
          items.push({
            phoneNumber: number,
            ...(ext ? { extension: ext, routingPrefix: org.callingLocations.get(n.locationId)?.routingPrefix } : {}),
            state: n.state,
            phoneNumberType: owner?.calling?.alternates.includes(number) ? 'ALTERNATE' : 'PRIMARY',
            mainNumber: false,
            tollFreeNumber: false,
            isServiceNumber: false,
            location: { id: location.id, name: location.name },
            ...(owner
              ? {
                  owner: {
                    id: owner.id,
                    type: 'PEOPLE',
                    firstName: owner.firstName,
                    lastName: owner.lastName,
                    displayName: owner.displayName,
                  },
                }
              : {}),
          });
        }
      }
      if (numberType !== 'NUMBER' && !phoneNumber && available !== 'true') {
        for (const p of org.people.values()) {
          const c = p.calling;
          if (!c?.extension || c.workNumber) continue;
          if (locationId && c.locationId !== locationId) continue;
          if (ownerId && p.id !== ownerId) continue;
          if (extension && c.extension !== extension) continue;
          const location = org.locations.get(c.locationId)!;
          items.push({
            phoneNumber: '',
            extension: c.extension,
            routingPrefix: org.callingLocations.get(c.locationId)?.routingPrefix,
            state: 'ACTIVE',
            location: { id: location.id, name: location.name },
            owner: { id: p.id, type: 'PEOPLE', firstName: p.firstName, lastName: p.lastName, displayName: p.displayName },
          });
        }
      }
      return { status: 200, body: { phoneNumbers: offsetPage(items, query, 2000) }, requiredFields: ['phoneNumbers'] };
    }),
    operation(sim, 'POST /telephony/config/locations/{locationId}/numbers', ({ sim: { org }, params, body }) => {
      const b = body as { phoneNumbers: string[]; state?: 'ACTIVE' | 'INACTIVE' };
      org.addNumbers(params.locationId!, b.phoneNumbers, b.state ?? 'ACTIVE');
      return { status: 201 };
    }),
    operation(sim, 'PUT /telephony/config/locations/{locationId}/numbers', ({ sim: { org }, params, body }) => {
      const b = body as { phoneNumbers: string[]; action?: 'ACTIVATE' | 'DEACTIVATE' };
      org.setNumberState(params.locationId!, b.phoneNumbers, b.action ?? 'ACTIVATE');
      return { status: 204 };
    }),
    operation(sim, 'POST /telephony/config/locations/{locationId}/actions/validateExtensions/invoke', ({ sim: { org }, params, body }) => {
      const statuses = org.validateExtensions(params.locationId!, (body as { extensions: string[] }).extensions);
      return {
        status: 200,
        body: { status: statuses.every((s) => s.state === 'VALID') ? 'OK' : 'ERRORS', extensionStatus: statuses },
        requiredFields: ['status'],
      };
    }),
    operation(sim, 'GET /people/{personId}/features/numbers', ({ sim: { org }, params }) => {
      const p = org.person(params.personId!);
      if (!p.calling) throw new SimHttpError(404, 'User Not Found.', 4003);
      const prefix = org.callingLocations.get(p.calling.locationId)?.routingPrefix ?? '';
      const primary = {
        primary: true,
        ...(p.calling.workNumber ? { directNumber: p.calling.workNumber } : {}),
        ...(p.calling.extension ? { extension: p.calling.extension, routingPrefix: prefix, esn: `${prefix}${p.calling.extension}` } : {}),
        ringPattern: 'NORMAL',
      };
      const alternates = p.calling.alternates.map((n) => ({ primary: false, directNumber: n, ringPattern: 'NORMAL' }));
      return {
        status: 200,
        body: { distinctiveRingEnabled: false, phoneNumbers: [primary, ...alternates] },
        requiredFields: ['phoneNumbers'],
      };
    }),
    operation(sim, 'PUT /telephony/config/people/{personId}/numbers', ({ sim: { org }, params, body }) => {
      org.updateAlternates(params.personId!, (body as { phoneNumbers: { action?: string; directNumber?: string }[] }).phoneNumbers);
      return { status: 204 };
    }),
  ];
}
