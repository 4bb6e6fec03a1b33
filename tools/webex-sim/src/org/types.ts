import type { PersonSetting } from '@wbp/webex-client';

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

export interface SimPerson {
  id: string;
  email: string;
  displayName: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  created: string;
  licenses: string[];
  /** Present once the person has a Calling licence. */
  calling?: { locationId: string; extension?: string | undefined; workNumber?: string | undefined; alternates: string[] };
  settings?: Record<PersonSetting, Record<string, unknown>>;
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
  calling: boolean;
}

/** Seeds that appear once a location with this (case-insensitive) name exists. */
export interface PendingSeeds {
  numbers: Map<string, string[]>;
  callingPeople: Map<string, { email: string; extension: string }[]>;
}
