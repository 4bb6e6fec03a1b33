import { expectOk } from '../call.js';
import type { License, LicenseAssignment, LicenseAssignmentResult, OperationContext } from '../types.js';

export function licenseOperations({ admin }: OperationContext) {
  return {
    async list(): Promise<License[]> {
      return (await expectOk('GET /licenses', admin.GET('/licenses'), ['items'])).data.items ?? [];
    },

    /**
     * Not idempotent and never replayed after an unknown outcome. `partial` is true on 206: some
     * licences were not applied, so the caller must compare what came back with what it asked for.
     */
    async assign(body: LicenseAssignment): Promise<{ result: LicenseAssignmentResult; partial: boolean }> {
      const { data, response } = await expectOk('PATCH /licenses/users', admin.PATCH('/licenses/users', { body }), [
        'licenses',
      ]);
      return { result: data, partial: response.status === 206 };
    },
  };
}
