import { ok } from '../call.js';
import { collect, offsetPages } from '../paginate.js';
import type { ExtensionValidation, NumberItem, NumbersQuery, OperationContext, PersonNumbers, PersonNumbersUpdate } from '../types.js';

export function numberOperations({ calling, maxPages }: OperationContext) {
  return {
    /** Numbers (and extension-only entries) matching the query, across all pages. */
    async list(query: Omit<NumbersQuery, 'start' | 'max'> = {}, pageSize = 2000): Promise<NumberItem[]> {
      return collect(
        offsetPages(
          'GET /telephony/config/numbers',
          async (start, max) => {
            const { data, response } = await ok(calling.GET('/telephony/config/numbers', { params: { query: { ...query, start, max } } }));
            return { items: data.phoneNumbers ?? [], response };
          },
          pageSize,
          maxPages,
        ),
      );
    },

    /** A read-only check (safe to retry although it is a POST). */
    async validateExtensions(locationId: string, extensions: string[]): Promise<ExtensionValidation> {
      const call = calling.POST('/telephony/config/locations/{locationId}/actions/validateExtensions/invoke', {
        params: { path: { locationId } },
        body: { extensions },
      });
      return (await ok(call)).data;
    },

    async getPersonNumbers(personId: string): Promise<PersonNumbers> {
      const call = calling.GET('/people/{personId}/features/numbers', {
        params: { path: { personId }, query: { preferE164Format: true } },
      });
      return (await ok(call)).data;
    },

    /** Alternate numbers only; the primary line is changed through the People API. */
    async updatePersonNumbers(personId: string, body: PersonNumbersUpdate): Promise<void> {
      const call = calling.PUT('/telephony/config/people/{personId}/numbers', { params: { path: { personId } }, body });
      await ok(call);
    },
  };
}
