import type { HttpHandler } from 'msw';
import type { SimContext } from '../context.js';
import { ORG_ID } from '../org/org-state.js';
import { operation } from '../pipeline.js';

export function licenseHandlers(sim: () => SimContext): HttpHandler[] {
  return [
    operation(sim, 'GET /licenses', ({ sim: { org } }) => ({
      status: 200,
      body: {
        items: org.licenses.map((l) => {
          const consumed = org.consumed(l.id);
          return {
            id: l.id,
            name: l.name,
            totalUnits: l.totalUnits,
            consumedUnits: consumed,
            consumedByUsers: consumed,
            consumedByWorkspaces: 0,
            subscriptionId: l.subscriptionId,
          };
        }),
      },
      requiredFields: ['items'],
    })),
    operation(sim, 'PATCH /licenses/users', ({ sim: { org }, body, late }) => {
      const { status, person } = org.assignLicenses(body as Record<string, unknown>, late);
      return {
        status,
        body: {
          orgId: ORG_ID,
          personId: person.id,
          email: person.email,
          licenses: person.licenses,
          siteUrls: [],
          pendingLicenses: [],
          pendingSiteUrls: [],
        },
        requiredFields: ['licenses'],
      };
    }),
  ];
}
