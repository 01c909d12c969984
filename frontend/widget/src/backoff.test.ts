import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from 1 s and caps at 30 s (upper bound, random = 1)', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 10, 100].map((n) => backoffDelay(n, DEFAULT_BACKOFF, () => 1));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  });

  it('never waits less than half the ceiling (random = 0)', () => {
    expect([0, 1, 2, 5].map((n) => backoffDelay(n, DEFAULT_BACKOFF, () => 0))).toEqual([500, 1000, 2000, 15000]);
  });

  it('stays within [ceiling/2, ceiling] for random jitter', () => {
    for (let n = 0; n < 12; n++) {
      const ceiling = Math.min(30000, 1000 * 2 ** n);
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(n);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('treats negative or fractional attempts sanely and honours custom options', () => {
    expect(backoffDelay(-3, DEFAULT_BACKOFF, () => 1)).toBe(1000);
    expect(backoffDelay(1.7, DEFAULT_BACKOFF, () => 1)).toBe(2000);
    expect(backoffDelay(3, { baseMs: 100, maxMs: 500, factor: 3 }, () => 1)).toBe(500);
  });
});
