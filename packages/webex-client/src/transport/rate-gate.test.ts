import { describe, expect, it } from 'vitest';
import { RateGate } from './rate-gate.js';

describe('RateGate', () => {
  it('passes immediately when not paused', async () => {
    const gate = new RateGate();
    const t0 = Date.now();
    await gate.wait();
    expect(Date.now() - t0).toBeLessThan(50);
  });
  it('only ever extends a pause, and tells listeners', () => {
    const gate = new RateGate();
    const heard: number[] = [];
    gate.onPause((until) => heard.push(until));
    gate.pause(1000, 0);
    gate.pause(500, 0);
    gate.pause(2000, 0);
    expect(gate.pausedUntil).toBe(2000);
    expect(heard).toEqual([1000, 2000]);
  });
  it('holds waiters until the pause ends', async () => {
    const gate = new RateGate();
    gate.pause(150);
    const t0 = Date.now();
    await Promise.all([gate.wait(), gate.wait()]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });
});
