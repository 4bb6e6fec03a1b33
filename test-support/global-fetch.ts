import type { FetchFn } from '@wbp/webex-client';

/**
 * For tests that intercept requests with msw: msw replaces `globalThis.fetch`, while the client's
 * default transport uses its own undici pool, so such tests hand the client this fetch instead.
 * Looked up per request, so an interceptor installed after the client exists still applies.
 */
export const globalFetch: FetchFn = (request, signal) => globalThis.fetch(request, signal ? { signal } : {});
