import { ok } from '../call.js';
import { collect, linkPages } from '../paginate.js';
import type { OperationContext, Person, PersonUpdate } from '../types.js';

/** People API: read-only for identity. `update` exists only for the Calling fields (extension, work number). */
export function peopleOperations({ admin, maxPages }: OperationContext) {
  return {
    /** Cheap token check: who am I. */
    async me(): Promise<Person> {
      return (await ok(admin.GET('/people/me'))).data;
    },

    /** Exact e-mail lookup with Calling data; Webex answers 200 with no items when unknown. */
    async findByEmail(email: string): Promise<Person | undefined> {
      const { data } = await ok(admin.GET('/people', { params: { query: { email, callingData: true } } }));
      const wanted = email.toLowerCase();
      return data.items?.find((p) => p.emails?.some((e) => e.toLowerCase() === wanted));
    },

    async get(personId: string): Promise<Person> {
      const call = admin.GET('/people/{personId}', { params: { path: { personId }, query: { callingData: true } } });
      return (await ok(call)).data;
    },

    /** Full-replacement PUT: send back everything read, changed only where intended. */
    async update(personId: string, body: PersonUpdate): Promise<Person> {
      const call = admin.PUT('/people/{personId}', { params: { path: { personId }, query: { callingData: true } }, body });
      return (await ok(call)).data;
    },

    /** Every person of a location, following Link pages. */
    async listByLocation(locationId: string, max = 50): Promise<Person[]> {
      return collect(
        linkPages(
          'GET /people',
          async (query) => {
            const { data, response } = await ok(
              admin.GET('/people', { params: { query: { locationId, max, callingData: true, ...query } } }),
            );
            return { items: data.items ?? [], response };
          },
          maxPages,
        ),
      );
    },
  };
}
