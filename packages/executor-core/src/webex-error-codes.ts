import type { WebexApiError } from '@wbp/webex-client';

/**
 * Webex `errorCode`s wbp knows the meaning of, each with where Webex documents it. They only
 * enrich a pending row's message: no decision of the executor depends on an error code, because
 * Webex documents few of them and the same number means different things in different services.
 * Everything a refusal could be about (a free licence unit, a number in the location's inventory,
 * an extension free, the location Calling-enabled) is checked from the org's state before the
 * mutation; an "already done" answer is believed only after a lookup confirms it.
 *
 * docs/operator-guide.md lists this table; a test keeps the two equal.
 */
export interface WebexErrorCode {
  code: number;
  meaning: string;
  /** The operations whose error bodies it is explained on (`METHOD /path/{template}`). */
  operations: readonly string[];
  /** A developer.webex.com page or an official spec file and operation. */
  source: string;
}

const AUDIT_CODES = 'https://developer.webex.com/docs/api/guides/audit-events-api-response-error-codes-reference';
const LICENSES_SPEC = 'webex-admin.json, "Assign Licenses to Users" (ErrorDetail.errorCode)';
const LICENCE_PATCH = ['PATCH /licenses/users'];
/** The Calling back end that provisions a user's line answers both. */
const LINE_CHANGES = ['PATCH /licenses/users', 'PUT /people/{personId}'];

export const WEBEX_ERROR_CODES: readonly WebexErrorCode[] = [
  { code: 400, meaning: 'the location could not be found', operations: LICENCE_PATCH, source: LICENSES_SPEC },
  { code: 400000, meaning: 'the licence id is not recognised', operations: LICENCE_PATCH, source: LICENSES_SPEC },
  {
    code: 400112,
    meaning: 'a Calling Professional licence cannot be downgraded to Standard',
    operations: LICENCE_PATCH,
    source: LICENSES_SPEC,
  },
  {
    code: 400404,
    meaning: 'a user cannot hold Calling Professional and Standard together',
    operations: LICENCE_PATCH,
    source: LICENSES_SPEC,
  },
  { code: 400411, meaning: 'each Calling licence needs its own calling properties', operations: LICENCE_PATCH, source: LICENSES_SPEC },
  {
    code: 400413,
    meaning: 'only one licence of an exclusive offer group can be assigned',
    operations: LICENCE_PATCH,
    source: LICENSES_SPEC,
  },
  { code: 4201, meaning: 'the phone number is already in use', operations: LINE_CHANGES, source: AUDIT_CODES },
  { code: 4202, meaning: 'the extension is already in use', operations: LINE_CHANGES, source: AUDIT_CODES },
  { code: 4410, meaning: 'the phone number is not valid', operations: LINE_CHANGES, source: AUDIT_CODES },
  { code: 4909, meaning: 'the extension is not valid or has the wrong length', operations: LINE_CHANGES, source: AUDIT_CODES },
  { code: 4910, meaning: 'an extension may contain digits only', operations: LINE_CHANGES, source: AUDIT_CODES },
  { code: 4911, meaning: 'an extension cannot be an emergency number', operations: LINE_CHANGES, source: AUDIT_CODES },
];

/** What Webex's codes on this error mean, as far as Webex documents them for this operation ('' when none is known). */
export function explainWebexCodes(err: Pick<WebexApiError, 'method' | 'path' | 'errorCodes'>): string {
  const operation = `${err.method} ${err.path}`;
  return err.errorCodes
    .map((code) => WEBEX_ERROR_CODES.find((c) => c.code === code && c.operations.includes(operation)))
    .filter((c): c is WebexErrorCode => c !== undefined)
    .map((c) => `errorCode ${c.code} means ${c.meaning}`)
    .join('; ');
}
