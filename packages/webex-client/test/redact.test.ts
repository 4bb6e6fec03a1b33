import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createWebexClient, WebexApiError } from '../src/index.js';
import { createRedactor, REDACTED, scrubCredentials } from '../src/internal.js';
import { useLocalServer } from './local-server.js';

const TOKEN = 'reflected-token-9c1d';

describe('createRedactor', () => {
  it('replaces every configured secret, also JSON- and URL-escaped, and learns new ones', () => {
    const redact = createRedactor(['s3cr"et-9f', undefined, '', ' token-1aa\n']);
    expect(redact('a s3cr"et-9f b token-1aa c')).toBe(`a ${REDACTED} b ${REDACTED} c`);
    expect(redact(JSON.stringify({ v: 's3cr"et-9f' }))).toBe(`{"v":"${REDACTED}"}`);
    expect(redact(`x=${encodeURIComponent('s3cr"et-9f')}`)).toBe(`x=${REDACTED}`);
    expect(redact('token-2bb')).toBe('token-2bb');
    redact.add('token-2bb');
    expect(redact('token-2bb')).toBe(REDACTED);
  });

  it('replaces a secret containing another one whole, and leaves values too short to be credentials alone', () => {
    expect(createRedactor(['abcdefgh', 'xxabcdefghxx'])('xxabcdefghxx abcdefgh')).toBe(`${REDACTED} ${REDACTED}`);
    expect(createRedactor(['t', 'lab'])('the lab test')).toBe('the lab test');
  });

  it('scrubs any Bearer token and URL userinfo without being told', () => {
    expect(scrubCredentials('Authorization: Bearer eyJ0.a-b_c~d+e/f== next')).toBe(`Authorization: Bearer ${REDACTED} next`);
    expect(scrubCredentials('see https://ana:pa55@proxy.example.com:8080/v1 and http://bob@h/x')).toBe(
      `see https://${REDACTED}@proxy.example.com:8080/v1 and http://${REDACTED}@h/x`,
    );
    // An e-mail in a query string is not userinfo.
    expect(scrubCredentials('https://h/people?email=ana@example.com')).toBe('https://h/people?email=ana@example.com');
    expect(createRedactor()('{"u":"https://a:b@h"}')).toBe(`{"u":"https://${REDACTED}@h"}`);
  });
});

describe('a server that reflects the Authorization header in its error', () => {
  const server = useLocalServer((req, res) => {
    const auth = String(req.headers.authorization);
    if (req.url.startsWith('/v1/people/me')) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `bad request, you sent Authorization: ${auth}`, errors: [{ description: auth }] }));
    } else {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(`<html><body>proxy error for https://user:pw@upstream ${auth}</body></html>`);
    }
  });

  it('keeps the token out of the WebexApiError message, webexMessage, JSON and inspection', async () => {
    const client = createWebexClient({
      auth: { token: TOKEN },
      baseUrl: `${server.origin}/v1`,
      retry: { retries: 0 },
      hedge: { enabled: false },
    });
    const errors = await Promise.all([client.people.me().catch((e: unknown) => e), client.licenses.list().catch((e: unknown) => e)]);
    await client.close();
    for (const err of errors) {
      expect(err).toBeInstanceOf(WebexApiError);
      const e = err as WebexApiError;
      const text = [e.message, e.webexMessage, JSON.stringify(e), inspect(e, { depth: 10, showHidden: true })].join('\n');
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('user:pw');
      expect(e.webexMessage).toContain(`Bearer ${REDACTED}`);
    }
  });
});
