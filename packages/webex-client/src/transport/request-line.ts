/** Method and URL path of a request: what events, errors and diagnostics name a call by (never the query, which can carry e-mail addresses). */
export function requestLine(request: Request): { method: string; path: string } {
  return { method: request.method.toUpperCase(), path: new URL(request.url).pathname };
}
