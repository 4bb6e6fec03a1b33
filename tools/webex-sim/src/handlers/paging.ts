/** Cursor pages with a `Link rel="next"` that carries every query parameter, as Webex does. */
export function cursorPage<T>(all: T[], query: URLSearchParams, baseUrl: string, path: string, defaultMax: number, maxMax: number) {
  const max = Math.min(Math.max(Number(query.get('max') ?? defaultMax) || defaultMax, 1), maxMax);
  const offset = Math.max(Number(query.get('cursor') ?? 0) || 0, 0);
  const items = all.slice(offset, offset + max);
  const headers: Record<string, string> = {};
  if (offset + max < all.length) {
    const next = new URLSearchParams(query);
    next.set('cursor', String(offset + max));
    next.set('max', String(max));
    headers.Link = `<${baseUrl}${path}?${next.toString()}>; rel="next"`;
  }
  return { items, headers };
}

/** Offset pages (`start`/`max`) of the telephony lists. */
export function offsetPage<T>(all: T[], query: URLSearchParams, defaultMax: number): T[] {
  const max = Math.max(Number(query.get('max') ?? defaultMax) || defaultMax, 1);
  const start = Math.max(Number(query.get('start') ?? 0) || 0, 0);
  return all.slice(start, start + max);
}
