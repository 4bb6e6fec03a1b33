import { describe, expect, it } from 'vitest';
import { RatePacer } from './pacer.js';

describe('RatePacer', () => {
  it('is unpaced until a 429, then settles just below the accepted rate', () => {
    const p = new RatePacer();
    expect(p.rate).toBeUndefined();
    for (let t = 0; t < 5000; t += 5) p.accepted(10_000 + t); // 200/s accepted
    p.rateLimited(15_000);
    expect(p.rate).toBeCloseTo(190, 0);
  });
  it('does not pace on a 429 that came before enough traffic to measure', () => {
    const p = new RatePacer();
    p.accepted(1000);
    p.rateLimited(1500);
    expect(p.rate).toBeUndefined();
  });
  it('counts one burst of simultaneous 429s once, and keeps cutting on later ones', () => {
    const p = new RatePacer();
    for (let t = 0; t < 5000; t += 10) p.accepted(t); // 100/s
    p.rateLimited(5000);
    const first = p.rate!;
    p.rateLimited(5100);
    expect(p.rate).toBe(first);
    p.rateLimited(7000);
    expect(p.rate!).toBeLessThan(first);
  });
  it('spaces requests at the learnt pace', async () => {
    const p = new RatePacer({ probeEveryMs: 60_000 });
    for (let t = 0; t < 5000; t += 20) p.accepted(Date.now() - 5000 + t); // ~50/s
    p.rateLimited();
    const t0 = Date.now();
    for (let i = 0; i < 6; i++) await p.acquire();
    // 6 slots at ~47.5/s: the 6th leaves ≥ 5 intervals (~105 ms) after the first.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
  });
});
