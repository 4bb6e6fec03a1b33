import { ok } from '../call.js';
import { collect, offsetPages } from '../paginate.js';
import type { CallingLocation, CallingLocationEnable, CallingLocationSummary, OperationContext } from '../types.js';

export function callingLocationOperations({ calling, maxPages }: OperationContext) {
  return {
    /** Only Calling-enabled locations appear here. */
    async list(pageSize = 1000): Promise<CallingLocationSummary[]> {
      return collect(
        offsetPages(
          'GET /telephony/config/locations',
          async (start, max) => {
            const { data, response } = await ok(calling.GET('/telephony/config/locations', { params: { query: { start, max } } }));
            return { items: data.locations ?? [], response };
          },
          pageSize,
          maxPages,
        ),
      );
    },

    async get(locationId: string): Promise<CallingLocation> {
      const call = calling.GET('/telephony/config/locations/{locationId}', { params: { path: { locationId } } });
      return (await ok(call)).data;
    },

    /** Not idempotent: after an unknown outcome, list Calling locations before trying again. */
    async enable(body: CallingLocationEnable): Promise<{ id: string }> {
      const call = calling.POST('/telephony/config/locations', { body });
      const { data } = await ok(call);
      return { id: data.id as string };
    },
  };
}
