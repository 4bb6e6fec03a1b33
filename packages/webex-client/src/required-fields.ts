/**
 * The fields of a 2xx answer wbp's callers rely on, per operation (`METHOD /schema/path`). The
 * specs mark few fields required and Webex omits some under load or for some orgs, so an answer
 * without one is `invalid_response_schema` (term sheet 13.2) rather than a crash further on.
 * Checked by the error middleware for the raw clients and the operations alike.
 */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  'GET /people/me': ['id'],
  'GET /people': ['items'],
  'GET /people/{personId}': ['id'],
  'PUT /people/{personId}': ['id'],
  'GET /licenses': ['items'],
  'PATCH /licenses/users': ['licenses'],
  'GET /locations': ['items'],
  'GET /locations/{locationId}': ['id', 'name'],
  'POST /locations': ['id'],
  'GET /telephony/config/locations': ['locations'],
  'GET /telephony/config/locations/{locationId}': ['id'],
  'POST /telephony/config/locations': ['id'],
  'GET /telephony/config/numbers': ['phoneNumbers'],
  'POST /telephony/config/locations/{locationId}/actions/validateExtensions/invoke': ['status'],
  'GET /people/{personId}/features/numbers': ['phoneNumbers'],
};

export function requiredFields(method: string, schemaPath: string): readonly string[] {
  return REQUIRED[`${method} ${schemaPath}`] ?? [];
}
