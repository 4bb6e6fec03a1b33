import { describe, expect, it } from 'vitest';
import { earlyStopWindow } from '../src/breaker.js';
import { LowWaterMark } from '../src/low-water-mark.js';

const none = () => false;

describe('LowWaterMark', () => {
  it('moves only over the contiguous prefix of ended rows, whatever order they end in', () => {
    const mark = new LowWaterMark(0, none);
    mark.track([1, 2, 3, 4]);
    expect(mark.value).toBe(0);
    mark.end(3);
    mark.end(2);
    expect(mark.value).toBe(0); // row 1 is still in flight
    mark.end(1);
    expect(mark.value).toBe(3);
    mark.end(4);
    expect(mark.value).toBe(4);
  });

  it('runs across batches in file order', () => {
    const mark = new LowWaterMark(0, none);
    mark.track([1, 2]);
    mark.track([3, 4]);
    mark.end(3);
    mark.end(4);
    expect(mark.value).toBe(0);
    mark.end(2);
    mark.end(1);
    expect(mark.value).toBe(4);
  });

  it('steps over gaps in the row ids (the rows of other entity types)', () => {
    const mark = new LowWaterMark(0, none);
    mark.track([3, 7, 12]);
    mark.end(3);
    expect(mark.value).toBe(3);
    mark.end(12);
    expect(mark.value).toBe(3);
    mark.end(7);
    expect(mark.value).toBe(12);
  });

  it('starts from the resumed checkpoint and counts rows an earlier invocation ended', () => {
    const endedBefore = new Set([11, 12, 14]);
    const mark = new LowWaterMark(10, (id) => endedBefore.has(id));
    expect(mark.value).toBe(10); // nothing tracked yet: the resume's start mark
    mark.track([11, 12, 13, 14, 15]);
    expect(mark.value).toBe(12);
    mark.end(13);
    expect(mark.value).toBe(14);
    mark.end(15);
    expect(mark.value).toBe(15);
  });

  it('never moves back when a finished batch is let go of', () => {
    const mark = new LowWaterMark(0, none);
    mark.track([1, 2]);
    mark.track([5, 6]);
    mark.end(1);
    mark.end(2);
    mark.end(5);
    expect(mark.settleFirst()).toBe(5); // covers batch 1 and the ended prefix of batch 2
    expect(mark.value).toBe(5);
    mark.end(6);
    expect(mark.settleFirst()).toBe(6);
    expect(mark.value).toBe(6);
  });
});

describe('earlyStopWindow', () => {
  it('leaves room in the batch for the rows in flight, between 1 and 25', () => {
    expect(earlyStopWindow(500, 16)).toBe(25);
    expect(earlyStopWindow(20, 8)).toBe(12);
    expect(earlyStopWindow(4, 8)).toBe(1);
    expect(earlyStopWindow(10, 0)).toBe(9); // a limit below 1 counts as 1, as the scheduler takes it
  });
});
