import { Agent, fetch as undiciFetch } from 'undici';
import type { FetchFn } from './types.js';

/**
 * The innermost layer: a keep-alive pool whose TCP/TLS connect is bounded separately from the
 * whole-request deadline. The pool is an `Agent` of this package's undici, so requests go through
 * that same undici's `fetch`: Node's built-in fetch bundles its own undici (v7+ on Node 26), which
 * rejects a dispatcher from another copy. Tests that intercept `globalThis.fetch` (msw) pass their
 * own `fetch` option instead of this layer.
 */
export function nodeFetch(connectTimeoutMs: number): { fetch: FetchFn; close: () => Promise<void> } {
  const dispatcher = new Agent({ connect: { timeout: connectTimeoutMs } });
  return {
    fetch: async (request, signal) => {
      // A Request of another undici copy is not one to this fetch (it would read it as a URL string).
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const response = await undiciFetch(request.url, {
        method: request.method,
        headers,
        ...(request.body ? { body: await request.arrayBuffer() } : {}),
        ...(signal ? { signal } : {}),
        dispatcher,
      });
      return response as unknown as Response;
    },
    // destroy, not close: close() would wait for requests a server never answers.
    close: () => dispatcher.destroy(),
  };
}
