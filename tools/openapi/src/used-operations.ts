/**
 * The Webex operations wbp calls, by module. The simulator serves exactly these and validates
 * every request against their spec-derived request schemas.
 */
export const USED_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  admin: ['GET /people/me', 'GET /people', 'GET /people/{personId}', 'PUT /people/{personId}', 'GET /licenses', 'PATCH /licenses/users'],
  device: [
    'GET /locations',
    'POST /locations',
    'GET /locations/{locationId}',
    'PUT /locations/{locationId}',
    'DELETE /locations/{locationId}',
  ],
  /** Every operation of the calling subset. */
  calling: ['*'],
};
