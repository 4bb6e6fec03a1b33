/**
 * Replaying these can never apply a change twice. POST `/actions/.../invoke` endpoints are
 * read-only checks (validateExtensions). PATCH /licenses/users and POST creates are not.
 */
export function isIdempotent(method: string, path: string): boolean {
  if (['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(method)) return true;
  return method === 'POST' && /\/actions\/[^/]+\/invoke$/.test(path);
}

/**
 * Safe to race against a copy of itself. A full-replacement `PUT /people/{id}` is idempotent but
 * not raceable: the losing copy is only cancelled on our side and can still land after the
 * winner, and after the next update of that person, silently putting back the identity it
 * replaced.
 */
export function isHedgeable(method: string, path: string): boolean {
  return isIdempotent(method, path) && !(method === 'PUT' && /\/people\/[^/]+$/.test(path));
}
