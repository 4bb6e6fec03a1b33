import { pageBoundError as pageBound } from './error-middleware.js';
import { nextLink } from './link-header.js';

export interface Page<T> {
  items: T[];
  response: Response;
}

/**
 * Cursor pagination (`/people`, `/locations`): follow `Link rel="next"` verbatim, which already
 * carries every query parameter and the cursor, until none is left or `maxPages` is reached.
 */
export async function* linkPages<T>(
  label: `${'GET' | 'POST'} /${string}`,
  fetchPage: (query: Record<string, string> | undefined) => Promise<Page<T>>,
  maxPages: number,
): AsyncGenerator<T[]> {
  let query: Record<string, string> | undefined;
  for (let page = 1; ; page++) {
    if (page > maxPages) throw pageBound(label, maxPages);
    const { items, response } = await fetchPage(query);
    yield items;
    const next = nextLink(response.headers.get('link'));
    if (!next) return;
    query = Object.fromEntries(next.searchParams);
  }
}

/**
 * Offset pagination (`/telephony/config/...`): prefer `Link rel="next"` when the service sends
 * one, else advance `start` until a page comes back shorter than `max`.
 */
export async function* offsetPages<T>(
  label: `${'GET' | 'POST'} /${string}`,
  fetchPage: (start: number, max: number) => Promise<Page<T>>,
  pageSize: number,
  maxPages: number,
): AsyncGenerator<T[]> {
  let start = 0;
  for (let page = 1; ; page++) {
    if (page > maxPages) throw pageBound(label, maxPages);
    const { items, response } = await fetchPage(start, pageSize);
    yield items;
    const next = nextLink(response.headers.get('link'));
    const linkStart = next?.searchParams.get('start');
    if (linkStart !== null && linkStart !== undefined && /^\d+$/.test(linkStart)) {
      start = Number(linkStart);
      continue;
    }
    if (items.length < pageSize || items.length === 0) return;
    start += items.length;
  }
}

export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const items of pages) all.push(...items);
  return all;
}
