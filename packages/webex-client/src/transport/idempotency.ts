/**
 * Replaying these can never apply a change twice. POST `/actions/.../invoke` endpoints are
 * read-only checks (validateExtensions). PATCH /licenses/users and POST creates are not.
 */
export function isIdempotent(method: string, path: string): boolean {
  if (['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(method)) return true;
  return method === 'POST' && /\/actions\/[^/]+\/invoke$/.test(path);
}
