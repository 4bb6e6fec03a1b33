import { describe, expect, it } from 'vitest';
import { nextLink } from '../src/link-header.js';

describe('nextLink', () => {
  it('finds rel="next" among several links', () => {
    const h = '<https://webexapis.com/v1/people?max=2&cursor=a>; rel="prev", <https://webexapis.com/v1/people?max=2&cursor=b>; rel="next"';
    expect(nextLink(h)?.searchParams.get('cursor')).toBe('b');
  });
  it('accepts an unquoted rel and a rel list', () => {
    expect(nextLink('<https://x.test/a?start=3>; rel=next')?.searchParams.get('start')).toBe('3');
    expect(nextLink('<https://x.test/a?start=4>; rel="last next"')?.searchParams.get('start')).toBe('4');
  });
  it('returns undefined without a next link or header', () => {
    expect(nextLink(null)).toBeUndefined();
    expect(nextLink('<https://x.test/a>; rel="prev"')).toBeUndefined();
    expect(nextLink('<not a url>; rel="next"')).toBeUndefined();
  });
});
