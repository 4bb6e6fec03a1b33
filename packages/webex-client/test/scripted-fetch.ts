import type { FetchFn } from '../src/index.js';

/** An inner fetch that answers from a script and records every request it was handed. */
export function scriptedFetch(answer: (request: Request, call: number, signal: AbortSignal | undefined) => Response | Promise<Response>) {
  /** `attempt`: the call's attempt when the request was handed over (its `CallContext`, if it had one). */
  const seen: { request: Request; signal: AbortSignal | undefined; attempt: number | undefined }[] = [];
  const fetch: FetchFn = async (request, signal, call) => {
    seen.push({ request, signal, attempt: call?.attempt });
    return answer(request, seen.length, signal);
  };
  return { fetch, seen };
}

/** A server that never answers and a transport that ignores its abort signal. */
export const hangs = (): Promise<Response> => new Promise<Response>(() => undefined);

export const json = (body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response =>
  new Response(JSON.stringify(body), { status: init.status ?? 200, headers: { 'content-type': 'application/json', ...init.headers } });

export const request = (method: string, path: string, body?: unknown): Request =>
  new Request(`https://webexapis.com/v1${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

/** Settles to the error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}
