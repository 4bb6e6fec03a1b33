/** The part of an openapi-fetch result every operation needs. */
export interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of a call that succeeded. Failures never get here: the error middleware rejects every
 * one with `WebexApiError` (a 2xx without the fields its callers rely on included), so an
 * operation names its path once, in the raw call, and reads the answer.
 */
export async function ok<T>(pending: Promise<FetchResult<T>>): Promise<{ data: T; response: Response }> {
  const { data, response } = await pending;
  return { data: data as T, response };
}
