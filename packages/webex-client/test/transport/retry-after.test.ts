import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/transport/retry-after.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-25T10:00:00Z');
  it('reads delta-seconds', () => expect(parseRetryAfter('7', 60_000, now)).toBe(7000));
  it('reads an HTTP date relative to now', () => expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:30 GMT', 60_000, now)).toBe(30_000));
  it('clamps a date in the past to zero', () => expect(parseRetryAfter('Wed, 25 Nov 2026 09:00:00 GMT', 60_000, now)).toBe(0));
  it('caps absurd values', () => expect(parseRetryAfter('86400', 120_000, now)).toBe(120_000));
  it.each([null, '', 'soon', '-3', '1.5'])('ignores %j', (v) => expect(parseRetryAfter(v, 60_000, now)).toBeUndefined());
});
