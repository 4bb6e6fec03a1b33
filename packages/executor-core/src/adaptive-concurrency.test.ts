import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency } from './adaptive-concurrency.js';

describe('AdaptiveConcurrency', () => {
  it('adds one row per clean window, up to the cap', () => {
    const c = new AdaptiveConcurrency(2, 4);
    for (let i = 0; i < 2; i++) c.rowDone();
    expect(c.limit()).toBe(3);
    for (let i = 0; i < 3; i++) c.rowDone();
    expect(c.limit()).toBe(4);
    for (let i = 0; i < 40; i++) c.rowDone();
    expect(c.limit()).toBe(4);
  });
  it('cuts multiplicatively on a 429, once per burst, and grows again only after a full clean window', () => {
    const c = new AdaptiveConcurrency(16, 32);
    c.rateLimited(10_000);
    c.rateLimited(10_100);
    expect(c.limit()).toBe(12);
    for (let i = 0; i < 11; i++) c.rowDone();
    expect(c.limit()).toBe(12);
    c.rowDone();
    expect(c.limit()).toBe(13);
    c.rateLimited(12_000);
    expect(c.limit()).toBe(9);
  });
  it('treats a sustained latency rise as congestion', () => {
    const c = new AdaptiveConcurrency(20, 32);
    for (let i = 0; i < 50; i++) c.latency(80, 1000);
    expect(c.limit()).toBe(20);
    for (let i = 0; i < 50; i++) c.latency(600, 5000);
    expect(c.limit()).toBe(15);
  });
  it('never goes below 1', () => {
    const c = new AdaptiveConcurrency(1, 8);
    c.rateLimited(0);
    expect(c.limit()).toBe(1);
  });
});
