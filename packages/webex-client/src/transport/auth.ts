import { randomUUID } from 'node:crypto';
import type { FetchFn } from './types.js';

/** A fixed token, or a function returning the current one (so a long run can refresh it). */
export type TokenSource = string | (() => string | Promise<string>);

/**
 * Bearer auth plus a `TrackingID` request header per call, which Webex echoes in its logs; it is
 * kept across retries of one call so support can follow the whole call.
 */
export function withAuth(next: FetchFn, token: TokenSource, trackingIdPrefix: string): FetchFn {
  return async (request) => {
    const value = typeof token === 'function' ? await token() : token;
    const headers = new Headers(request.headers);
    headers.set('Authorization', `Bearer ${value}`);
    if (!headers.has('TrackingID')) headers.set('TrackingID', `${trackingIdPrefix}_${randomUUID()}`);
    return next(new Request(request, { headers }));
  };
}
