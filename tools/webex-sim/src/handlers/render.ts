import { ORG_ID, type OrgState } from '../org/org-state.js';
import { DIRECTORY_NUMBER_TYPES, type SimPerson } from '../org/types.js';

/**
 * A person as the People API returns it. Calling fields (`extension`, `locationId`, the `work` and
 * `work_extension` numbers) only with callingData=true; directory numbers (mobile, fax) always, as
 * they belong to the directory, not to Calling.
 */
export function renderPerson(org: OrgState, p: SimPerson, callingData: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: p.id,
    emails: org.emailsOf(p),
    displayName: p.displayName,
    ...(p.firstName ? { firstName: p.firstName } : {}),
    ...(p.lastName ? { lastName: p.lastName } : {}),
    orgId: ORG_ID,
    created: p.created,
    licenses: p.licenses,
    type: 'person',
  };
  const directory = DIRECTORY_NUMBER_TYPES.flatMap((type) => (p[type] ? [{ type, value: p[type] }] : []));
  if (callingData && p.calling) {
    const prefix = org.callingLocations.get(p.calling.locationId)?.routingPrefix ?? '';
    out.locationId = p.calling.locationId;
    if (p.calling.extension) out.extension = p.calling.extension;
    out.phoneNumbers = [
      ...(p.calling.workNumber ? [{ type: 'work', value: p.calling.workNumber, primary: true }] : []),
      ...(p.calling.extension ? [{ type: 'work_extension', value: `${prefix}${p.calling.extension}` }] : []),
      ...directory,
    ];
  } else if (directory.length > 0) {
    out.phoneNumbers = directory;
  }
  return out;
}
