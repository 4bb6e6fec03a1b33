import type { HttpHandler } from 'msw';
import type { SimContext } from '../context.js';
import { operation } from '../pipeline.js';
import { cursorPage } from './paging.js';
import { renderPerson } from './render.js';

export function peopleHandlers(sim: () => SimContext): HttpHandler[] {
  return [
    operation(sim, 'GET /people/me', ({ sim: { org }, query }) => ({
      status: 200,
      body: renderPerson(org, org.person(org.meId), query.get('callingData') === 'true'),
      requiredFields: ['id'],
    })),
    operation(sim, 'GET /people', ({ sim: { org }, query, baseUrl }) => {
      const callingData = query.get('callingData') === 'true';
      const matches = org.findPeople({
        email: query.get('email') ?? undefined,
        ids: query.get('id')?.split(',').filter(Boolean),
        displayName: query.get('displayName') ?? undefined,
        locationId: query.get('locationId') ?? undefined,
      });
      const page = cursorPage(matches, query, baseUrl, '/people', 100, callingData ? 100 : 1000);
      return {
        status: 200,
        body: { items: page.items.map((p) => renderPerson(org, p, callingData)), notFoundIds: null },
        headers: page.headers,
        requiredFields: ['items'],
      };
    }),
    operation(sim, 'GET /people/{personId}', ({ sim: { org }, params, query }) => ({
      status: 200,
      body: renderPerson(org, org.person(params.personId!), query.get('callingData') === 'true'),
      requiredFields: ['id'],
    })),
    operation(sim, 'PUT /people/{personId}', ({ sim: { org }, params, query, body }) => {
      const person = org.updatePerson(params.personId!, body as Record<string, unknown>);
      if (query.get('minResponse') === 'true') return { status: 204 };
      return { status: 200, body: renderPerson(org, person, query.get('callingData') === 'true'), requiredFields: ['id'] };
    }),
  ];
}
