import type { Person, PersonUpdate } from '@wbp/webex-client';
import { RowStop } from '../outcome.js';

/** People PUT fields that are identity: wbp must send them back exactly as read. */
export const IDENTITY_FIELDS = [
  'emails',
  'displayName',
  'firstName',
  'lastName',
  'nickName',
  'avatar',
  'orgId',
  'roles',
  'licenses',
  'department',
  'manager',
  'managerId',
  'title',
  'addresses',
  'siteUrls',
  'loginEnabled',
] as const;

/**
 * Pure: the full-replacement People PUT body that changes only the primary line. Identity
 * fields are copied verbatim; `phoneNumbers` keeps only `work` (the only type the PUT accepts)
 * with the new number; `locationId` stays (it cannot change here).
 */
export function lineChangeBody(read: Person, line: { extension?: string | undefined; workNumber?: string | undefined }): PersonUpdate {
  const body: Record<string, unknown> = {};
  for (const key of IDENTITY_FIELDS) if (read[key as keyof Person] !== undefined) body[key] = read[key as keyof Person];
  if (read.locationId) body.locationId = read.locationId;
  if (line.extension) body.extension = line.extension;
  body.phoneNumbers = line.workNumber ? [{ type: 'work', value: line.workNumber }] : [];
  return body as PersonUpdate;
}

/** Invariant: nothing but the line differs from what was read. A breach stops the row before the PUT. */
export function assertIdentityUnchanged(read: Person, body: PersonUpdate): void {
  for (const key of IDENTITY_FIELDS) {
    const before = JSON.stringify(read[key as keyof Person] ?? null);
    const after = JSON.stringify((body as Record<string, unknown>)[key] ?? null);
    if (before !== after) {
      throw new RowStop('unhandled_exception', `invariant breach: the People PUT would change identity field "${key}"; nothing was sent`);
    }
  }
}
