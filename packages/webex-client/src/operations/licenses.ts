import { ok } from '../call.js';
import type { License, LicenseAssignment, LicenseAssignmentResult, OperationContext } from '../types.js';

export function licenseOperations({ admin }: OperationContext) {
  return {
    async list(): Promise<License[]> {
      return (await ok(admin.GET('/licenses'))).data.items ?? [];
    },

    /**
     * Not idempotent and never replayed after an unknown outcome. `partial` is true on 206: some
     * licences were not applied, so the caller must compare what came back with what it asked for.
     */
    async assign(body: LicenseAssignment): Promise<{ result: LicenseAssignmentResult; partial: boolean }> {
      const { data, response } = await ok(admin.PATCH('/licenses/users', { body }));
      return { result: data, partial: response.status === 206 };
    },
  };
}
