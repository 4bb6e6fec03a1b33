/**
 * A new, signal-less copy of `request` with its body already read (`body`): every attempt or
 * hedge leg needs its own readable body, and cancellation travels as the transport's second
 * argument rather than as a Request signal.
 */
export function freshRequest(request: Request, body: ArrayBuffer | undefined, headers: Headers = request.headers): Request {
  return new Request(request.url, { method: request.method, headers, ...(body !== undefined ? { body } : {}) });
}
