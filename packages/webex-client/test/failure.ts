import { expect } from 'vitest';
import { WebexApiError } from '../src/index.js';

/** The rejection of `promise`, which must be a `WebexApiError` (the client's one error type). */
export async function failure(promise: Promise<unknown>): Promise<WebexApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WebexApiError);
  return err as WebexApiError;
}
