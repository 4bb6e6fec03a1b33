import type { PersonSetting } from '../person-settings.js';
import type { EcbnSetting } from './emergency-callback.js';

export interface Address {
  address1: string;
  address2?: string | undefined;
  city: string;
  state: string;
  postalCode: string;
  country: string;
}

export interface SimLocation {
  id: string;
  name: string;
  timeZone: string;
  preferredLanguage: string;
  announcementLanguage: string;
  address: Address;
  latitude?: string | undefined;
  longitude?: string | undefined;
  notes?: string | undefined;
}

export interface SimCallingLocation {
  routingPrefix: string;
  outsideDialDigit: string;
  callingLineId?: { name?: string; phoneNumber?: string };
}

/** Phone numbers the directory (LDAP sync) owns, not Calling: shown in the People API's `phoneNumbers`. */
export const DIRECTORY_NUMBER_TYPES = ['mobile', 'fax'] as const;
export type DirectoryNumberType = (typeof DIRECTORY_NUMBER_TYPES)[number];

export interface SimPerson {
  id: string;
  /** The primary e-mail (lower case); `extraEmails` are the person's other addresses, in order. */
  email: string;
  extraEmails: string[];
  /** Directory-owned numbers, one of each type at most (as LDAP's mobile and fax attributes). */
  mobile?: string | undefined;
  fax?: string | undefined;
  displayName: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  created: string;
  licenses: string[];
  /** Present once the person has a Calling licence. */
  calling?: { locationId: string; extension?: string | undefined; workNumber?: string | undefined; alternates: string[] };
  settings?: Record<PersonSetting, Record<string, unknown>>;
  /** The emergency callback number as last PUT (telephony config, not a `features` setting). */
  ecbn?: EcbnSetting | undefined;
}

export interface SimNumber {
  locationId: string;
  state: 'ACTIVE' | 'INACTIVE';
  ownerId?: string | undefined;
}

export interface SimLicense {
  id: string;
  name: string;
  totalUnits: number;
  subscriptionId: string;
  calling: boolean;
}

/** Seeds that appear once a location with this (case-insensitive) name exists. */
export interface PendingSeeds {
  numbers: Map<string, string[]>;
  /** `licenseId`: the Professional entry whose unit the seeded Calling user already holds (none when all were full). */
  callingPeople: Map<string, { email: string; extension: string; licenseId?: string | undefined }[]>;
}
