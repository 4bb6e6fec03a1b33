/**
 * A Response built by `make` with the original's status, headers and url. Layers that replace a
 * body need it: a constructed Response has no url, and callers log it.
 */
export function copyResponse<T extends Response>(
  original: Response,
  make: (init: ResponseInit) => T,
  headers: Headers = new Headers(original.headers),
): T {
  const copy = make({ status: original.status, statusText: original.statusText, headers });
  Object.defineProperty(copy, 'url', { value: original.url });
  return copy;
}
