import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, rejection, request, scriptedFetch } from '../scripted-fetch.js';
import { withJsonBody } from '../../src/transport/json-body.js';

afterEach(() => vi.restoreAllMocks());

const jsonText = (text: string, status = 200) => new Response(text, { status, headers: { 'content-type': 'application/json' } });

describe('withJsonBody', () => {
  it('parses a 2xx JSON body once and hands the value on through json()', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const response = await withJsonBody(async () => json({ id: 'P1' }))(request('GET', '/people/me'));
    expect(await response.json()).toEqual({ id: 'P1' });
    expect(parse).toHaveBeenCalledTimes(1);
    expect(response.headers.get('content-length')).toBe(String('{"id":"P1"}'.length));
  });

  it('keeps status, headers, url and the text', async () => {
    const original = json({ id: 'L1' }, { status: 201, headers: { trackingid: 'T1' } });
    Object.defineProperty(original, 'url', { value: 'https://webexapis.com/v1/locations' });
    const response = await withJsonBody(async () => original)(request('POST', '/locations', {}));
    expect([response.status, response.headers.get('trackingid'), response.url]).toEqual([201, 'T1', 'https://webexapis.com/v1/locations']);
    expect(await response.text()).toBe('{"id":"L1"}');
  });

  it.each([
    ['GET', '/people/me', false],
    ['POST', '/locations', true],
  ])('turns an unparseable body of %s %s into invalid_body (outcome unknown: %s)', async (method, path, unknown) => {
    const err = await rejection(withJsonBody(async () => jsonText('{"id": "P1"', 201))(request(method, path)));
    expect(err).toMatchObject({ failure: 'invalid_body', status: 201, outcomeUnknown: unknown });
  });

  it.each([
    ['an HTML page (a proxy or captive portal)', 'text/html', '<html><body>Sign in to the guest Wi-Fi</body></html>'],
    ['plain text', 'text/plain', 'plain'],
    ['no content type', '', 'garbage'],
  ])('a 2xx with %s is invalid_body, whatever its content type', async (_, type, body) => {
    const answer = new Response(body, { status: 200, headers: type ? { 'content-type': type } : {} });
    const err = await rejection(withJsonBody(async () => answer)(request('GET', '/people/me')));
    expect(err).toMatchObject({ failure: 'invalid_body', outcomeUnknown: false });
  });

  it('hands an empty JSON body on as one with no content', async () => {
    const response = await withJsonBody(async () => jsonText(''))(request('GET', '/people/me'));
    expect(response.headers.get('content-length')).toBe('0');
    expect(await response.text()).toBe('');
  });

  it.each([
    ['an error status', () => jsonText('not json', 500)],
    ['a 204', () => new Response(null, { status: 204, headers: { 'content-type': 'application/json' } })],
  ])('passes %s through untouched', async (_, answer) => {
    const inner = scriptedFetch(answer);
    const original = await inner.fetch(request('GET', '/x'));
    const response = await withJsonBody(async () => original)(request('GET', '/x'));
    expect(response).toBe(original);
  });
});
