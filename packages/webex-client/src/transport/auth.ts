import { randomUUID } from 'node:crypto';
import { freshRequest } from './fresh-request.js';
import type { FetchFn } from './types.js';

/** A fixed token, or a function returning the current one (so a long run can refresh it). */
export type TokenSource = string | (() => string | Promise<string>);

/**
 * Bearer auth plus a `TrackingID` request header per call, which Webex echoes in its logs; it is
 * kept across retries of one call so support can follow the whole call. With `refresh`, a 401 gets
 * one refresh and one replay (a 401 was refused, not applied, so this is safe for every method).
 */
export function withAuth(next: FetchFn, token: TokenSource, trackingIdPrefix: string, refresh?: () => Promise<boolean>): FetchFn {
  const current = async () => (typeof token === 'function' ? await token() : token);
  return async (request, signal, call) => {
    const headers = new Headers(request.headers);
    if (!headers.has('TrackingID')) headers.set('TrackingID', `${trackingIdPrefix}_${randomUUID()}`);
    const body = request.body ? await request.arrayBuffer() : undefined;
    const send = async () => {
      headers.set('Authorization', `Bearer ${await current()}`);
      return next(freshRequest(request, body, headers), signal ?? request.signal, call);
    };
    const response = await send();
    if (response.status !== 401 || !refresh || !(await refresh())) return response;
    return send();
  };
}
