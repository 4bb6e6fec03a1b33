import type { Client } from 'openapi-fetch';
import type { components as AdminComponents, paths as AdminPaths } from './generated/admin.js';
import type { components as CallingComponents, paths as CallingPaths } from './generated/calling.js';
import type { components as DeviceComponents, paths as DevicePaths } from './generated/device.js';

export type { AdminPaths, CallingPaths, DevicePaths };

/** The raw typed openapi-fetch clients, one per spec, sharing the transport. */
export interface RawClients {
  admin: Client<AdminPaths>;
  device: Client<DevicePaths>;
  calling: Client<CallingPaths>;
}

export interface OperationContext extends RawClients {
  maxPages: number;
}

type AdminSchemas = AdminComponents['schemas'];
type DeviceSchemas = DeviceComponents['schemas'];
type CallingSchemas = CallingComponents['schemas'];

export type Person = AdminSchemas['Person'];
export type License = AdminSchemas['License'];
export type LicenseAssignment = AdminSchemas['PatchUserLicenses'];
export type LicenseAssignmentResult = AdminSchemas['UserLicensesResponse'];
export type PersonUpdate = NonNullable<AdminPaths['/people/{personId}']['put']['requestBody']>['content']['application/json'];
export type Location = DeviceSchemas['WebexLocation'];
export type LocationCreate = DeviceSchemas['PostCommonLocationObject'];
export type LocationUpdate = DeviceSchemas['PutCommonLocationObject'];
export type CallingLocationSummary = CallingSchemas['ListLocationObject'];
export type CallingLocation = CallingSchemas['GetTelephonyLocationObject'];
export type CallingLocationEnable = CallingSchemas['PostLocationCallingRequest'];
export type NumberItem = CallingSchemas['NumberObject'];
export type NumbersQuery = NonNullable<CallingPaths['/telephony/config/numbers']['get']['parameters']['query']>;
export type ExtensionValidation = CallingSchemas['StatusOfExtensionsObject'];
export type PersonNumbers = CallingSchemas['GetNumbers'];
export type PersonNumbersUpdate = NonNullable<
  CallingPaths['/telephony/config/people/{personId}/numbers']['put']['requestBody']
>['content']['application/json'];
