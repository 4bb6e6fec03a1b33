import { ok } from '../call.js';
import { WebexApiError } from '../errors.js';
import { collect, linkPages } from '../paginate.js';
import type { Location, LocationCreate, LocationUpdate, OperationContext } from '../types.js';

export function locationOperations({ device, maxPages }: OperationContext) {
  return {
    /** All locations of the org (optionally a name filter: Webex matches it as case-insensitive "contains"). */
    async list(options: { name?: string; max?: number } = {}): Promise<Location[]> {
      return collect(
        linkPages(
          'GET /locations',
          async (query) => {
            const { data, response } = await ok(
              device.GET('/locations', {
                params: { query: { max: options.max ?? 500, ...(options.name ? { name: options.name } : {}), ...query } },
              }),
            );
            return { items: data.items, response };
          },
          maxPages,
        ),
      );
    },

    async get(locationId: string): Promise<Location> {
      const call = device.GET('/locations/{locationId}', { params: { path: { locationId } } });
      return (await ok(call)).data;
    },

    /** Not idempotent: after an unknown outcome, list by name before trying again. */
    async create(body: LocationCreate): Promise<{ id: string }> {
      return (await ok(device.POST('/locations', { body }))).data;
    },

    /** Idempotent: a location that is already gone (404) counts as deleted. */
    async delete(locationId: string): Promise<void> {
      const call = device.DELETE('/locations/{locationId}', { params: { path: { locationId } } });
      await ok(call).catch((err: unknown) => {
        if (!(err instanceof WebexApiError && err.status === 404)) throw err;
      });
    },

    async update(locationId: string, body: LocationUpdate): Promise<void> {
      await ok(device.PUT('/locations/{locationId}', { params: { path: { locationId } }, body }));
    },
  };
}
