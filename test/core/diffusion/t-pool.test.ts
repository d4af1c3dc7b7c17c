import { describe, expect, it } from 'vitest';
import { drawPool, tProbabilities } from '../../../core/diffusion/t-pool';
import { Rng } from '../../../core/engine/rng';

describe('t sampling', () => {
  it('priority gives P(t) = t / sum_{s<=T} s (paper Eq. 6), uniform 1/T', () => {
    const p = tProbabilities(4, 'priority');
    expect(Array.from(p)).toEqual([0.1, 0.2, 0.3, 0.4].map((v) => expect.closeTo(v, 12)));
    expect(Array.from(tProbabilities(4, 'uniform'))).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(tProbabilities(1000, 'priority').reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('a pool is half zeros and half draws from 1..T', () => {
    const pool = drawPool(new Rng(1), 10, 64, 'priority');
    expect(pool.length).toBe(64);
    expect(Array.from(pool.subarray(32))).toEqual(new Array(32).fill(0));
    for (const t of pool.subarray(0, 32)) {
      expect(t).toBeGreaterThanOrEqual(1);
      expect(t).toBeLessThanOrEqual(10);
    }
  });

  it('pool draws follow the priority distribution', () => {
    const rng = new Rng(2);
    const T = 5;
    const counts = new Array(T + 1).fill(0);
    for (let i = 0; i < 2000; i++)
      for (const t of drawPool(rng, T, 64, 'priority').subarray(0, 32)) counts[t]++;
    const total = 2000 * 32;
    for (let t = 1; t <= T; t++) expect(counts[t] / total).toBeCloseTo(t / 15, 2);
  });
});
