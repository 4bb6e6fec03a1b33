import { ORG_ID, type OrgState } from '../org/org-state.js';
import type { SimPerson } from '../org/types.js';

/** A person as the People API returns it; Calling fields only with callingData=true. */
export function renderPerson(org: OrgState, p: SimPerson, callingData: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: p.id,
    emails: [p.email],
    displayName: p.displayName,
    ...(p.firstName ? { firstName: p.firstName } : {}),
    ...(p.lastName ? { lastName: p.lastName } : {}),
    orgId: ORG_ID,
    created: p.created,
    licenses: p.licenses,
    type: 'person',
  };
  if (callingData && p.calling) {
    const prefix = org.callingLocations.get(p.calling.locationId)?.routingPrefix ?? '';
    out.locationId = p.calling.locationId;
    if (p.calling.extension) out.extension = p.calling.extension;
    out.phoneNumbers = [
      ...(p.calling.workNumber ? [{ type: 'work', value: p.calling.workNumber, primary: true }] : []),
      ...(p.calling.extension ? [{ type: 'work_extension', value: `${prefix}${p.calling.extension}` }] : []),
    ];
  }
  return out;
}
