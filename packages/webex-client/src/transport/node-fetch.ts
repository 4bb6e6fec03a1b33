import { Agent } from 'undici';
import type { FetchFn } from './types.js';

/**
 * The innermost layer: Node's fetch over a keep-alive pool whose TCP/TLS connect is bounded
 * separately from the whole-request deadline. Looked up lazily so test interceptors (msw) that
 * replace globalThis.fetch after the client exists still apply.
 */
export function nodeFetch(connectTimeoutMs: number): { fetch: FetchFn; close: () => Promise<void> } {
  const dispatcher = new Agent({ connect: { timeout: connectTimeoutMs } });
  return {
    fetch: (request, signal) => globalThis.fetch(request, { dispatcher, ...(signal ? { signal } : {}) } as RequestInit),
    // destroy, not close: close() would wait for requests a server never answers.
    close: () => dispatcher.destroy(),
  };
}
