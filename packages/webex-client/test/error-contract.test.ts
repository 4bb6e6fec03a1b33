import { describe, expect, it } from 'vitest';
import { failure } from './failure.js';
import { madrid, testClient } from './msw.js';
import { json, scriptedFetch } from './scripted-fetch.js';

/**
 * One error path (issue 14): the raw clients and the typed operations reject every failure with
 * the same `WebexApiError`, built in one place (the error middleware) from the operation's schema
 * path and the call's own attempt count; a 2xx resolves `{ data, response }`.
 */

const notFound = () =>
  json(
    { message: 'Person not found', errors: [{ errorCode: 1404, description: 'not found' }], trackingId: 'BODY_T' },
    { status: 404, headers: { trackingid: 'T404' } },
  );
const busy = () => json({ message: 'busy', trackingId: 'NA_1' }, { status: 503, headers: { trackingid: 'T503' } });
const html = () => new Response('<html>Sign in</html>', { status: 200, headers: { 'content-type': 'text/html', trackingid: 'THTML' } });

describe('the client error contract', () => {
  it('a 404 rejects with WebexApiError from the raw client and the operation alike, named by schema path', async () => {
    const inner = scriptedFetch(notFound);
    const { client } = testClient({ fetch: inner.fetch });
    const expected = {
      method: 'GET',
      path: '/people/{personId}',
      failure: 'http_status',
      status: 404,
      trackingId: 'T404',
      webexMessage: 'Person not found',
      errorCodes: [1404],
      attempts: 1,
      classification: 'non_retryable',
      outcomeUnknown: false,
    };
    expect(await failure(client.people.get('P-secret-id'))).toMatchObject(expected);
    const raw = await failure(client.raw.admin.GET('/people/{personId}', { params: { path: { personId: 'P-secret-id' } } }));
    expect(raw).toMatchObject(expected);
    expect(raw.message).not.toContain('P-secret-id');
  });

  it('a 503 rejects alike after retries + 1 attempts (raw client and operation)', async () => {
    const inner = scriptedFetch(busy);
    const { client } = testClient({ fetch: inner.fetch, retry: { retries: 2 } });
    const expected = {
      method: 'GET',
      path: '/people/me',
      failure: 'http_status',
      status: 503,
      trackingId: 'T503',
      webexMessage: 'busy',
      attempts: 3,
      classification: 'retryable',
      outcomeUnknown: false,
    };
    expect(await failure(client.people.me())).toMatchObject(expected);
    expect(await failure(client.raw.admin.GET('/people/me'))).toMatchObject(expected);
    expect(inner.seen).toHaveLength(6);
  });

  it('a create answered 503 is replayed (a refusal); one answered 500 is outcome unknown after one attempt', async () => {
    const refusedThenCreated = scriptedFetch((_, n) => (n === 1 ? busy() : json({ id: 'L1' }, { status: 201 })));
    expect(await testClient({ fetch: refusedThenCreated.fetch }).client.locations.create(madrid)).toEqual({ id: 'L1' });
    const broken = scriptedFetch(() => json({ message: 'oops' }, { status: 500 }));
    const err = await failure(testClient({ fetch: broken.fetch }).client.locations.create(madrid));
    expect(err).toMatchObject({ method: 'POST', path: '/locations', status: 500, attempts: 1, outcomeUnknown: true, webexMessage: 'oops' });
  });

  it('a 2xx that is not JSON is invalid_body: a GET is retried, a create is outcome unknown', async () => {
    const get = scriptedFetch(html);
    const getErr = await failure(testClient({ fetch: get.fetch, retry: { retries: 1 } }).client.people.me());
    expect(getErr).toMatchObject({
      path: '/people/me',
      failure: 'invalid_body',
      classification: 'invalid_response_schema',
      status: 200,
      trackingId: 'THTML',
      attempts: 2,
      outcomeUnknown: false,
    });
    const post = scriptedFetch(html);
    const postErr = await failure(testClient({ fetch: post.fetch }).client.raw.device.POST('/locations', { body: madrid }));
    expect(postErr).toMatchObject({ method: 'POST', path: '/locations', failure: 'invalid_body', attempts: 1, outcomeUnknown: true });
    expect(post.seen).toHaveLength(1);
  });

  it('counts every attempt of the call: 503, 503, then a 404 is a 404 after 3 attempts', async () => {
    const inner = scriptedFetch((_, n) => (n < 3 ? busy() : notFound()));
    const err = await failure(testClient({ fetch: inner.fetch }).client.people.get('P1'));
    expect(err).toMatchObject({ status: 404, attempts: 3, trackingId: 'T404' });
    expect(inner.seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
  });

  it('a 2xx without a field callers rely on is missing_fields, for the raw client too', async () => {
    const inner = scriptedFetch(() => json({ displayName: 'no id' }, { headers: { trackingid: 'TM' } }));
    const { client } = testClient({ fetch: inner.fetch });
    const expected = {
      method: 'GET',
      path: '/people/me',
      failure: 'missing_fields',
      classification: 'invalid_response_schema',
      status: 200,
      trackingId: 'TM',
      attempts: 1,
    };
    expect(await failure(client.people.me())).toMatchObject(expected);
    expect(await failure(client.raw.admin.GET('/people/me'))).toMatchObject(expected);
  });

  it('a 2xx resolves { data, response } from the raw client', async () => {
    const inner = scriptedFetch(() => json({ id: 'P1' }));
    const { data, response } = await testClient({ fetch: inner.fetch }).client.raw.admin.GET('/people/me');
    expect(data?.id).toBe('P1');
    expect(response.status).toBe(200);
  });

  it('a delete of a location already gone still counts as deleted (the operation catches the 404)', async () => {
    const inner = scriptedFetch(() => json({ message: 'gone' }, { status: 404 }));
    await expect(testClient({ fetch: inner.fetch }).client.locations.delete('L1')).resolves.toBeUndefined();
  });
});
