import { SimHttpError } from '../sim-error.js';
import type { SimPerson } from './types.js';

/** What a person's emergency callback number is set to (absent = the default, see `selectedEcbn`). */
export interface EcbnSetting {
  selected?: string | undefined;
  locationMemberId?: string | undefined;
  elinEnabled?: boolean | undefined;
  elinForWebexAppEnabled?: boolean | undefined;
}

/** The org facts the ECBN answer needs, looked up by the org model. */
export interface EcbnContext {
  /** The location's ECBN: its main number (calling line id), else the first number of its inventory. */
  locationNumber: string | undefined;
  locationName: string;
  member: SimPerson | undefined;
}

/** [sim choice] Until set: DIRECT_LINE for a person with a direct number, LOCATION_ECBN otherwise. */
export function selectedEcbn(person: SimPerson, setting: EcbnSetting | undefined): string {
  return setting?.selected ?? (person.calling?.workNumber ? 'DIRECT_LINE' : 'LOCATION_ECBN');
}

function info(phoneNumber: string | undefined, level: string, names: { firstName: string; lastName: string }) {
  return {
    phoneNumber,
    ...names,
    effectiveLevel: phoneNumber ? level : 'NONE',
    effectiveValue: phoneNumber ?? '',
    quality: phoneNumber ? 'RECOMMENDED' : 'INVALID',
  };
}

const namesOf = (p: SimPerson) => ({ firstName: p.firstName ?? p.displayName, lastName: p.lastName ?? '.' });

/** `GET /telephony/config/people/{personId}/emergencyCallbackNumber`, shaped as the spec's GetPersonCallbackNumberObject. */
export function ecbnView(person: SimPerson, setting: EcbnSetting | undefined, ctx: EcbnContext): Record<string, unknown> {
  const selected = selectedEcbn(person, setting);
  const work = person.calling?.workNumber;
  const location = info(ctx.locationNumber, 'LOCATION_ECBN', { firstName: ctx.locationName, lastName: '.' });
  return {
    selected,
    // Without a direct number, what an emergency call would present falls back to the location's.
    directLineInfo: work ? info(work, 'DIRECT_LINE', namesOf(person)) : { ...location, ...namesOf(person), phoneNumber: undefined },
    locationECBNInfo: location,
    ...(selected === 'LOCATION_MEMBER_NUMBER' && ctx.member
      ? {
          locationMemberInfo: {
            ...info(ctx.member.calling?.workNumber, 'LOCATION_MEMBER_NUMBER', namesOf(ctx.member)),
            memberId: ctx.member.id,
            memberType: 'PEOPLE',
          },
        }
      : {}),
    elinEnabled: setting?.elinEnabled ?? false,
    elinForWebexAppEnabled: setting?.elinForWebexAppEnabled ?? false,
  };
}

/**
 * A PUT the org cannot take: DIRECT_LINE for a person without a direct number, LOCATION_MEMBER_NUMBER
 * without a Calling member of the same location who has one. The rule is Webex's (an extension-only
 * user needs another ECBN: ecbn "Update a Person's Emergency Callback Number"); codes are [sim choice].
 */
export function checkEcbn(person: SimPerson, body: EcbnSetting, member: SimPerson | undefined): void {
  if (body.selected === 'DIRECT_LINE' && !person.calling?.workNumber) {
    throw new SimHttpError(400, 'The person has no direct number: DIRECT_LINE cannot be their emergency callback number.', 27201);
  }
  if (body.selected === 'LOCATION_MEMBER_NUMBER') {
    if (!body.locationMemberId) throw new SimHttpError(400, 'locationMemberId is required for LOCATION_MEMBER_NUMBER.', 27202);
    if (!member?.calling?.workNumber || member.calling.locationId !== person.calling?.locationId) {
      throw new SimHttpError(400, 'locationMemberId is not a member of the location with a direct number.', 27203);
    }
  }
}
